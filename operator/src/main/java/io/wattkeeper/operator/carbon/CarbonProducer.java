package io.wattkeeper.operator.carbon;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Builds the intensity resolver from configuration: the table always, the live provider if on. */
public class CarbonProducer {

  private static final Logger LOG = Logger.getLogger(CarbonProducer.class);

  @Produces
  @Singleton
  IntensityResolver resolver(CarbonConfig config, KubernetesClient client, Clock clock) {
    CarbonConfig.Live live = config.live();
    Optional<LiveIntensityProvider> provider = Optional.empty();
    if (live.enabled()) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(live.timeout()).build();
      provider =
          Optional.of(
              new ElectricityMapsProvider(
                  http,
                  URI.create(live.url()),
                  () -> token(client, live),
                  clock,
                  live.refresh(),
                  live.maxStaleness(),
                  live.timeout()));
      LOG.infof(
          "live carbon intensity from %s (token in Secret %s/%s)",
          live.url(), live.tokenSecretNamespace(), live.tokenSecretName());
    }
    return new IntensityResolver(CarbonIntensityTable.builtIn(), provider);
  }

  /** Read at each fetch, so a rotated token is used without a restart. */
  static Optional<String> token(KubernetesClient client, CarbonConfig.Live live) {
    try {
      Secret s =
          client
              .secrets()
              .inNamespace(live.tokenSecretNamespace())
              .withName(live.tokenSecretName())
              .get();
      if (s == null) {
        return Optional.empty();
      }
      if (s.getStringData() != null && s.getStringData().get(live.tokenSecretKey()) != null) {
        return Optional.of(s.getStringData().get(live.tokenSecretKey()).trim());
      }
      if (s.getData() == null || s.getData().get(live.tokenSecretKey()) == null) {
        return Optional.empty();
      }
      return Optional.of(
          new String(
                  Base64.getDecoder().decode(s.getData().get(live.tokenSecretKey())),
                  StandardCharsets.UTF_8)
              .trim());
    } catch (KubernetesClientException | IllegalArgumentException e) {
      LOG.warnf("Electricity Maps token Secret unreadable: %s", e.getMessage());
      return Optional.empty();
    }
  }
}
