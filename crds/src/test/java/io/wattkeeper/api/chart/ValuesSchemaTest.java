package io.wattkeeper.api.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json: a wrong type or an unknown key fails the render with a clear message. */
class ValuesSchemaTest {

  @Test
  void aWrongTypeFails() {
    assertThatThrownBy(() -> Rendered.render(Map.of("operator.replicas", "two")))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("/operator/replicas")
        .hasMessageContaining("want integer");
    assertThatThrownBy(() -> Rendered.render(Map.of("operator.antiAffinity", "sometimes")))
        .hasMessageContaining("/operator/antiAffinity")
        .hasMessageContaining("must be one of");
    assertThatThrownBy(() -> Rendered.render(Map.of("operator.leaderElection.leaseDuration", "15")))
        .hasMessageContaining("leaseDuration");
  }

  @Test
  void anUnknownKeyFails() {
    assertThatThrownBy(() -> Rendered.render(Map.of("operator.replicaz", "2")))
        .hasMessageContaining("replicaz");
    assertThatThrownBy(() -> Rendered.render(Map.of("serviceMonitr.enabled", "true")))
        .hasMessageContaining("serviceMonitr");
  }

  /** Kubernetes-shaped values are closed too: a typo below them fails instead of being dropped. */
  @Test
  void anUnknownKeyInsideKubernetesShapedValuesFails() {
    assertThatThrownBy(() -> Rendered.render(Map.of("operator.resources.limts.memory", "1Gi")))
        .hasMessageContaining("limts");
    assertThatThrownBy(() -> Rendered.render(Map.of("agent.securityContext.privilegd", "true")))
        .hasMessageContaining("privilegd");
    assertThatThrownBy(() -> Rendered.render(Map.of("operator.tolerations[0].efect", "NoSchedule")))
        .hasMessageContaining("efect");
    assertThatThrownBy(
            () ->
                Rendered.render(
                    Map.of("networkPolicy.scraperNamespaceSelector.matchLabel.team", "x")))
        .hasMessageContaining("matchLabel");
    assertThat(
            Rendered.render(
                    Map.of(
                        "operator.resources.limits.cpu", "2",
                        "operator.tolerations[0].key", "dedicated",
                        "operator.tolerations[0].operator", "Exists",
                        "operator.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key",
                            "pool"))
                .objects())
        .isNotEmpty();
  }

  @Test
  void validValuesRender() {
    assertThat(Rendered.render(Rendered.ALL_ON).objects()).isNotEmpty();
    assertThat(Rendered.render(Map.of("operator.replicas", "3")).objects()).isNotEmpty();
  }
}
