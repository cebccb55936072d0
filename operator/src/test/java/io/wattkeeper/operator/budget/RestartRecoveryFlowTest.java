package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.operator.ledger.Checkpoint;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The drill through real objects on the mock server: six pods of 100 W, the operator killed
 * (its memory dropped, {@link LedgerService#forgetState()}) and back after five minutes of reports
 * it never saw, and a pod that started while it was away. The budget's used and every pod's energy
 * must equal what the reports say.
 */
@QuarkusTest
@WithKubernetesTestServer
class RestartRecoveryFlowTest {

  static final String NS = "restart-recovery";
  static final String NODE = "recovery-n1";
  static final Instant T0 = Instant.parse("2026-09-17T08:00:00Z");
  static final double WATTS = 100;

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject LedgerService ledger;

  Fixtures f;
  final Map<Pod, Double> joules = new LinkedHashMap<>();
  long seq;

  Pod pod(String name, Instant started) {
    return client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withLabels(Map.of("app", "train"))
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .addNewContainer()
                .withName("main")
                .withImage("example/model:1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withStartTime(started.toString())
                .endStatus()
                .build())
        .create();
  }

  /** Every pod drew WATTS for {@code seconds}; the agent writes its report (seq jumps by steps). */
  void report(Instant at, long seconds, int steps, boolean awaitIngested) {
    clock.set(at);
    seq += steps;
    List<NodeEnergyReportStatus.PodEnergy> entries = new ArrayList<>();
    joules.replaceAll((p, j) -> j + WATTS * seconds);
    joules.forEach((p, j) -> entries.add(energy(p, j, 0, WATTS)));
    f.report(NODE, "e1", seq, at, entries.toArray(NodeEnergyReportStatus.PodEnergy[]::new));
    if (awaitIngested) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ledger.lastReport(NODE).map(at::equals).orElse(false));
    }
  }

  double truthWh() {
    return joules.values().stream().mapToDouble(j -> j / 3600.0).sum();
  }

  static String wh(double joules) {
    return BigDecimal.valueOf(joules / 3600.0)
        .setScale(3, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  @Test
  void aKilledOperatorBackAfterFiveMinutesLosesNoEnergyAndChargesANewPodFromZero()
      throws InterruptedException {
    f = new Fixtures(client);
    clock.set(T0);
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of(Api.ANNOTATION_GRID_ZONE, "DE"));
    for (int i = 0; i < 6; i++) {
      joules.put(pod("train-" + i, T0.minusSeconds(3600)), 0.0);
    }
    f.budget(
        NS,
        "b",
        new EnergyBudgetSpec(
            new LabelSelectorBuilder().withMatchLabels(Map.of("app", "train")).build(),
            new EnergyBudgetSpec.Period("Calendar", "Month", null, "UTC"),
            new EnergyBudgetSpec.Limits("100kWh", null, null),
            List.of(80),
            null,
            null,
            null));
    f.awaitReconciled(NS, "b");
    Instant t = T0;
    for (int i = 0; i < 10; i++) {
      t = t.plusSeconds(30);
      report(t, 30, 1, true);
    }
    // The last report came 30 s after the last status write (one a minute): the status is behind.
    double written = 9 * 6 * WATTS * 30 / 3600.0;
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(f.budget(NS, "b").getStatus().getUsed().getEnergyWh())
                    .isEqualTo(written));
    // A pod starts while the operator is away: it never gets a checkpoint from it, and it starts
    // after the ledger's last write. (Created first: its event wakes the budget once, before.)
    Instant away = t.plusSeconds(300);
    Pod late = pod("late", away.minusSeconds(100));
    Thread.sleep(1000);
    // Killed now: whatever status and checkpoints the last passes wrote are all that is left. The
    // agent goes on for five minutes; the operator back sees only the latest report.
    ledger.forgetState();
    t = away;
    joules.put(late, WATTS * 100 - WATTS * 300); // the next report adds 300 s: 100 s of it ran
    report(t, 300, 10, true);
    t = t.plusSeconds(60);
    report(t, 60, 2, true);

    double truth = truthWh();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(f.budget(NS, "b").getStatus().getUsed().getEnergyWh())
                    .isCloseTo(truth, org.assertj.core.api.Assertions.within(0.0011)));
    for (Map.Entry<Pod, Double> e : joules.entrySet()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(f.get(e.getKey()).getMetadata().getAnnotations())
                      .as(e.getKey().getMetadata().getName())
                      .containsEntry(Api.ANNOTATION_ENERGY_WH, wh(e.getValue())));
    }
    // The budget status carries the position a restart continues from.
    assertThat(f.budget(NS, "b").getStatus().getLedger().getAt()).isNotNull();
    assertThat(f.get(late).getMetadata().getAnnotations().get(Checkpoint.ANNOTATION))
        .startsWith("v2;");
  }
}
