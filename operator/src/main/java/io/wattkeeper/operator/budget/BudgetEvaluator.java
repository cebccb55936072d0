package io.wattkeeper.operator.budget;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.wattkeeper.api.carbon.GridIntensity;
import io.wattkeeper.api.units.Quantities;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.ValidationResult;
import io.wattkeeper.operator.ledger.BudgetAccount;
import io.wattkeeper.operator.ledger.BudgetMath;
import io.wattkeeper.operator.ledger.UnitTotals;
import io.wattkeeper.operator.ledger.UsageTotals;
import io.wattkeeper.operator.period.Period;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Computes the status fields this reconciler owns, and the Event for a phase change. Pure: the same
 * inputs give the same status, so an unchanged budget causes no write.
 */
public final class BudgetEvaluator {

  public static final String OK = EnergyBudgetStatus.PHASE_OK;
  public static final String WARNING = EnergyBudgetStatus.PHASE_WARNING;
  public static final String EXCEEDED = EnergyBudgetStatus.PHASE_EXCEEDED;
  public static final String INVALID = EnergyBudgetStatus.PHASE_INVALID;
  public static final String UNKNOWN = EnergyBudgetStatus.PHASE_UNKNOWN;

  /**
   * Status fields this reconciler writes; status.idle and status.enforcement are not among them.
   */
  public static final Set<String> OWNED =
      Set.of(
          "observedGeneration",
          "phase",
          "period",
          "used",
          "percentUsed",
          "maxPercentUsed",
          "projected",
          "carbonIntensity",
          "dataQuality",
          "matchedPods",
          "display",
          "functionalUnits",
          "conditions",
          "history",
          "ledger");

  /** On an invalid spec only these change; usage figures stay as they were. */
  public static final Set<String> OWNED_WHEN_INVALID =
      Set.of("observedGeneration", "phase", "conditions", "projected");

  public record Input(
      String namespace,
      String name,
      long generation,
      EnergyBudgetStatus stored,
      EnergyBudgetStatus previous,
      ValidationResult validation,
      BudgetAccount account,
      int matchedPods,
      Instant now,
      Duration staleAfter,
      Duration forecastMinElapsed) {}

  /**
   * @param resetsAt end of the current calendar period; null for rolling windows and invalid specs
   *     (nothing resets)
   */
  public record Evaluation(
      EnergyBudgetStatus status,
      Set<String> fields,
      String phase,
      BudgetEvent event,
      Instant resetsAt) {}

  private BudgetEvaluator() {}

  public static Evaluation evaluate(Input in) {
    String who = in.namespace() + "/" + in.name();
    // "previous" is what this reconciler last wrote (the cache may not show it yet), else stored.
    EnergyBudgetStatus last = in.previous() != null ? in.previous() : in.stored();
    String previous = last == null ? null : last.getPhase();
    List<Condition> prevConds =
        last == null || last.getConditions() == null ? List.of() : last.getConditions();
    if (!in.validation().valid()) {
      String msg = in.validation().message();
      EnergyBudgetStatus s =
          new EnergyBudgetStatus()
              .setObservedGeneration(in.generation())
              .setPhase(INVALID)
              .setConditions(
                  List.of(
                      cond(prevConds, "Valid", "False", "InvalidSpec", msg, in),
                      cond(
                          prevConds, "Ready", "False", "InvalidSpec", "fix the spec: " + msg, in)));
      BudgetEvent ev =
          INVALID.equals(previous) && sameMessage(prevConds, "Valid", msg)
              ? null
              : new BudgetEvent(
                  "Warning", "EnergyBudgetInvalid", "invalid energy budget " + who + ": " + msg);
      return new Evaluation(s, OWNED_WHEN_INVALID, INVALID, ev, null);
    }

    BudgetPolicy p = in.validation().policy();
    BudgetAccount acc = in.account();
    Period period = acc.period();
    UsageTotals used = acc.used();
    BudgetMath.Percentages pct = BudgetMath.percentages(p, used);
    // Unknown: pods to charge but no report for them within staleAfter (a new budget gets that
    // long to see its first report).
    Instant lastData = acc.lastSampleAt() != null ? acc.lastSampleAt() : acc.createdAt();
    boolean stale =
        in.matchedPods() > 0
            && (lastData == null
                || Duration.between(lastData, in.now()).compareTo(in.staleAfter()) > 0);
    int threshold = thresholdReached(p, pct);
    String phase;
    if (pct.isExceeded()) {
      phase = EXCEEDED;
    } else if (stale) {
      phase = UNKNOWN;
    } else if (threshold > 0) {
      phase = WARNING;
    } else {
      phase = OK;
    }

    String resets = Display.resetsAt(period, p.period());
    EnergyBudgetStatus s =
        new EnergyBudgetStatus().setObservedGeneration(in.generation()).setPhase(phase);
    s.setPeriod(
        new EnergyBudgetStatus.PeriodStatus()
            .setStart(period.startZoned().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
            .setEnd(period.endZoned().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
    s.setUsed(
        new EnergyBudgetStatus.Used()
            .setEnergyWh(BudgetMath.round(used.energyWh, 3))
            .setCpuWh(BudgetMath.round(used.cpuWh, 3))
            .setGpuWh(BudgetMath.round(used.gpuWh, 3))
            .setMemoryWh(BudgetMath.round(used.memoryWh, 3))
            .setCo2eGrams(BudgetMath.round(used.co2eGrams, 3))
            .setCost(p.pricePerKWh() == null ? null : BudgetMath.money(nz(used.cost))));
    if (pct.max() != null) {
      s.setPercentUsed(
          new EnergyBudgetStatus.PercentUsed()
              .setEnergy(pct.energy())
              .setEmissions(pct.emissions())
              .setCost(pct.cost()));
      s.setMaxPercentUsed(pct.max());
    }
    s.setProjected(
        Forecast.project(
            p,
            used,
            period,
            acc.firstSampleAt(),
            in.now(),
            in.forecastMinElapsed(),
            period.zone()));
    GridIntensity gi = acc.lastIntensity();
    String zone = zoneText(acc, gi);
    double grams =
        used.energyWh > 0
            ? used.co2eGrams / used.energyWh * 1000.0
            : gi == null ? Double.NaN : gi.gramsPerKWh();
    if (gi != null) {
      s.setCarbonIntensity(
          new EnergyBudgetStatus.CarbonIntensity()
              .setGramsPerKWh(BudgetMath.round(grams, 1))
              .setZone(zone)
              .setSource(gi.sourceWithYear()));
    }
    double mf = used.measuredFraction();
    if (!Double.isNaN(mf)) {
      s.setDataQuality(
          new EnergyBudgetStatus.DataQuality().setMeasuredFraction(BudgetMath.round(mf, 3)));
    }
    s.setMatchedPods(in.matchedPods());
    s.setDisplay(
        new EnergyBudgetStatus.Display()
            .setPeriod(Display.period(p.period()))
            .setEnergy(Display.energy(used.energyWh, dbl(p.energyLimitWh())))
            .setEmissions(Display.emissions(used.co2eGrams, dbl(p.emissionsLimitGrams())))
            .setCost(
                p.pricePerKWh() == null
                    ? null
                    : Display.cost(used.cost, dbl(p.costLimit()), p.currency()))
            .setResetsAt(resets)
            .setIntensity(gi == null ? null : Display.intensity(grams, zone))
            .setDataQuality(Display.dataQuality(mf))
            .setActions(Display.actions(in.stored())));
    UnitTotals u = acc.units;
    if (!u.isEmpty()) {
      s.setFunctionalUnits(
          new EnergyBudgetStatus.FunctionalUnits()
              .setRequests(u.requestWindows > 0 ? u.requests : null)
              .setGeneratedTokens(u.tokenWindows > 0 ? u.generatedTokens : null)
              .setEnergyPerRequestWh(figure(u.whPerRequest()))
              .setEnergyPer1kTokensWh(figure(u.whPer1kTokens()))
              .setCo2ePer1kTokensGrams(figure(u.gramsPer1kTokens()))
              .setIdle(u.requestsIdle() ? Boolean.TRUE : null)
              .setUnit(
                  "R = requests finished / 1,000 generated tokens, counted by the pods' inference"
                      + " servers over the same windows as the energy (PUE included)"));
      String req = UnitTotals.text(u.whPerRequest(), u.requestsIdle(), u.requestWindows);
      String tok = UnitTotals.text(u.whPer1kTokens(), u.tokensIdle(), u.tokenWindows);
      String co2 = UnitTotals.text(u.gramsPer1kTokens(), u.tokensIdle(), u.tokenWindows);
      s.getDisplay()
          .setPerRequest(withUnit(req, " Wh"))
          .setPer1kTokens(withUnit(tok, " Wh"))
          .setCo2ePer1kTokens(withUnit(co2, " g"));
    }

    List<Condition> conds = new ArrayList<>();
    conds.add(cond(prevConds, "Valid", "True", "Valid", "spec accepted", in));
    conds.add(
        stale
            ? cond(
                prevConds,
                "Ready",
                "False",
                "NoData",
                "no energy report for the "
                    + in.matchedPods()
                    + " matched pods within "
                    + Display.duration(in.staleAfter()),
                in)
            : cond(prevConds, "Ready", "True", "Reconciled", "usage is current", in));
    conds.add(
        threshold > 0
            ? cond(
                prevConds,
                "ThresholdReached",
                "True",
                capitalize(pct.top()) + threshold + "Percent",
                pct.top()
                    + " at "
                    + BudgetMath.round(pct.maxExact(), 1)
                    + "% of its limit (warnAt "
                    + threshold
                    + "%)",
                in)
            : cond(
                prevConds,
                "ThresholdReached",
                "False",
                "BelowThresholds",
                "below every warnAt threshold",
                in));
    conds.add(
        pct.isExceeded()
            ? cond(
                prevConds,
                "Exceeded",
                "True",
                capitalize(pct.exceeded()) + "Exceeded",
                usedVsLimit(p, used, pct.exceeded()),
                in)
            : cond(prevConds, "Exceeded", "False", "WithinLimits", "every limit has room", in));
    s.setConditions(conds);
    List<EnergyBudgetStatus.HistoryEntry> h = acc.history();
    s.setHistory(h.isEmpty() ? null : h);

    BudgetEvent ev = event(who, previous, phase, prevConds, threshold, p, used, pct, resets, in);
    return new Evaluation(s, OWNED, phase, ev, period.rolling() ? null : period.end());
  }

  private static BudgetEvent event(
      String who,
      String previous,
      String phase,
      List<Condition> prevConds,
      int threshold,
      BudgetPolicy p,
      UsageTotals used,
      BudgetMath.Percentages pct,
      String resets,
      Input in) {
    boolean changed = !phase.equals(previous);
    switch (phase) {
      case EXCEEDED:
        return changed
            ? new BudgetEvent(
                "Warning",
                "EnergyBudgetExceeded",
                "exceeded energy budget "
                    + who
                    + ": "
                    + usedVsLimit(p, used, pct.exceeded())
                    + ", resets "
                    + resets)
            : null;
      case WARNING:
        int before = previousThreshold(prevConds);
        if (changed || threshold > before) {
          return new BudgetEvent(
              "Warning",
              "EnergyBudgetThreshold",
              "energy budget "
                  + who
                  + " reached "
                  + threshold
                  + "% of its "
                  + pct.top()
                  + " limit: "
                  + usedVsLimit(p, used, pct.top())
                  + ", resets "
                  + resets);
        }
        return null;
      case UNKNOWN:
        return changed
            ? new BudgetEvent(
                "Warning",
                "EnergyBudgetUnknown",
                "energy budget "
                    + who
                    + ": no energy report for its "
                    + in.matchedPods()
                    + (in.matchedPods() == 1 ? " pod" : " pods")
                    + " within "
                    + Display.duration(in.staleAfter())
                    + "; usage is unknown")
            : null;
      default:
        if (changed && previous != null && !OK.equals(previous)) {
          String what =
              pct.top() == null
                  ? "used " + Quantities.formatEnergy(used.energyWh)
                  : usedVsLimit(p, used, pct.top());
          return new BudgetEvent(
              "Normal",
              "EnergyBudgetOk",
              "energy budget " + who + " is within its limits: " + what + ", resets " + resets);
        }
        return null;
    }
  }

  /** "used 512kWh, limit 500kWh" for the named dimension. */
  static String usedVsLimit(BudgetPolicy p, UsageTotals used, String dimension) {
    if ("emissions".equals(dimension)) {
      return "used "
          + Quantities.formatMass(used.co2eGrams)
          + " CO2e, limit "
          + Quantities.formatMass(dbl(p.emissionsLimitGrams()))
          + " CO2e";
    }
    if ("cost".equals(dimension)) {
      return "used "
          + BudgetMath.moneyShort(nz(used.cost))
          + " "
          + p.currency()
          + ", limit "
          + BudgetMath.moneyShort(dbl(p.costLimit()))
          + " "
          + p.currency();
    }
    if (p.energyLimitWh().isEmpty()) {
      return "used " + Quantities.formatEnergy(used.energyWh);
    }
    return "used "
        + Quantities.formatEnergy(used.energyWh)
        + ", limit "
        + Quantities.formatEnergy(dbl(p.energyLimitWh()));
  }

  /** The highest warnAt threshold at or below the highest percentage; 0 for none. */
  static int thresholdReached(BudgetPolicy p, BudgetMath.Percentages pct) {
    if (pct.max() == null) {
      return 0;
    }
    double m = pct.maxExact();
    int t = 0;
    for (int w : p.warnAt()) {
      if (m >= w) {
        t = w;
      }
    }
    return t;
  }

  private static int previousThreshold(List<Condition> prev) {
    for (Condition c : prev) {
      if ("ThresholdReached".equals(c.getType())
          && "True".equals(c.getStatus())
          && c.getReason() != null) {
        String digits = c.getReason().replaceAll("[^0-9]", "");
        if (!digits.isEmpty()) {
          return Integer.parseInt(digits);
        }
      }
    }
    return 0;
  }

  private static boolean sameMessage(List<Condition> prev, String type, String message) {
    return prev.stream().anyMatch(c -> type.equals(c.getType()) && message.equals(c.getMessage()));
  }

  private static Condition cond(
      List<Condition> prev, String type, String status, String reason, String message, Input in) {
    String since = in.now().toString();
    for (Condition c : prev) {
      if (type.equals(c.getType())
          && status.equals(c.getStatus())
          && c.getLastTransitionTime() != null) {
        since = c.getLastTransitionTime();
      }
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(in.generation())
        .withLastTransitionTime(since)
        .build();
  }

  private static String zoneText(BudgetAccount acc, GridIntensity gi) {
    if (acc.zones().size() > 1) {
      return "mixed";
    }
    if (acc.zones().size() == 1) {
      return acc.zones().iterator().next();
    }
    return gi == null ? "unknown" : gi.zone();
  }

  private static String capitalize(String s) {
    return s == null || s.isEmpty() ? "Usage" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static Double dbl(Optional<BigDecimal> v) {
    return v.map(BigDecimal::doubleValue).orElse(null);
  }

  private static double nz(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static Double figure(double v) {
    return Double.isNaN(v) ? null : BudgetMath.round(v, 6);
  }

  private static String withUnit(String text, String unit) {
    return text == null || text.equals("idle") ? text : text + unit;
  }
}
