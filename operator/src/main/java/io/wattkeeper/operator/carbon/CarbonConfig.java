package io.wattkeeper.operator.carbon;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where carbon intensity comes from. The chart sets the default zone (WATTKEEPER_DEFAULT_ZONE). */
@ConfigMapping(prefix = "wattkeeper.carbon")
public interface CarbonConfig {

  /** Zone for nodes with neither a grid-zone annotation nor a region label; empty = world. */
  Optional<String> defaultZone();

  /** The live provider (Electricity Maps); off by default. */
  Live live();

  interface Live {
    @WithDefault("false")
    boolean enabled();

    /** Base URL of the Electricity Maps API; "/carbon-intensity/latest" is appended. */
    @WithDefault("https://api.electricitymaps.com/v3")
    String url();

    /** Secret holding the API token, in {@link #tokenSecretNamespace()}. */
    @WithDefault("wattkeeper-electricitymaps")
    String tokenSecretName();

    @WithDefault("token")
    String tokenSecretKey();

    /** Namespace of the token Secret; the operator's own namespace by default. */
    @WithDefault("${POD_NAMESPACE:default}")
    String tokenSecretNamespace();

    /** How long a fetched value is used before asking again. */
    @WithDefault("5m")
    Duration refresh();

    /** Older values are not used; the built-in table is. */
    @WithDefault("2h")
    Duration maxStaleness();

    /** HTTP timeout per request. */
    @WithDefault("10s")
    Duration timeout();
  }
}
