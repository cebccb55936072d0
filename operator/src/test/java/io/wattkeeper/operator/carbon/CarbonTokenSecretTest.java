package io.wattkeeper.operator.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.operator.testing.Fixtures;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Electricity Maps token comes from a Secret, read at each fetch. */
@QuarkusTest
@WithKubernetesTestServer
class CarbonTokenSecretTest {

  static final String NS = "carbon-ops";

  @Inject KubernetesClient client;
  @Inject CarbonConfig config;

  static CarbonConfig.Live live(String name) {
    return new CarbonConfig.Live() {
      public boolean enabled() {
        return true;
      }

      public String url() {
        return "http://127.0.0.1:1/v3";
      }

      public String tokenSecretName() {
        return name;
      }

      public String tokenSecretKey() {
        return "token";
      }

      public String tokenSecretNamespace() {
        return NS;
      }

      public Duration refresh() {
        return Duration.ofMinutes(5);
      }

      public Duration maxStaleness() {
        return Duration.ofHours(2);
      }

      public Duration timeout() {
        return Duration.ofSeconds(1);
      }
    };
  }

  @Test
  void tokenIsReadFromTheSecretAndAbsentMeansNone() {
    new Fixtures(client).namespace(NS);
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("em")
                .withNamespace(NS)
                .endMetadata()
                .withData(
                    Map.of(
                        "token",
                        Base64.getEncoder()
                            .encodeToString("abc123\n".getBytes(StandardCharsets.UTF_8))))
                .build())
        .create();
    assertThat(CarbonProducer.token(client, live("em"))).contains("abc123");
    assertThat(CarbonProducer.token(client, live("missing"))).isEmpty();
    // Off by default, with the documented defaults.
    assertThat(config.live().enabled()).isFalse();
    assertThat(config.live().tokenSecretName()).isEqualTo("wattkeeper-electricitymaps");
    assertThat(config.live().maxStaleness()).isEqualTo(Duration.ofHours(2));
  }
}
