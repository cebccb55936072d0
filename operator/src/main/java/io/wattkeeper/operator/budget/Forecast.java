package io.wattkeeper.operator.budget;

import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.Projected;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.operator.ledger.BudgetMath;
import io.wattkeeper.operator.ledger.UsageTotals;
import io.wattkeeper.operator.period.Period;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Burn-rate forecast: the average rate since the period started (or since data began, for a budget
 * created mid-period) carried to the period end. No forecast before {@code minElapsed} of data: an
 * early rate says little and would alarm people for nothing.
 */
public final class Forecast {

  private Forecast() {}

  public static Projected project(
      BudgetPolicy p,
      UsageTotals used,
      Period period,
      Instant firstSampleAt,
      Instant now,
      Duration minElapsed,
      java.time.ZoneId zone) {
    if (firstSampleAt == null) {
      return null;
    }
    Instant from =
        period.rolling() || firstSampleAt.isAfter(period.start()) ? firstSampleAt : period.start();
    if (period.rolling() && from.isBefore(period.start())) {
      from = period.start();
    }
    double elapsed = Duration.between(from, now).toMillis() / 1000.0;
    if (elapsed < minElapsed.toSeconds() || elapsed <= 0) {
      return null;
    }
    Instant horizon = period.rolling() ? now.plus(period.length()) : period.end();
    double remaining = Math.max(0, Duration.between(now, horizon).toMillis() / 1000.0);
    double rate = used.energyWh / elapsed;
    double atEnd =
        period.rolling() ? rate * period.length().toSeconds() : used.energyWh + rate * remaining;
    Instant exceeds = null;
    exceeds = earliest(exceeds, when(used.energyWh, p.energyLimitWh(), elapsed, now, horizon));
    exceeds =
        earliest(exceeds, when(used.co2eGrams, p.emissionsLimitGrams(), elapsed, now, horizon));
    if (!Double.isNaN(used.cost)) {
      exceeds = earliest(exceeds, when(used.cost, p.costLimit(), elapsed, now, horizon));
    }
    return new Projected()
        .setEnergyWhAtPeriodEnd(BudgetMath.round(atEnd, 3))
        .setExceedsAt(
            exceeds == null
                ? null
                : exceeds.atZone(zone).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
  }

  private static Instant when(
      double used, Optional<BigDecimal> limit, double elapsed, Instant now, Instant horizon) {
    if (limit.isEmpty() || used <= 0) {
      return null;
    }
    double l = limit.get().doubleValue();
    if (used >= l) {
      return null; // already exceeded: that is the phase, not a forecast
    }
    double rate = used / elapsed;
    Instant at = now.plusMillis((long) ((l - used) / rate * 1000.0));
    return at.isBefore(horizon) ? at : null;
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
