package io.wattkeeper.operator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodType;
import io.wattkeeper.operator.period.PeriodCalculator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BudgetAccountTest {

  static final Instant T0 = Instant.parse("2026-09-15T00:00:00Z");
  static final PeriodPolicy DAY_ROLLING =
      new PeriodPolicy(PeriodType.Rolling, null, Duration.ofHours(24), ZoneOffset.UTC);

  static void charge(BudgetAccount a, Instant end, double wh) {
    PodDelta d =
        new PodDelta("u", "ns", "p", "n", wh * 3600, 0, 0, 0, 0, end.minusSeconds(60), end, null);
    a.charge(d, Charge.of(d, 1.0, 100, null), CarbonIntensityTable.WORLD_AVERAGE);
  }

  @Test
  void aRollingWindowForgetsUsageOlderThanTheWindow() {
    BudgetAccount a = new BudgetAccount("ns", "b", PeriodCalculator.current(DAY_ROLLING, T0));
    for (int h = 0; h < 48; h++) {
      Instant t = T0.plus(Duration.ofHours(h));
      a.rollTo(PeriodCalculator.current(DAY_ROLLING, t), 6, u -> null);
      charge(a, t, 10);
    }
    // 10 Wh per hour: the last 24 h hold 240 Wh, to one bucket (12 min) of precision.
    assertThat(a.used().energyWh).isCloseTo(240, within(10.0));
    assertThat(a.history()).isEmpty(); // a window slides; nothing closes
  }

  @Test
  void aLateReportIsChargedToTheCurrentCalendarPeriod() {
    PeriodPolicy month =
        new PeriodPolicy(
            PeriodType.Calendar,
            io.wattkeeper.api.validation.BudgetPolicy.CalendarUnit.Month,
            null,
            ZoneOffset.UTC);
    BudgetAccount a = new BudgetAccount("ns", "b", PeriodCalculator.current(month, T0));
    a.rollTo(
        PeriodCalculator.current(month, Instant.parse("2026-10-01T00:00:01Z")),
        6,
        u ->
            new io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.HistoryEntry()
                .setEnergyWh(u.energyWh));
    // A report stamped in September arriving after the rollover cannot reopen September.
    a.rollTo(PeriodCalculator.current(month, Instant.parse("2026-09-30T23:59:00Z")), 6, u -> null);
    charge(a, Instant.parse("2026-09-30T23:59:00Z"), 5);
    assertThat(a.period().start()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
    assertThat(a.used().energyWh).isEqualTo(5.0);
    assertThat(a.history()).hasSize(1);
  }
}
