package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
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
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Budget exceeded, then each action in each mode, then the period reset (or a raised limit)
 * restores everything. End to end: the agent's reports (written by the test) go through the real
 * ledger reconciler, which sets phase Exceeded and rolls the period over; the actions reconciler
 * reacts to what the ledger wrote.
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

  /** 12 kWh on one pod: over the 10 kWh limit. */
  static final double USED_WH = 12_000;

  /** One namespace's cluster: the pods' node, its report's GPU and the samples the agent sends. */
  record Setup(Scenario s, String node, List<Scenario.Sample> samples, List<Gpu> gpus) {
    /** The agent reports again, counters unchanged. */
    List<Scenario.Sample> used() {
      return Scenario.Sample.energyWh(samples, USED_WH);
    }

    EnergyBudget rollOver() {
      return s.rollOver("team", node, used(), gpus);
    }
  }

  /**
   * A namespace with a scalable and a non-scalable Deployment and a pod holding a GPU that has used
   * 12 kWh; returns once the real ledger has set the budget Exceeded.
   */
  Setup setUp(String ns, EnergyBudgetSpec spec) {
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
    s.budget("team", spec);
    Setup setup = new Setup(s, "node-" + ns, List.of(Scenario.Sample.active(gpuPod)), List.of(gpu));
    EnergyBudget b = s.exceed("team", setup.node(), setup.samples(), setup.gpus(), USED_WH);
    assertThat(b.getStatus().getUsed().getEnergyWh()).isEqualTo(USED_WH);
    assertThat(b.getStatus().getDisplay().getEnergy()).isEqualTo("12kWh/10kWh");
    return setup;
  }

  /** What the ledger shows as the reset time: the period end in the budget's zone (UTC). */
  static String resets(EnergyBudget b) {
    String shown = b.getStatus().getDisplay().getResetsAt();
    assertThat(shown)
        .isEqualTo(
            OffsetDateTime.parse(b.getStatus().getPeriod().getEnd())
                    .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                + " UTC");
    return shown;
  }

  /** After the rollover the ledger shows a fresh period: Ok, nothing used, the old one exceeded. */
  static void assertFreshPeriod(EnergyBudget b, Instant previousEnd) {
    EnergyBudgetStatus st = b.getStatus();
    assertThat(st.getPhase()).isEqualTo("Ok");
    assertThat(OffsetDateTime.parse(st.getPeriod().getStart()).toInstant()).isEqualTo(previousEnd);
    assertThat(st.getUsed().getEnergyWh()).isZero();
    assertThat(st.getHistory())
        .first()
        .satisfies(
            h -> {
              assertThat(h.getEnergyWh()).isEqualTo(USED_WH);
              assertThat(h.getExceeded()).isTrue();
            });
  }

  List<GpuPowerLimit> limits(String node) {
    NodeEnergyReport r = client.resources(NodeEnergyReport.class).withName(node).get();
    return r.getSpec() == null || r.getSpec().gpuPowerLimits() == null
        ? List.of()
        : r.getSpec().gpuPowerLimits();
  }

  /**
   * Edits the spec as a user would, with a merge patch (no resourceVersion: the reconcilers' status
   * writes must not make the edit conflict).
   */
  void patchSpec(Scenario s, String specJson) {
    client
        .resources(EnergyBudget.class)
        .inNamespace(s.ns)
        .withName("team")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":" + specJson + "}");
  }

  @Test
  void enforceScalesDeniesAndCapsThenThePeriodResetRestoresEverything() {
    Setup setup = setUp("enf-enforce", spec("Enforce", true, "10kWh"));
    Scenario s = setup.s();
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
              // Each reconciler's status writes leave the other's fields alone.
              assertThat(b.getStatus().getPhase()).isEqualTo("Exceeded");
              assertThat(b.getStatus().getDisplay().getEnergy()).isEqualTo("12kWh/10kWh");
              assertThat(b.getStatus().getUsed().getEnergyWh()).isEqualTo(USED_WH);
            });
    assertThat(s.deployment("keep").getSpec().getReplicas()).isEqualTo(2);
    EnergyBudget exceeded = s.budget("team");
    assertThat(exceeded.getStatus().getEnforcement().getAffected())
        .filteredOn(a -> a.getAction().equals("ScaleToZero"))
        .singleElement()
        .satisfies(a -> assertThat(a.getPreviousReplicas()).isEqualTo(2));
    String message =
        "exceeded energy budget enf-enforce/team: used 12kWh, limit 10kWh, resets "
            + resets(exceeded);
    assertThat(s.events("batch"))
        .anyMatch(
            e -> e.getReason().equals("BudgetScaleToZero") && e.getMessage().contains(message));
    // The ledger's own Event (recorded right after its status write) says the same.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(s.events("team"))
                    .anyMatch(
                        e ->
                            e.getReason().equals("EnergyBudgetExceeded")
                                && e.getMessage().equals(message)));
    // Pods are never evicted or deleted.
    assertThat(client.pods().inNamespace(s.ns).list().getItems()).hasSize(1);

    Instant end = s.periodEnd("team");
    setup.rollOver();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
              assertThat(Scenario.annotations(s.deployment("batch")))
                  .doesNotContainKey(SleepAnnotations.REPLICAS_BEFORE_SLEEP);
              assertThat(limits("node-enf-enforce")).isEmpty();
              EnergyBudget b = s.budget("team");
              assertThat(b.getStatus().getEnforcement()).isNull();
              assertFreshPeriod(b, end);
            });
    // Recorded right after the undo.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(s.events("team"))
                    .anyMatch(
                        e ->
                            e.getReason().equals("BudgetActionsUndone")
                                && e.getMessage().contains("period was reset")));
    assertThat(s.deployment("keep").getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void warnRecordsAndWarnsButChangesNothing() {
    Setup setup = setUp("enf-warn", spec("Warn", true, "10kWh"));
    Scenario s = setup.s();
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
              assertThat(b.getStatus().getPhase()).isEqualTo("Exceeded");
            });
    assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
    assertThat(limits("node-enf-warn")).isEmpty();

    Instant end = s.periodEnd("team");
    setup.rollOver();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              EnergyBudget b = s.budget("team");
              assertThat(b.getStatus().getEnforcement()).isNull();
              assertFreshPeriod(b, end);
            });
    assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
    assertThat(limits("node-enf-warn")).isEmpty();
  }

  @Test
  void dryRunOnlyRecords() {
    Setup setup = setUp("enf-dryrun", spec("DryRun", true, "10kWh"));
    Scenario s = setup.s();
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

    Instant end = s.periodEnd("team");
    setup.rollOver();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              EnergyBudget b = s.budget("team");
              assertThat(b.getStatus().getEnforcement()).isNull();
              assertFreshPeriod(b, end);
            });
    assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
    assertThat(s.events("batch")).isEmpty();
  }

  @Test
  void raisingTheLimitUndoesWithinThePeriodButWithoutRestoreOnResetAResetKeepsActions() {
    Setup setup = setUp("enf-raise", spec("Enforce", false, "10kWh"));
    Scenario s = setup.s();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isZero();
              assertThat(limits("node-enf-raise")).hasSize(1);
            });

    // The limit raised above usage within the period: the ledger says Ok, everything is undone.
    patchSpec(s, "{\"limits\":{\"energy\":\"20kWh\"}}");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
              assertThat(limits("node-enf-raise")).isEmpty();
              EnergyBudget b = s.budget("team");
              assertThat(b.getStatus().getEnforcement()).isNull();
              assertThat(b.getStatus().getPhase()).isEqualTo("Ok");
              assertThat(b.getStatus().getDisplay().getEnergy()).isEqualTo("12kWh/20kWh");
            });
    // Recorded right after the undo.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(s.events("team"))
                    .anyMatch(
                        e ->
                            e.getReason().equals("BudgetActionsUndone")
                                && e.getMessage().contains("limit raised above usage")));

    // Lowered again: exceeded again, the actions come back.
    patchSpec(s, "{\"limits\":{\"energy\":\"10kWh\"}}");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.budget("team").getStatus().getPhase()).isEqualTo("Exceeded");
              assertThat(s.deployment("batch").getSpec().getReplicas()).isZero();
              assertThat(limits("node-enf-raise")).hasSize(1);
            });

    // Period reset, restoreOnReset false: the actions stay although the ledger says Ok.
    Instant end = s.periodEnd("team");
    assertFreshPeriod(setup.rollOver(), end);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isZero();
              assertThat(limits("node-enf-raise")).hasSize(1);
              assertThat(s.budget("team").getStatus().getEnforcement().getActiveActions())
                  .contains("ScaleToZero");
            });

    // The limit raised: undone.
    patchSpec(s, "{\"limits\":{\"energy\":\"20kWh\"}}");
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
    Setup setup = setUp("enf-switch", spec("Enforce", true, "10kWh"));
    Scenario s = setup.s();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isZero();
              assertThat(limits("node-enf-switch")).hasSize(1);
            });
    patchSpec(s, "{\"enforcement\":{\"mode\":\"Warn\"}}");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("batch").getSpec().getReplicas()).isEqualTo(2);
              assertThat(limits("node-enf-switch")).isEmpty();
              EnergyBudget b = s.budget("team");
              assertThat(b.getStatus().getEnforcement().getActiveActions())
                  .containsExactly("ScaleToZero(Warn)", "DenyNewPods(Warn)", "GpuPowerCap(Warn)");
              assertThat(b.getStatus().getPhase()).isEqualTo("Exceeded");
            });
  }
}
