package io.wattkeeper.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus metrics per budget (used ratio per dimension, energy, CO2e, cost, phase), ledger lag
 * and reconcile errors. Gauges of a deleted budget are removed, so no stale series remain.
 */
@ApplicationScoped
public class LedgerMetrics {

  static final List<String> PHASES =
      List.of(
          EnergyBudgetStatus.PHASE_OK,
          EnergyBudgetStatus.PHASE_WARNING,
          EnergyBudgetStatus.PHASE_EXCEEDED,
          EnergyBudgetStatus.PHASE_INVALID,
          EnergyBudgetStatus.PHASE_UNKNOWN);

  @Inject MeterRegistry registry;

  private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();
  private final Map<String, List<Meter.Id>> byBudget = new ConcurrentHashMap<>();
  private final AtomicReference<Double> lag = new AtomicReference<>(0.0);
  private Counter errors;
  private Counter reports;

  @jakarta.annotation.PostConstruct
  void init() {
    Gauge.builder("wattkeeper.ledger.lag.seconds", lag, AtomicReference::get)
        .description("Seconds since the oldest of the nodes' latest reports that the ledger used")
        .strongReference(true)
        .register(registry);
    errors =
        Counter.builder("wattkeeper.reconcile.errors")
            .description("EnergyBudget ledger reconciliations that failed")
            .register(registry);
    reports =
        Counter.builder("wattkeeper.ledger.reports")
            .description("NodeEnergyReports ingested (duplicates excluded)")
            .register(registry);
  }

  public void reconcileError() {
    errors.increment();
  }

  public void reportsIngested(long n) {
    if (n > 0) {
      reports.increment(n);
    }
  }

  public void lagSeconds(double seconds) {
    lag.set(seconds);
  }

  public void budget(String namespace, String name, EnergyBudgetStatus s, String currency) {
    String key = namespace + "/" + name;
    Tags base = Tags.of("namespace", namespace, "budget", name);
    if (s.getPercentUsed() != null) {
      set(
          key,
          "wattkeeper.budget.used.ratio",
          base.and("dimension", "energy"),
          ratio(s.getPercentUsed().getEnergy()));
      set(
          key,
          "wattkeeper.budget.used.ratio",
          base.and("dimension", "emissions"),
          ratio(s.getPercentUsed().getEmissions()));
      set(
          key,
          "wattkeeper.budget.used.ratio",
          base.and("dimension", "cost"),
          ratio(s.getPercentUsed().getCost()));
    }
    if (s.getUsed() != null) {
      set(key, "wattkeeper.budget.energy.wh", base, nz(s.getUsed().getEnergyWh()));
      set(key, "wattkeeper.budget.co2e.grams", base, nz(s.getUsed().getCo2eGrams()));
      if (s.getUsed().getCost() != null) {
        set(
            key,
            "wattkeeper.budget.cost",
            base.and("currency", currency == null ? "" : currency),
            Double.parseDouble(s.getUsed().getCost()));
      }
    }
    if (s.getDataQuality() != null) {
      // NaN while no energy is charged: an honest "unknown", not 0 % or 100 % measured.
      set(
          key,
          "wattkeeper.budget.measured.fraction",
          base,
          nan(s.getDataQuality().getMeasuredFraction()));
    }
    EnergyBudgetStatus.FunctionalUnits u = s.getFunctionalUnits();
    if (u != null) {
      // NaN while unknown or idle (no unit counted): a figure of 0 or +Inf would be a lie.
      set(key, "wattkeeper.budget.requests", base, nan(u.getRequests()));
      set(key, "wattkeeper.budget.generated.tokens", base, nan(u.getGeneratedTokens()));
      set(key, "wattkeeper.budget.energy.per.request.wh", base, nan(u.getEnergyPerRequestWh()));
      set(key, "wattkeeper.budget.energy.per.1k.tokens.wh", base, nan(u.getEnergyPer1kTokensWh()));
      set(
          key,
          "wattkeeper.budget.co2e.per.1k.tokens.grams",
          base,
          nan(u.getCo2ePer1kTokensGrams()));
    }
    for (String p : PHASES) {
      set(key, "wattkeeper.budget.phase", base.and("phase", p), p.equals(s.getPhase()) ? 1.0 : 0.0);
    }
  }

  /** Workloads asleep and the energy their sleep saved (estimated), per budget. */
  public void idle(String namespace, String name, EnergyBudgetStatus.IdleStatus idle) {
    String key = namespace + "/" + name;
    Tags base = Tags.of("namespace", namespace, "budget", name);
    int sleeping = idle == null || idle.getSleeping() == null ? 0 : idle.getSleeping().size();
    set(key, "wattkeeper.budget.sleeping.workloads", base, (double) sleeping);
    set(
        key,
        "wattkeeper.budget.idle.saved.wh",
        base,
        idle == null || idle.getEnergySavedWh() == null ? 0.0 : idle.getEnergySavedWh());
  }

  /** Removes the series of budgets that no longer exist. */
  public void retain(Set<String> budgetKeys) {
    for (String key : new ArrayList<>(byBudget.keySet())) {
      if (!budgetKeys.contains(key)) {
        for (Meter.Id id : byBudget.remove(key)) {
          registry.remove(id);
          values.remove(id.toString());
        }
      }
    }
  }

  private void set(String budgetKey, String name, Tags tags, Double v) {
    if (v == null) {
      return;
    }
    Meter.Id probe = new Meter.Id(name, tags, null, null, Meter.Type.GAUGE);
    AtomicReference<Double> holder =
        values.computeIfAbsent(
            probe.toString(),
            k -> {
              AtomicReference<Double> h = new AtomicReference<>(v);
              Gauge g =
                  Gauge.builder(name, h, AtomicReference::get)
                      .tags(tags)
                      .strongReference(true)
                      .register(registry);
              byBudget.computeIfAbsent(budgetKey, x -> new ArrayList<>()).add(g.getId());
              return h;
            });
    holder.set(v);
  }

  private static Double ratio(Double percent) {
    return percent == null ? null : percent / 100.0;
  }

  private static double nan(Double d) {
    return d == null ? Double.NaN : d;
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }
}
