package io.wattkeeper.operator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.operator.budget.LedgerService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {

  static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");

  @Test
  void aVersion2CheckpointRoundTripsWithItsStampAndInterval() {
    Checkpoint c =
        new Checkpoint(
            "n1",
            "e1",
            100.5,
            2,
            3,
            0.1,
            0.2,
            Double.NaN,
            0.05,
            T0.plusNanos(7),
            10,
            1,
            0,
            11,
            T0.minusSeconds(60));
    assertThat(c.format()).startsWith("v2;");
    assertThat(Checkpoint.parse(c.format())).contains(c);
    Checkpoint first = new Checkpoint("n1", "e1", 1, 0, 0, 0.1, 0.2, 0.3, 0, T0, 1, 0, 0, 1, null);
    assertThat(Checkpoint.parse(first.format())).contains(first);
  }

  @Test
  void aVersion1CheckpointStillReadsWithoutAPosition() {
    Checkpoint c =
        Checkpoint.parse(
                "v1;node=n1;epoch=e1;cpuJ=5.0;memJ=0.0;gpuJ=0.0;wh=1.0;co2g=2.0;"
                    + "cost=;measuredWh=1.0")
            .orElseThrow();
    assertThat(c.at()).isNull();
    assertThat(c.behindJoules()).isZero();
    assertThat(c.cpuJoules()).isEqualTo(5.0);
  }

  @Test
  void anEditedCheckpointWithImpossibleNumbersIsRefused() {
    String good = new Checkpoint("n", "e", 1, 0, 0, 1, 1, 1, 1, T0, 1, 0, 0, 1, null).format();
    assertThat(Checkpoint.parse(good)).isPresent();
    assertThat(Checkpoint.parse(good.replace("bCpuJ=1.0", "bCpuJ=Infinity"))).isEmpty();
    assertThat(Checkpoint.parse(good.replace("bCpuJ=1.0", "bCpuJ=-5"))).isEmpty();
    assertThat(Checkpoint.parse(good.replace("cpuJ=1.0", "cpuJ=NaN"))).isEmpty();
    assertThat(Checkpoint.parse(good.replace("at=", "at=yesterday"))).isEmpty();
    assertThat(Checkpoint.parse(good.replace(";at=" + T0, ""))).isEmpty();
  }

  static EnergyBudget budget(Instant at, Instant since) {
    EnergyBudget b = new EnergyBudget();
    b.setMetadata(new ObjectMetaBuilder().withName("b").withNamespace("ns").build());
    b.setStatus(
        new EnergyBudgetStatus()
            .setLedger(
                new EnergyBudgetStatus.LedgerPosition()
                    .setAt(at.toString())
                    .setSince(since.toString())));
    return b;
  }

  @Test
  void theHorizonIsTheEarliestRecordedOneWhileThePreviousOperatorWasRecentlyThere() {
    Instant start = T0.plusSeconds(600);
    Instant now = start.plusSeconds(5);
    // No position anywhere (first install, or an older operator): this process's start.
    assertThat(LedgerService.horizon(List.of(), start, now)).isEqualTo(start);
    // Two budgets written by a chain of operators: the first one's horizon.
    assertThat(
            LedgerService.horizon(
                List.of(
                    budget(T0.plusSeconds(590), T0),
                    budget(T0.plusSeconds(300), T0.minusSeconds(3600))),
                start,
                now))
        .isEqualTo(T0.minusSeconds(3600));
    // A standby that started long before it took over: the leader's horizon, not its own start.
    assertThat(
            LedgerService.horizon(
                List.of(budget(now.minusSeconds(10), T0.plusSeconds(500))), T0, now))
        .isEqualTo(T0.plusSeconds(500));
    // The last write is more than a day old: what started meanwhile is not charged from zero.
    Instant later = start.plus(Duration.ofDays(3));
    assertThat(LedgerService.horizon(List.of(budget(T0.plusSeconds(590), T0)), later, later))
        .isEqualTo(later);
  }
}
