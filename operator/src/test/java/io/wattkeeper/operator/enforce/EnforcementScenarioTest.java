package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.AffectedWorkload;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.GpuPowerLimit;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Gpu;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.idle.SleepAnnotations;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Budget exceeded, then each action in each mode, then the period reset (or a raised limit)
 * restores everything. The ledger's part (phase, period, display) is played by the test.
 */
@QuarkusTest
@WithKubernetesTestServer
public class EnforcementScenarioTest {

  public static final Map<String, String> SCALABLE =
      Map.of("wattkeeper.io/scale-on-budget", "true");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  public static EnergyBudgetSpec spec(String mode, boolean restoreOnReset, String energyLimit) {
    return new EnergyBudgetSpec(
        null,
        new EnergyBudgetSpec.Period("Calendar", "Month", null, "UTC"),
        new EnergyBudgetSpec.Limits(energyLimit, null, null),
        List.of(80),
        null,
        new EnergyBudgetSpec.Enforcement(
            mode,
            List.of("ScaleToZero", "DenyNewPods", "GpuPowerCap"),
            new EnergyBudgetSpec.ScaleToZero(
                new LabelSelectorBuilder().withMatchLabels(SCALABLE).build(), false),
            new EnergyBudgetSpec.GpuPowerCap(60),
            restoreOnReset),
        null);
  }

  /** A namespace with a scalable and a non-scalable Deployment and a pod holding a GPU. */
  Scenario setUp(String ns, EnergyBudgetSpec spec) {
    Scenario s = new Scenario(client, clock, ns);
    s.deployment("batch", 2, SCALABLE);
    s.deployment("keep", 2, Map.of());
    Pod gpuPod = s.pods("batch", 1, true).get(0);
    Gpu gpu =
        new Gpu()
            .setUuid("GPU-" + ns)
            .setDefaultPowerLimitWatts(700.0)
            .setMinPowerLimitWatts(100.0)
            .setMaxPowerLimitWatts(700.0)
            .setExclusivePodUid(gpuPod.getMetadata().getUid());
    s.report("node-" + ns, List.of(Scenario.Sample.active(gpuPod)), List.of(gpu));
    s.budget("team", spec);
    return s;
  }

  List<GpuPowerLimit> limits(String node) {
    NodeEnergyReport r = client.resources(NodeEnergyReport.class).withName(node).get();
    return r.getSpec() == null || r.getSpec().gpuPowerLimits() == null
        ? List.of()
        : r.getSpec().gpuPowerLimits();
  }

  @Test
  void enforceScalesDeniesAndCapsThenThePeriodResetRestoresEverything() {
    Scenario s = setUp("enf-enforce", spec("Enforce", true, "10kWh"));
    Instant start = clock.instant().minus(Duration.ofDays(3));
    Instant end = clock.instant().plus(Duration.ofDays(3));
    s.ledger("team", "Exceeded", start, end, "12kWh/10kWh", 120);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isZero();
              assertThat(limits("node-enf-enforce"))
                  .containsExactly(new GpuPowerLimit("GPU-enf-enforce", 420, "enf-enforce/team"));
              EnergyBudget b = s.budget("team");
              assertThat(b.getStatus().getEnforcement().getActiveActions())
                  .containsExactly("ScaleToZero", "DenyNewPods", "GpuPowerCap");
              assertThat(b.getStatus().getEnforcement().getAffected())
                  .extracting(
                      AffectedWorkload::getAction,
                      AffectedWorkload::getKind,
                      AffectedWorkload::getName)
                  .containsExactlyInAnyOrder(
                      org.assertj.core.groups.Tuple.tuple("ScaleToZero", "Deployment", "batch"),
                      org.assertj.core.groups.Tuple.tuple(
                          "DenyNewPods", "Namespace", "enf-enforce"),
                      org.assertj.core.groups.Tuple.tuple(
                          "GpuPowerCap", "Node", "node-enf-enforce"));
              // The ledger's fields are untouched by this reconciler's status writes.
              assertThat(b.getStatus().getPhase()).isEqualTo("Exceeded");
              assertThat(b.getStatus().getDisplay().getEnergy()).isEqualTo("12kWh/10kWh");
            });
    assertThat(s.deployment("keep").getSpec().getReplicas()).isEqualTo(2);
    assertThat(s.budget("team").getStatus().getEnforcement().getAffected())
        .filteredOn(a -> a.getAction().equals("ScaleToZero"))
        .singleElement()
        .satisfies(a -> assertThat(a.getPreviousReplicas()).isEqualTo(2));
    assertThat(s.events("batch"))
        .anyMatch(
            e ->
                e.getReason().equals("BudgetScaleToZero")
                    && e.getMessage()
                        .contains(
                            "exceeded energy budget enf-enforce/team: used 12kWh, limit 10kWh, resets "
                                + end));
    // Pods are never evicted or deleted.
    assertThat(client.pods().inNamespace(s.ns).list().getItems()).hasSize(1);

    clock.advance(Duration.ofDays(4));
    s.ledger("team", "Ok", end, end.plus(Duration.ofDays(30)), "0kWh/10kWh", 0);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
              assertThat(Scenario.annotations(s.deployment("batch")))
                  .doesNotContainKey(SleepAnnotations.REPLICAS_BEFORE_SLEEP);
              assertThat(limits("node-enf-enforce")).isEmpty();
              assertThat(s.budget("team").getStatus().getEnforcement()).isNull();
            });
    assertThat(s.events("team"))
        .anyMatch(
            e ->
                e.getReason().equals("BudgetActionsUndone")
                    && e.getMessage().contains("period was reset"));
  }

  @Test
  void warnRecordsAndWarnsButChangesNothing() {
    Scenario s = setUp("enf-warn", spec("Warn", true, "10kWh"));
    Instant end = clock.instant().plus(Duration.ofDays(3));
    s.ledger(
        "team", "Exceeded", clock.instant().minus(Duration.ofDays(1)), end, "12kWh/10kWh", 120);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              EnergyBudget b = s.budget("team");
              assertThat(b.getStatus().getEnforcement().getActiveActions())
                  .containsExactly("ScaleToZero(Warn)", "DenyNewPods(Warn)", "GpuPowerCap(Warn)");
              assertThat(b.getStatus().getEnforcement().getAffected())
                  .anyMatch(
                      a ->
                          a.getName().equals("batch")
                              && a.getDetail().startsWith("would scale from 2 to 0"))
                  .anyMatch(
                      a ->
                          a.getAction().equals("GpuPowerCap")
                              && a.getDetail().contains("would cap at 420W"));
              assertThat(s.events("batch"))
                  .anyMatch(
                      e ->
                          e.getType().equals("Warning")
                              && e.getReason().equals("BudgetScaleToZero"));
            });
    assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
    assertThat(limits("node-enf-warn")).isEmpty();

    clock.advance(Duration.ofDays(4));
    s.ledger("team", "Ok", end, end.plus(Duration.ofDays(30)), "0kWh/10kWh", 0);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.budget("team").getStatus().getEnforcement() == null);
  }

  @Test
  void dryRunOnlyRecords() {
    Scenario s = setUp("enf-dryrun", spec("DryRun", true, "10kWh"));
    Instant end = clock.instant().plus(Duration.ofDays(3));
    s.ledger(
        "team", "Exceeded", clock.instant().minus(Duration.ofDays(1)), end, "12kWh/10kWh", 120);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(s.budget("team").getStatus().getEnforcement().getActiveActions())
                    .containsExactly(
                        "ScaleToZero(DryRun)", "DenyNewPods(DryRun)", "GpuPowerCap(DryRun)"));
    assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
    assertThat(limits("node-enf-dryrun")).isEmpty();
    assertThat(s.events("batch")).isEmpty();

    clock.advance(Duration.ofDays(4));
    s.ledger("team", "Ok", end, end.plus(Duration.ofDays(30)), "0kWh/10kWh", 0);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.budget("team").getStatus().getEnforcement() == null);
  }

  @Test
  void raisingTheLimitUndoesWithinThePeriodButWithoutRestoreOnResetAResetKeepsActions() {
    Scenario s = setUp("enf-raise", spec("Enforce", false, "10kWh"));
    Instant start = clock.instant().minus(Duration.ofDays(1));
    Instant end = clock.instant().plus(Duration.ofDays(3));
    s.ledger("team", "Exceeded", start, end, "12kWh/10kWh", 120);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("batch").getSpec().getReplicas() == 0);

    // Period reset, restoreOnReset false: the actions stay.
    clock.advance(Duration.ofDays(4));
    s.ledger("team", "Ok", end, end.plus(Duration.ofDays(30)), "0kWh/10kWh", 0);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isZero();
              assertThat(limits("node-enf-raise")).hasSize(1);
            });

    // The limit raised: undone.
    client
        .resource(s.budget("team"))
        .edit(
            b -> {
              b.setSpec(spec("Enforce", false, "20kWh"));
              return b;
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
              assertThat(limits("node-enf-raise")).isEmpty();
              assertThat(s.budget("team").getStatus().getEnforcement()).isNull();
            });
  }

  @Test
  void switchingFromEnforceToWarnUndoesTheScaleDownButKeepsRecording() {
    Scenario s = setUp("enf-switch", spec("Enforce", true, "10kWh"));
    s.ledger(
        "team",
        "Exceeded",
        clock.instant().minus(Duration.ofDays(1)),
        clock.instant().plus(Duration.ofDays(3)),
        "12kWh/10kWh",
        120);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isZero();
              assertThat(limits("node-enf-switch")).hasSize(1);
            });
    client
        .resource(s.budget("team"))
        .edit(
            b -> {
              b.setSpec(spec("Warn", true, "10kWh"));
              return b;
            });
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
              assertThat(limits("node-enf-switch")).isEmpty();
              assertThat(s.budget("team").getStatus().getEnforcement().getActiveActions())
                  .containsExactly("ScaleToZero(Warn)", "DenyNewPods(Warn)", "GpuPowerCap(Warn)");
            });
  }
}
