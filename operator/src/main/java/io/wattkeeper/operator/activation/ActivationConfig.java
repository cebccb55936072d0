package io.wattkeeper.operator.activation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Routing of sleeping workloads' Services to the activator (docs/activator.md). */
@ConfigMapping(prefix = "wattkeeper.activator")
public interface ActivationConfig {

  /** false: no EndpointSlices are written; a sleeping workload's Service has no endpoints. */
  @WithDefault("true")
  boolean enabled();

  /** Namespace of the activator's Service (the chart's release namespace). */
  @WithDefault("wattkeeper")
  String namespace();

  /** The activator's Service; its Ready endpoints are where sleeping Services' traffic goes. */
  @WithDefault("wattkeeper-activator")
  String service();

  /** Fixed activator addresses instead of the Service's endpoints (a sandbox or a test). */
  Optional<List<String>> addresses();

  /** First port the operator reserves on the activator for a Service port. */
  @WithDefault("20000")
  int portRangeStart();

  /** Last such port (inclusive). */
  @WithDefault("29999")
  int portRangeEnd();
}
