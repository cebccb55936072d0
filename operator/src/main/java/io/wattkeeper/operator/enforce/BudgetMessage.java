package io.wattkeeper.operator.enforce;

import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ResourceQuota-style text naming the budget, usage, limit and reset time, e.g. {@code exceeded
 * energy budget team-ml/llm-serving: used 512kWh, limit 500kWh, resets 2026-10-01 00:00 CEST}.
 * Built from the ledger's {@code status.display} strings where present.
 */
public final class BudgetMessage {

  private BudgetMessage() {}

  public static String exceeded(EnergyBudget b) {
    EnergyBudgetStatus st = b.getStatus();
    EnergyBudgetStatus.Display d = st == null ? null : st.getDisplay();
    EnergyBudgetStatus.PercentUsed pct = st == null ? null : st.getPercentUsed();
    EnergyBudgetSpec.Limits limits = b.getSpec() == null ? null : b.getSpec().limits();
    List<String> parts = new ArrayList<>();
    add(
        parts,
        "energy",
        pct == null ? null : pct.getEnergy(),
        d == null ? null : d.getEnergy(),
        usedEnergy(st),
        limits == null ? null : limits.energy());
    add(
        parts,
        "emissions",
        pct == null ? null : pct.getEmissions(),
        d == null ? null : d.getEmissions(),
        null,
        limits == null ? null : limits.emissions());
    add(
        parts,
        "cost",
        pct == null ? null : pct.getCost(),
        d == null ? null : d.getCost(),
        null,
        limits == null ? null : limits.cost());
    if (parts.isEmpty()) {
      parts.add(
          "used "
              + (d != null && d.getEnergy() != null ? d.getEnergy() : "unknown")
              + ", limit "
              + (limits != null && limits.energy() != null ? limits.energy() : "unknown"));
    }
    String resets =
        d != null && d.getResetsAt() != null
            ? d.getResetsAt()
            : st != null && st.getPeriod() != null && st.getPeriod().getEnd() != null
                ? st.getPeriod().getEnd()
                : "unknown";
    return "exceeded energy budget "
        + b.getMetadata().getNamespace()
        + "/"
        + b.getMetadata().getName()
        + ": "
        + String.join("; ", parts)
        + ", resets "
        + resets;
  }

  private static void add(
      List<String> parts,
      String dim,
      Double percent,
      String display,
      String usedRaw,
      String limitRaw) {
    if (percent == null || percent < 100) {
      return;
    }
    String used = usedRaw;
    String limit = limitRaw;
    if (display != null && display.contains("/")) {
      int i = display.indexOf('/');
      used = display.substring(0, i).trim();
      limit = display.substring(i + 1).trim();
    }
    String prefix = dim.equals("energy") ? "" : dim + " ";
    parts.add(
        prefix
            + "used "
            + (used == null ? "unknown" : used)
            + ", limit "
            + (limit == null ? "unknown" : limit));
  }

  private static String usedEnergy(EnergyBudgetStatus st) {
    if (st == null || st.getUsed() == null || st.getUsed().getEnergyWh() == null) {
      return null;
    }
    double wh = st.getUsed().getEnergyWh();
    return wh >= 1000
        ? String.format(Locale.ROOT, "%.0fkWh", wh / 1000)
        : String.format(Locale.ROOT, "%.0fWh", wh);
  }
}
