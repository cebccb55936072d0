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

/** A daily budget in Europe/Berlin across the night DST ends (a 25-hour day), fake clock. */
@QuarkusTest
@WithKubernetesTestServer
class DstRolloverTest {

  static final String NS = "dst";
  static final String NODE = "dst-n1";

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject LedgerService ledger;

  @Test
  void theDayDstEndsLasts25HoursAndRollsOverIntoHistory() {
    Fixtures f = new Fixtures(client);
    // 23:50 CEST on Saturday 24 October: 100 Wh so far today.
    Instant t1 = Instant.parse("2026-10-24T21:50:00Z");
    clock.set(t1);
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of());
    Pod pod = f.pod(NS, "job", NODE, Map.of("app", "job"));
    f.budget(
        NS,
        "daily",
        new EnergyBudgetSpec(
            null,
            new EnergyBudgetSpec.Period("Calendar", "Day", null, "Europe/Berlin"),
            new EnergyBudgetSpec.Limits("1kWh", null, null),
            List.of(80),
            null,
            null,
            null));
    f.awaitReconciled(NS, "daily");
    clock.set(t1);
    f.report(NODE, "e", 1, t1, energy(pod, 100 * 3600, 0, 100));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "daily").getStatus();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(100.0);
              assertThat(s.getPeriod().getStart()).isEqualTo("2026-10-24T00:00:00+02:00");
              assertThat(s.getPeriod().getEnd()).isEqualTo("2026-10-25T00:00:00+02:00");
              assertThat(s.getDisplay().getResetsAt()).isEqualTo("2026-10-25 00:00 CEST");
            });
    // 00:10 CEST Sunday: a new day, 25 hours long; the 30 Wh since 23:50 count in it.
    Instant t2 = Instant.parse("2026-10-24T22:10:00Z");
    clock.set(t2);
    f.report(NODE, "e", 2, t2, energy(pod, 130 * 3600, 0, 100));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "daily").getStatus();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(30.0);
              assertThat(s.getPeriod().getStart()).isEqualTo("2026-10-25T00:00:00+02:00");
              assertThat(s.getPeriod().getEnd()).isEqualTo("2026-10-26T00:00:00+01:00");
              assertThat(
                      Duration.between(
                          java.time.OffsetDateTime.parse(s.getPeriod().getStart()),
                          java.time.OffsetDateTime.parse(s.getPeriod().getEnd())))
                  .isEqualTo(Duration.ofHours(25));
              assertThat(s.getDisplay().getResetsAt()).isEqualTo("2026-10-26 00:00 CET");
              assertThat(s.getHistory()).hasSize(1);
              assertThat(s.getHistory().get(0).getEnergyWh()).isEqualTo(100.0);
              assertThat(s.getHistory().get(0).getStart()).isEqualTo("2026-10-24T00:00:00+02:00");
              assertThat(s.getHistory().get(0).getMaxPercentUsed()).isEqualTo(10);
            });
    // 22:30 CET (21:30 UTC) Sunday is still the same day: 24.5 hours after it began.
    Instant t3 = Instant.parse("2026-10-25T21:30:00Z");
    clock.set(t3);
    f.report(NODE, "e", 3, t3, energy(pod, 900 * 3600, 0, 100));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "daily").getStatus();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(800.0);
              assertThat(s.getPhase()).isEqualTo("Warning");
              assertThat(s.getHistory()).hasSize(1);
            });
    // After midnight CET, with no new energy, the reset happens from the clock alone (the
    // periodic reconciliation; here a report with unchanged counters wakes it).
    Instant t4 = Instant.parse("2026-10-25T23:05:00Z");
    clock.set(t4);
    f.report(NODE, "e", 4, t4, energy(pod, 900 * 3600, 0, 100));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "daily").getStatus();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(0.0);
              assertThat(s.getPhase()).isEqualTo("Ok");
              assertThat(s.getPeriod().getStart()).isEqualTo("2026-10-26T00:00:00+01:00");
              assertThat(s.getHistory())
                  .extracting(EnergyBudgetStatus.HistoryEntry::getEnergyWh)
                  .containsExactly(800.0, 100.0);
              assertThat(f.eventMessages(NS, "EnergyBudgetOk"))
                  .contains(
                      "energy budget dst/daily is within its limits: used 0Wh, limit 1kWh, resets 2026-10-27 00:00 CET");
            });
  }
}
