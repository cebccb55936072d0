package io.wattkeeper.operator.budget;

import io.wattkeeper.api.units.Quantities;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodType;
import io.wattkeeper.operator.ledger.BudgetMath;
import io.wattkeeper.operator.period.Period;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The strings behind the printer columns, as in {@code kubectl get quota}: used/limit. */
public final class Display {

  private static final DateTimeFormatter RESETS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.ROOT);

  private Display() {}

  public static String period(BudgetPolicy.PeriodPolicy p) {
    if (p.type() == PeriodType.Rolling) {
      return "Rolling " + duration(p.window());
    }
    return p.unit() + " (" + p.zone().getId() + ")";
  }

  public static String resetsAt(Period period, BudgetPolicy.PeriodPolicy p) {
    if (period.rolling()) {
      return "rolling " + duration(p.window());
    }
    return period.endZoned().format(RESETS);
  }

  public static String energy(double usedWh, Double limitWh) {
    return limitWh == null
        ? Quantities.formatEnergy(usedWh)
        : Quantities.formatEnergy(usedWh) + "/" + Quantities.formatEnergy(limitWh);
  }

  public static String emissions(double usedG, Double limitG) {
    return limitG == null
        ? Quantities.formatMass(usedG)
        : Quantities.formatMass(usedG) + "/" + Quantities.formatMass(limitG);
  }

  public static String cost(double used, Double limit, String currency) {
    String u = BudgetMath.moneyShort(Double.isNaN(used) ? 0 : used);
    String c = currency == null ? "" : " " + currency;
    return limit == null ? u + c : u + "/" + BudgetMath.moneyShort(limit) + c;
  }

  public static String intensity(double gramsPerKWh, String zone) {
    return Math.round(gramsPerKWh) + " g/kWh " + zone;
  }

  public static String dataQuality(double measuredFraction) {
    if (Double.isNaN(measuredFraction)) {
      return "no data";
    }
    return Math.round(measuredFraction * 100) + "% measured";
  }

  /**
   * Actions in force (written by the enforcement reconciler) and workloads asleep (idle), e.g.
   * "ScaleToZero,DenyNewPods,Sleeping:2"; "None" when nothing is in force.
   */
  public static String actions(EnergyBudgetStatus stored) {
    List<String> parts = new ArrayList<>();
    if (stored != null
        && stored.getEnforcement() != null
        && stored.getEnforcement().getActiveActions() != null) {
      parts.addAll(stored.getEnforcement().getActiveActions());
    }
    int sleeping =
        stored == null || stored.getIdle() == null || stored.getIdle().getSleeping() == null
            ? 0
            : stored.getIdle().getSleeping().size();
    if (sleeping > 0) {
      parts.add("Sleeping:" + sleeping);
    }
    return parts.isEmpty() ? "None" : String.join(",", parts);
  }

  static String duration(Duration d) {
    long s = d.getSeconds();
    if (s % 3600 == 0) {
      return (s / 3600) + "h";
    }
    if (s % 60 == 0) {
      return (s / 60) + "m";
    }
    return s + "s";
  }
}
