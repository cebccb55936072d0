package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.validation.BudgetPolicy;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Percent of each limit, rounding and money formatting: one place, so status and Events agree. */
public final class BudgetMath {

  private BudgetMath() {}

  /**
   * Percent used per limit; null where no limit is set (or no price for cost). {@code max} is the
   * highest, floored, and {@code exceeded} names the first dimension at or over 100%.
   */
  public record Percentages(
      Double energy, Double emissions, Double cost, Integer max, String exceeded) {
    public boolean isExceeded() {
      return exceeded != null;
    }

    public double maxExact() {
      double m = 0;
      for (Double d : new Double[] {energy, emissions, cost}) {
        if (d != null) {
          m = Math.max(m, d);
        }
      }
      return m;
    }

    /** The dimension with the highest percentage, or null when there are no limits. */
    public String top() {
      String t = null;
      double m = -1;
      if (energy != null && energy > m) {
        t = "energy";
        m = energy;
      }
      if (emissions != null && emissions > m) {
        t = "emissions";
        m = emissions;
      }
      if (cost != null && cost > m) {
        t = "cost";
      }
      return t;
    }
  }

  public static Percentages percentages(BudgetPolicy p, UsageTotals used) {
    Double e = pct(used.energyWh, p.energyLimitWh().orElse(null));
    Double m = pct(used.co2eGrams, p.emissionsLimitGrams().orElse(null));
    Double c = pct(used.cost, p.costLimit().orElse(null));
    String exceeded = null;
    if (e != null && e >= 100) {
      exceeded = "energy";
    } else if (m != null && m >= 100) {
      exceeded = "emissions";
    } else if (c != null && c >= 100) {
      exceeded = "cost";
    }
    Integer max = null;
    if (e != null || m != null || c != null) {
      double mx = 0;
      for (Double d : new Double[] {e, m, c}) {
        if (d != null) {
          mx = Math.max(mx, d);
        }
      }
      max = (int) Math.floor(mx);
    }
    return new Percentages(
        e == null ? null : round(e, 1),
        m == null ? null : round(m, 1),
        c == null ? null : round(c, 1),
        max,
        exceeded);
  }

  private static Double pct(double used, BigDecimal limit) {
    if (limit == null || limit.signum() <= 0) {
      return null;
    }
    return (Double.isNaN(used) ? 0 : used) / limit.doubleValue() * 100.0;
  }

  public static double round(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }

  /** Cost as a decimal string with at most 4 decimals: "68.7312". */
  public static String money(double v) {
    return BigDecimal.valueOf(v)
        .setScale(4, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** Cost for people: whole units from 100 up, else up to 2 decimals ("69", "0.42"). */
  public static String moneyShort(double v) {
    if (!Double.isFinite(v)) {
      return "?"; // shown, never thrown: limits are bounded, this is the last guard
    }
    int scale = Math.abs(v) >= 100 ? 0 : 2;
    return BigDecimal.valueOf(v)
        .setScale(scale, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }
}
