package io.wattkeeper.operator.idle;

import io.wattkeeper.api.validation.BudgetPolicy.IdlePolicy;
import java.time.Duration;

/** What "idle" means for one evaluation; built from a validated {@link IdlePolicy}. */
public record IdleThresholds(
    Duration after,
    double gpuUtilizationBelowPercent,
    double cpuCoresBelow,
    double networkReceiveBytesPerSecondBelow,
    Duration cooldownAfterWake,
    Double requestsPerSecondBelow) {

  public static IdleThresholds of(IdlePolicy p) {
    return new IdleThresholds(
        p.after(),
        p.gpuUtilizationBelowPercent(),
        p.cpuCoresBelow(),
        p.networkReceiveBytesPerSecondBelow(),
        p.cooldownAfterWake(),
        p.requestsPerSecondBelow());
  }
}
