package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reports for a budget's pods stop: the budget says Unknown, not Ok, and recovers. */
@QuarkusTest
@WithKubernetesTestServer
class StaleDataTest {

  static final String NS = "stale";
  static final Instant T0 = Instant.parse("2026-09-22T08:00:00Z");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @Test
  void missingReportsMakeTheBudgetUnknownUntilDataReturns() {
    Fixtures f = new Fixtures(client);
    clock.set(T0);
    f.namespace(NS);
    f.node("stale-n1", Map.of(), Map.of());
    f.node("stale-n2", Map.of(), Map.of());
    Pod pod = f.pod(NS, "p", "stale-n1", Map.of());
    Pod elsewhere = f.pod("default", "other", "stale-n2", Map.of());
    f.budget(
        NS,
        "b",
        new EnergyBudgetSpec(
            null,
            null,
            new EnergyBudgetSpec.Limits("1kWh", null, null),
            List.of(80),
            null,
            null,
            null));
    f.awaitReconciled(NS, "b");
    f.report("stale-n1", "e", 1, T0, energy(pod, 36_000, 0, 10));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(f.budget(NS, "b").getStatus().getUsed().getEnergyWh()).isEqualTo(10.0));

    // Ten minutes later only the other node reports: nothing is known about our pod.
    Instant later = T0.plus(Duration.ofMinutes(10));
    clock.set(later);
    f.report("stale-n2", "e", 1, later, energy(elsewhere, 1, 0, 1));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "b").getStatus();
              assertThat(s.getPhase()).isEqualTo("Unknown");
              assertThat(s.getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getReason()).isEqualTo("NoData");
                      });
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(10.0); // what is known stays shown
              assertThat(f.eventMessages(NS, "EnergyBudgetUnknown"))
                  .containsExactly(
                      "energy budget stale/b: no energy report for its 1 pod within 5m; usage is unknown");
            });

    Instant back = later.plusSeconds(60);
    clock.set(back);
    f.report("stale-n1", "e", 2, back, energy(pod, 72_000, 0, 10));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(f.budget(NS, "b").getStatus().getPhase()).isEqualTo("Ok");
              assertThat(f.budget(NS, "b").getStatus().getUsed().getEnergyWh()).isEqualTo(20.0);
              assertThat(f.eventMessages(NS, "EnergyBudgetOk")).hasSize(1);
            });
  }
}
