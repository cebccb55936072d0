package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Agent counter epochs and an operator restart, through real objects on the mock server. */
@QuarkusTest
@WithKubernetesTestServer
class RestartAndEpochTest {

  static final String NS = "restart";
  static final String NODE = "restart-n1";
  static final Instant T0 = Instant.parse("2026-09-16T08:00:00Z");
  static final double WH = 3600; // joules

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject LedgerService ledger;

  Fixtures f;
  Pod pod;

  void step(String epoch, long seq, Instant at, double cpuWh) {
    clock.set(at);
    f.report(NODE, epoch, seq, at, energy(pod, cpuWh * WH, 0, 1000));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ledger.lastReport(NODE).map(at::equals).orElse(false));
  }

  void awaitUsed(double wh) {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(f.budget(NS, "b").getStatus().getUsed().getEnergyWh()).isEqualTo(wh));
  }

  void awaitPodWh(String wh) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(f.get(pod).getMetadata().getAnnotations())
                    .containsEntry(Api.ANNOTATION_ENERGY_WH, wh));
  }

  @Test
  void epochsAndRestartKeepTheLedgerWithinOneReportInterval() {
    f = new Fixtures(client);
    clock.set(T0); // the clock is shared: set it before any object exists
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of(Api.ANNOTATION_GRID_ZONE, "DE"));
    pod = f.pod(NS, "server", NODE, Map.of("app", "server"));
    f.budget(
        NS,
        "b",
        new EnergyBudgetSpec(
            new LabelSelectorBuilder().withMatchLabels(Map.of("app", "server")).build(),
            new EnergyBudgetSpec.Period("Calendar", "Month", null, "UTC"),
            new EnergyBudgetSpec.Limits("100kWh", null, null),
            List.of(80),
            null,
            null,
            null));
    f.awaitReconciled(NS, "b");
    // A node the ledger has not seen: all its counters are new energy.
    step("e1", 1, T0, 10);
    awaitUsed(10);
    step("e1", 2, T0.plusSeconds(60), 20);
    awaitUsed(20);
    awaitPodWh("20");
    // Duplicate (same sequence, even with other numbers): ignored.
    clock.set(T0.plusSeconds(90));
    f.report(NODE, "e1", 2, T0.plusSeconds(60), energy(pod, 999 * WH, 0, 1000));
    step("e1", 3, T0.plusSeconds(120), 30);
    awaitUsed(30);

    // The agent restarted and lost its counters: a new epoch starting again from zero.
    step("e2", 1, T0.plusSeconds(180), 5);
    awaitUsed(35);
    awaitPodWh("35");
    step("e2", 2, T0.plusSeconds(240), 12);
    awaitUsed(42);
    awaitPodWh("42");

    // The operator restarts: memory gone; pod checkpoints, budget status and reports remain.
    ledger.forgetState();
    step("e2", 3, T0.plusSeconds(300), 19); // first report after restart: the catch-up interval
    step("e2", 4, T0.plusSeconds(360), 26);
    // Truth is 56 Wh. The pod continues exactly from its checkpoint, and the budget from the
    // position in its status: the catch-up delta completes what its status did not hold yet.
    awaitPodWh("56");
    awaitUsed(56);

    // The node goes away (report deleted): nothing breaks, nothing is charged twice when the
    // same node comes back with a new agent.
    f.deleteReport(NODE);
    step("e3", 1, T0.plusSeconds(420), 3);
    awaitUsed(59);
    assertThat(f.eventMessages(NS, "EnergyBudgetThreshold")).isEmpty();
  }
}
