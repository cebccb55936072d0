package io.wattkeeper.operator.annotate;

import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.ledger.BudgetMath;
import io.wattkeeper.operator.ledger.Checkpoint;
import io.wattkeeper.operator.ledger.PodAccount;
import io.wattkeeper.operator.ledger.UnitTotals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The {@code wattkeeper.io/*} annotation values for one pod. A null value removes the key (JSON
 * merge patch), so keys that no longer apply (cost without a price, state back to Ok) go away.
 */
public final class PodAnnotations {

  private PodAnnotations() {}

  public static Map<String, String> of(PodAccount a, Checkpoint checkpoint, String state) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Api.ANNOTATION_POWER_WATTS, decimal(a.watts, 1));
    m.put(Api.ANNOTATION_ENERGY_WH, decimal(a.totals.energyWh, 3));
    m.put(Api.ANNOTATION_CO2E_GRAMS, decimal(a.totals.co2eGrams, 3));
    m.put(
        Api.ANNOTATION_COST,
        Double.isNaN(a.totals.cost) || a.currency == null
            ? null
            : BudgetMath.money(a.totals.cost) + " " + a.currency);
    m.put(
        Api.ANNOTATION_CARBON_INTENSITY,
        a.intensity == null
            ? null
            : Math.round(a.intensity.gramsPerKWh())
                + " gCO2e/kWh; "
                + a.intensity.zone()
                + "; "
                + a.intensity.sourceWithYear());
    double mf = a.totals.measuredFraction();
    m.put(Api.ANNOTATION_MEASURED_FRACTION, Double.isNaN(mf) ? "unknown" : decimal(mf, 3));
    m.put(
        Api.ANNOTATION_UPDATED_AT,
        a.updatedAt == null ? null : a.updatedAt.truncatedTo(ChronoUnit.SECONDS).toString());
    m.put(Api.ANNOTATION_BUDGETS, a.budgets == null || a.budgets.isEmpty() ? null : a.budgets);
    m.put(Api.ANNOTATION_BUDGET_STATE, state);
    m.put(Api.ANNOTATION_FUNCTIONAL_UNIT_BUDGET, a.unitsFromBudget);
    if (a.unitsProfile != null) {
      // SCI per functional unit: R = requests finished / generated (output) tokens, counted by
      // the pod's server over the same windows as the energy.
      m.put(
          Api.ANNOTATION_ENERGY_PER_REQUEST_WH,
          perRequest(a.unitsSinceWrite, a.units, UnitTotals::whPerRequest));
      m.put(
          Api.ANNOTATION_ENERGY_PER_1K_TOKENS_WH,
          perToken(a.unitsSinceWrite, a.units, UnitTotals::whPer1kTokens));
      m.put(
          Api.ANNOTATION_CO2E_PER_1K_TOKENS_GRAMS,
          perToken(a.unitsSinceWrite, a.units, UnitTotals::gramsPer1kTokens));
    }
    if (checkpoint != null) {
      m.put(Checkpoint.ANNOTATION, checkpoint.format());
    }
    return m;
  }

  private static String perRequest(
      UnitTotals interval, UnitTotals life, ToDoubleFunction<UnitTotals> figure) {
    return perUnit(
        figure.applyAsDouble(interval),
        interval.requestsIdle(),
        interval.requestWindows,
        figure.applyAsDouble(life),
        life.requestsIdle(),
        life.requestWindows);
  }

  private static String perToken(
      UnitTotals interval, UnitTotals life, ToDoubleFunction<UnitTotals> figure) {
    return perUnit(
        figure.applyAsDouble(interval),
        interval.tokensIdle(),
        interval.tokenWindows,
        figure.applyAsDouble(life),
        life.tokensIdle(),
        life.tokenWindows);
  }

  /**
   * "interval=X cumulative=Y": X over the windows completed since the last annotation write, Y over
   * the pod's life; each "idle" when no unit was counted, "unknown" when no window completed (the
   * counts were not readable). Null (key removed) when neither is known.
   */
  static String perUnit(
      double interval,
      boolean intervalIdle,
      int intervalWindows,
      double cumulative,
      boolean cumulativeIdle,
      int cumulativeWindows) {
    String i = UnitTotals.text(interval, intervalIdle, intervalWindows);
    String c = UnitTotals.text(cumulative, cumulativeIdle, cumulativeWindows);
    if (c == null) {
      return null;
    }
    return "interval=" + (i == null ? "unknown" : i) + " cumulative=" + c;
  }

  static String decimal(double v, int scale) {
    return BigDecimal.valueOf(v)
        .setScale(scale, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }
}
