package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Gpu;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuCapPlannerTest {

  static NodeEnergyReport report() {
    NodeEnergyReport r = new NodeEnergyReport();
    r.getMetadata().setName("gpu-node");
    r.setStatus(
        new NodeEnergyReportStatus()
            .setPods(
                List.of(
                    new PodEnergy().setUid("u1").setNamespace("ml").setName("train"),
                    new PodEnergy().setUid("u2").setNamespace("ml").setName("serve"),
                    new PodEnergy().setUid("u3").setNamespace("other").setName("x"),
                    new PodEnergy().setUid("u4").setNamespace("ml").setName("gone").setEnded(true)))
            .setGpus(
                List.of(
                    new Gpu()
                        .setUuid("G1")
                        .setExclusivePodUid("u1")
                        .setDefaultPowerLimitWatts(400.0)
                        .setMinPowerLimitWatts(150.0)
                        .setMaxPowerLimitWatts(400.0),
                    new Gpu()
                        .setUuid("G2")
                        .setExclusivePodUid("u2")
                        .setDefaultPowerLimitWatts(700.0),
                    new Gpu()
                        .setUuid("G3")
                        .setExclusivePodUid("u3")
                        .setDefaultPowerLimitWatts(700.0),
                    new Gpu().setUuid("G4").setDefaultPowerLimitWatts(700.0),
                    new Gpu()
                        .setUuid("G5")
                        .setExclusivePodUid("u4")
                        .setDefaultPowerLimitWatts(700.0),
                    new Gpu().setUuid("G6").setExclusivePodUid("u2"))));
    return r;
  }

  @Test
  void capsOnlyExclusiveGpusOfPodsInScopeClampedToTheDeviceRange() {
    Map<String, Map<String, String>> labels =
        Map.of("train", Map.of("team", "a"), "serve", Map.of("team", "b"));
    List<GpuCapPlanner.Cap> caps =
        GpuCapPlanner.plan("ml", null, 30, List.of(report()), (ns, name) -> labels.get(name));
    assertThat(caps)
        .extracting(GpuCapPlanner.Cap::gpuUuid, GpuCapPlanner.Cap::watts)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("G1", 150),
            org.assertj.core.groups.Tuple.tuple("G2", 210));
    List<GpuCapPlanner.Cap> teamA =
        GpuCapPlanner.plan(
            "ml",
            new LabelSelectorBuilder().withMatchLabels(Map.of("team", "a")).build(),
            60,
            List.of(report()),
            (ns, name) -> labels.get(name));
    assertThat(teamA)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.watts()).isEqualTo(240);
              assertThat(c.pod()).isEqualTo("ml/train");
              assertThat(c.node()).isEqualTo("gpu-node");
            });
  }

  @Test
  void unknownPodsAreNotInScope() {
    assertThat(GpuCapPlanner.plan("ml", null, 60, List.of(report()), (ns, name) -> null)).isEmpty();
  }
}
