package io.wattkeeper.operator.period;

import io.wattkeeper.api.validation.BudgetPolicy.PeriodPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodType;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * Period boundaries. Calendar periods start at local midnight in the budget's IANA zone, so a day
 * can be 23 or 25 hours long across a DST change; weeks start on Monday (ISO 8601).
 */
public final class PeriodCalculator {

  private PeriodCalculator() {}

  public static Period current(PeriodPolicy p, Instant now) {
    ZoneId zone = p.zone();
    if (p.type() == PeriodType.Rolling) {
      return new Period(now.minus(p.window()), now, zone, true);
    }
    LocalDate today = now.atZone(zone).toLocalDate();
    LocalDate first;
    LocalDate next;
    switch (p.unit()) {
      case Day -> {
        first = today;
        next = today.plusDays(1);
      }
      case Week -> {
        first = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        next = first.plusWeeks(1);
      }
      default -> {
        first = today.withDayOfMonth(1);
        next = first.plusMonths(1);
      }
    }
    // atStartOfDay(zone) picks the first valid instant where midnight falls in a DST gap.
    return new Period(
        first.atStartOfDay(zone).toInstant(), next.atStartOfDay(zone).toInstant(), zone, false);
  }
}
