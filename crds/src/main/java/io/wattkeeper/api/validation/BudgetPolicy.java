package io.wattkeeper.api.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link io.wattkeeper.api.v1alpha1.EnergyBudgetSpec} after validation: typed, normalised, with
 * defaults applied where the spec allows them. Operator code works on this, never on raw strings.
 *
 * @param selector pods charged; {@code null} means every pod in the namespace
 * @param pue {@code null} means the operator's configured default
 * @param currency {@code null} when no pricing is given (cost is then not computed)
 * @param pricePerKWh {@code null} when no pricing is given
 * @param idle {@code null} when idle scale-to-zero is off
 * @param functionalUnits {@code null} when the budget names no inference server profile
 */
public record BudgetPolicy(
    LabelSelector selector,
    PeriodPolicy period,
    Optional<BigDecimal> energyLimitWh,
    Optional<BigDecimal> emissionsLimitGrams,
    Optional<BigDecimal> costLimit,
    List<Integer> warnAt,
    Double pue,
    String carbonZone,
    Double carbonGramsPerKWh,
    String currency,
    BigDecimal pricePerKWh,
    EnforcementPolicy enforcement,
    IdlePolicy idle,
    EnergyBudgetSpec.FunctionalUnits functionalUnits) {

  public enum PeriodType {
    Calendar,
    Rolling
  }

  public enum CalendarUnit {
    Day,
    Week,
    Month
  }

  public enum Mode {
    Enforce,
    Warn,
    DryRun
  }

  public enum Action {
    ScaleToZero,
    DenyNewPods,
    GpuPowerCap
  }

  /** True when no limit is set: the budget only monitors. */
  public boolean monitorOnly() {
    return energyLimitWh.isEmpty() && emissionsLimitGrams.isEmpty() && costLimit.isEmpty();
  }

  /**
   * @param unit set for Calendar periods
   * @param window set for Rolling periods
   */
  public record PeriodPolicy(PeriodType type, CalendarUnit unit, Duration window, ZoneId zone) {}

  /**
   * @param scaleToZeroSelector workloads ScaleToZero acts on; {@code null} matches nothing
   */
  public record EnforcementPolicy(
      Mode mode,
      Set<Action> onExceeded,
      LabelSelector scaleToZeroSelector,
      boolean onlyIdle,
      int gpuCapPercent,
      boolean restoreOnReset) {}

  /**
   * @param workloadSelector {@code null} or empty matches nothing (never "everything")
   * @param requestsPerSecondBelow null: the request rate is not a signal
   */
  public record IdlePolicy(
      LabelSelector workloadSelector,
      Duration after,
      double gpuUtilizationBelowPercent,
      double cpuCoresBelow,
      double networkReceiveBytesPerSecondBelow,
      Duration cooldownAfterWake,
      Double requestsPerSecondBelow) {}
}
