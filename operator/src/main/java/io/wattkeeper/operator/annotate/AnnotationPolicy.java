package io.wattkeeper.operator.annotate;

import io.wattkeeper.operator.ledger.PodAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a pod's annotations are worth a write: at most once per interval and only when a figure
 * moved by the minimum fraction, so a 10,000-pod cluster is not flooded. A change of the budgets
 * charging the pod or of its budget state is written at once: people act on it.
 */
public final class AnnotationPolicy {

  private AnnotationPolicy() {}

  public static boolean due(
      PodAccount a, String state, Instant now, Duration interval, double minChange) {
    if (a.updatedAt == null) {
      return false; // no data yet: nothing true to write
    }
    if (a.writtenAt == null) {
      return true;
    }
    if (!Objects.equals(state, a.writtenState) || !Objects.equals(a.budgets, a.writtenBudgets)) {
      return true;
    }
    // Interval in report time: the cadence follows the data (and a fake clock in tests).
    Instant since = a.writtenUpdatedAt != null ? a.writtenUpdatedAt : a.writtenAt;
    if (!a.dirty || a.updatedAt.isBefore(since.plus(interval))) {
      return false;
    }
    return moved(a.totals.energyWh, a.writtenEnergyWh, minChange)
        || moved(a.totals.co2eGrams, a.writtenCo2eGrams, minChange)
        || moved(a.totals.cost, a.writtenCost, minChange)
        || moved(a.watts, a.writtenWatts, minChange)
        || moved(a.totals.measuredFraction(), a.writtenMeasured, minChange);
  }

  static boolean moved(double now, double before, double minChange) {
    if (Double.isNaN(now) && Double.isNaN(before)) {
      return false;
    }
    if (Double.isNaN(now) || Double.isNaN(before)) {
      return true;
    }
    if (before == 0) {
      return now != 0;
    }
    return Math.abs(now - before) >= minChange * Math.abs(before);
  }
}
