package io.wattkeeper.operator.annotate;

import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.budget.BudgetMath;
import io.wattkeeper.operator.ledger.Checkpoint;
import io.wattkeeper.operator.ledger.PodAccount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

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
    if (checkpoint != null) {
      m.put(Checkpoint.ANNOTATION, checkpoint.format());
    }
    return m;
  }

  static String decimal(double v, int scale) {
    return BigDecimal.valueOf(v)
        .setScale(scale, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }
}
