package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.GpuPowerLimit;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Gpu;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ScaleToZero with onlyIdle acts on idle workloads only; deleting the budget undoes it all. */
@QuarkusTest
@WithKubernetesTestServer
class OnlyIdleAndDeletionTest {

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @Test
  void onlyIdleWorkloadsSleepAndDeletionRestoresEverything() {
    Scenario s = new Scenario(client, clock, "enf-onlyidle").onNode("node-onlyidle");
    Map<String, String> scalable = EnforcementScenarioTest.SCALABLE;
    s.deployment("quiet", 2, scalable);
    s.deployment("busy", 1, scalable);
    List<Pod> quiet = s.pods("quiet", 2, true);
    Pod busy = s.pods("busy", 1, true).get(0);
    Gpu gpu =
        new Gpu()
            .setUuid("GPU-oi")
            .setDefaultPowerLimitWatts(400.0)
            .setExclusivePodUid(busy.getMetadata().getUid());
    // Idle thresholds come from the idle section (5m); its selector matches none of these.
    s.budget(
        "team",
        new EnergyBudgetSpec(
            null,
            null,
            new EnergyBudgetSpec.Limits("10kWh", null, null),
            null,
            null,
            new EnergyBudgetSpec.Enforcement(
                "Enforce",
                List.of("ScaleToZero", "GpuPowerCap"),
                new EnergyBudgetSpec.ScaleToZero(
                    new LabelSelectorBuilder().withMatchLabels(scalable).build(), true),
                new EnergyBudgetSpec.GpuPowerCap(50),
                true),
            new EnergyBudgetSpec.Idle(
                new LabelSelectorBuilder().withMatchLabels(Map.of("none", "none")).build(),
                "5m",
                null,
                null,
                null,
                null,
                null)));
    List<Scenario.Sample> samples =
        List.of(
            Scenario.Sample.quiet(quiet.get(0)),
            Scenario.Sample.quiet(quiet.get(1)),
            Scenario.Sample.active(busy));
    for (int i = 0; i < 14; i++) {
      clock.advance(Duration.ofSeconds(30));
      s.report("node-onlyidle", samples, List.of(gpu));
    }
    // 12 kWh of a 10 kWh limit, through the real ledger.
    s.exceed("team", "node-onlyidle", samples, List.of(gpu), 4_000);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("quiet").getSpec().getReplicas()).isZero();
              assertThat(limits())
                  .containsExactly(new GpuPowerLimit("GPU-oi", 200, "enf-onlyidle/team"));
            });
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> s.deployment("busy").getSpec().getReplicas() == 1);

    client.resource(s.budget("team")).delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.budget("team")).isNull();
              assertThat(s.deployment("quiet").getSpec().getReplicas()).isEqualTo(2);
              assertThat(limits()).isEmpty();
            });
  }

  List<GpuPowerLimit> limits() {
    NodeEnergyReport r = client.resources(NodeEnergyReport.class).withName("node-onlyidle").get();
    return r.getSpec() == null || r.getSpec().gpuPowerLimits() == null
        ? List.of()
        : r.getSpec().gpuPowerLimits();
  }
}
