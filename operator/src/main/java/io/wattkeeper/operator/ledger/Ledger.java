package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.carbon.GridIntensity;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.HistoryEntry;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.operator.budget.BudgetMath;
import io.wattkeeper.operator.budget.Period;
import io.wattkeeper.operator.budget.PeriodCalculator;
import io.wattkeeper.operator.carbon.IntensityResolver;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The energy ledger: reports in, per-pod and per-budget usage out. Pure and single-threaded: the
 * cluster is seen through {@link Cluster}, time through the report timestamps and the caller's
 * {@code now}. A pod is charged to every budget in its namespace whose selector matches its labels
 * at sample time; each budget applies its own PUE, intensity override and price.
 */
public final class Ledger {

  /** What the ledger needs to know about the cluster while ingesting. */
  public interface Cluster {
    /** The pod's labels, or null when the pod is unknown (deleted, or not cached yet). */
    Map<String, String> podLabels(String namespace, String name, String uid);

    /** The node's grid zone; empty when it has none (world average). */
    Optional<String> nodeZone(String node);

    /** Valid budgets in a namespace, sorted by name. */
    List<BudgetRef> budgetsIn(String namespace);
  }

  /** A valid budget as the ledger sees it; {@code stored} is its status, for restart recovery. */
  public record BudgetRef(
      String namespace, String name, BudgetPolicy policy, EnergyBudgetStatus stored) {
    public String key() {
      return namespace + "/" + name;
    }
  }

  /** Counters for metrics and tests. */
  public static final class Stats {
    public long reports;
    public long duplicates;
    public long epochChanges;
    public long anomalies;
  }

  private final double defaultPue;
  private final int historyLength;
  private final IntensityResolver intensity;
  private final PodDeltaTracker tracker = new PodDeltaTracker();
  private final Map<String, PodAccount> pods = new HashMap<>();
  private final Map<String, BudgetAccount> budgets = new HashMap<>();
  private final Map<String, BudgetPolicy.PeriodPolicy> budgetPeriods = new HashMap<>();
  private final Stats stats = new Stats();

  public Ledger(double defaultPue, int historyLength, IntensityResolver intensity) {
    this.defaultPue = defaultPue;
    this.historyLength = historyLength;
    this.intensity = intensity;
  }

  public PodDeltaTracker.Result ingest(ReportSample r, Cluster cluster) {
    PodDeltaTracker.Result res = tracker.apply(r);
    stats.reports++;
    if (res.duplicate()) {
      stats.duplicates++;
      return res;
    }
    if (res.newEpoch()) {
      stats.epochChanges++;
    }
    stats.anomalies += res.anomalies();
    GridIntensity nodeIntensity = intensity.forZone(cluster.nodeZone(r.node()));
    String lastNs = null;
    List<BudgetRef> nsBudgets = List.of();
    List<BudgetRef> matched = new ArrayList<>(4);
    for (PodDelta d : res.deltas()) {
      PodAccount a = pods.get(d.uid());
      if (a == null) {
        a = new PodAccount(d.uid(), d.namespace(), d.name());
        pods.put(d.uid(), a);
      }
      Map<String, String> labels = cluster.podLabels(d.namespace(), d.name(), d.uid());
      if (labels != null) {
        a.labels = labels;
      }
      if (!d.namespace().equals(lastNs)) {
        lastNs = d.namespace();
        nsBudgets = cluster.budgetsIn(lastNs);
      }
      matched.clear();
      if (a.labels != null) {
        for (BudgetRef b : nsBudgets) {
          if (Selectors.matches(b.policy().selector(), a.labels)) {
            matched.add(b);
          }
        }
      }
      chargePod(a, d, matched, nodeIntensity);
      if (d.podOnly()) {
        continue;
      }
      for (BudgetRef b : matched) {
        BudgetAccount acc = account(b, d.end());
        BudgetPolicy p = b.policy();
        GridIntensity bi =
            intensity.withOverride(p.carbonZone(), p.carbonGramsPerKWh(), nodeIntensity);
        double pue = p.pue() != null ? p.pue() : defaultPue;
        acc.charge(d, Charge.of(d, pue, bi.gramsPerKWh(), p.pricePerKWh()), bi);
      }
    }
    return res;
  }

  private void chargePod(
      PodAccount a, PodDelta d, List<BudgetRef> matched, GridIntensity nodeIntensity) {
    // The pod's own figures use the first matching budget (by name) that sets each parameter.
    Double pue = null;
    GridIntensity gi = null;
    BigDecimal price = null;
    String currency = null;
    StringBuilder names = new StringBuilder();
    for (BudgetRef b : matched) {
      BudgetPolicy p = b.policy();
      if (pue == null) {
        pue = p.pue();
      }
      if (gi == null && (p.carbonGramsPerKWh() != null || p.carbonZone() != null)) {
        gi = intensity.withOverride(p.carbonZone(), p.carbonGramsPerKWh(), nodeIntensity);
      }
      if (price == null && p.pricePerKWh() != null) {
        price = p.pricePerKWh();
        currency = p.currency();
      }
      if (names.length() > 0) {
        names.append(',');
      }
      names.append(b.key());
    }
    if (gi == null) {
      gi = nodeIntensity;
    }
    Charge c = Charge.of(d, pue == null ? defaultPue : pue, gi.gramsPerKWh(), price);
    a.totals.add(c);
    a.node = d.node();
    a.watts = d.watts();
    a.intensity = gi;
    if (currency != null) {
      a.currency = currency;
    }
    a.updatedAt = d.end();
    a.budgets = names.toString();
    a.dirty = true;
  }

  /** The budget's account, created (and restored from its status) on first use, rolled to now. */
  public BudgetAccount account(BudgetRef b, Instant now) {
    BudgetPolicy.PeriodPolicy pp = b.policy().period();
    Period current = PeriodCalculator.current(pp, now);
    BudgetAccount acc = budgets.get(b.key());
    if (acc != null) {
      acc.pue = b.policy().pue() != null ? b.policy().pue() : defaultPue;
    }
    if (acc == null) {
      acc = restore(b, current, now);
      acc.pue = b.policy().pue() != null ? b.policy().pue() : defaultPue;
      budgets.put(b.key(), acc);
      budgetPeriods.put(b.key(), pp);
      return acc;
    }
    if (!pp.equals(budgetPeriods.get(b.key()))) {
      // The period definition was edited: start the new one now, keep nothing from the old.
      acc = new BudgetAccount(b.namespace(), b.name(), current, now);
      acc.pue = b.policy().pue() != null ? b.policy().pue() : defaultPue;
      budgets.put(b.key(), acc);
      budgetPeriods.put(b.key(), pp);
      return acc;
    }
    acc.rollTo(current, historyLength, used -> closeEntry(b.policy(), used));
    return acc;
  }

  private BudgetAccount restore(BudgetRef b, Period current, Instant now) {
    BudgetAccount acc = new BudgetAccount(b.namespace(), b.name(), current, now);
    EnergyBudgetStatus s = b.stored();
    if (s == null || s.getUsed() == null || s.getPeriod() == null) {
      return acc;
    }
    UsageTotals t = fromStatus(s);
    Instant storedStart = parse(s.getPeriod().getStart());
    List<HistoryEntry> history =
        s.getHistory() == null ? new ArrayList<>() : new ArrayList<>(s.getHistory());
    if (current.rolling()) {
      // The stored total covers the window that ended when it was written: spread it over that
      // window so it ages out with it (none of it is left if it was written a window ago).
      Instant storedEnd = parse(s.getPeriod().getEnd());
      if (storedStart != null && storedEnd != null && storedEnd.isAfter(storedStart)) {
        acc.restoreWindow(t, storedStart, storedEnd, history);
      } else {
        acc.restore(new UsageTotals(), now, history);
      }
    } else if (storedStart != null && storedStart.equals(current.start())) {
      acc.restore(t, now, history);
    } else if (storedStart != null && storedStart.isBefore(current.start())) {
      // The period ended while the operator was away: close it as history.
      HistoryEntry h = closeEntry(b.policy(), t);
      h.setStart(s.getPeriod().getStart());
      h.setEnd(s.getPeriod().getEnd());
      history.add(0, h);
      while (history.size() > historyLength) {
        history.remove(history.size() - 1);
      }
      acc.restore(new UsageTotals(), now, history);
    }
    return acc;
  }

  private static UsageTotals fromStatus(EnergyBudgetStatus s) {
    EnergyBudgetStatus.Used u = s.getUsed();
    UsageTotals t = new UsageTotals();
    t.cpuWh = nz(u.getCpuWh());
    t.memoryWh = nz(u.getMemoryWh());
    t.gpuWh = nz(u.getGpuWh());
    t.energyWh = nz(u.getEnergyWh());
    t.co2eGrams = nz(u.getCo2eGrams());
    if (u.getCost() != null) {
      try {
        t.cost = Double.parseDouble(u.getCost());
      } catch (NumberFormatException e) {
        t.cost = Double.NaN;
      }
    }
    Double mf = s.getDataQuality() == null ? null : s.getDataQuality().getMeasuredFraction();
    t.measuredWh = mf == null ? 0 : mf * t.energyWh;
    return t;
  }

  private static HistoryEntry closeEntry(BudgetPolicy p, UsageTotals used) {
    BudgetMath.Percentages pct = BudgetMath.percentages(p, used);
    return new HistoryEntry()
        .setEnergyWh(BudgetMath.round(used.energyWh, 3))
        .setCo2eGrams(BudgetMath.round(used.co2eGrams, 3))
        .setCost(Double.isNaN(used.cost) ? null : BudgetMath.money(used.cost))
        .setMaxPercentUsed(pct.max())
        .setExceeded(pct.isExceeded());
  }

  /** Restores a pod's totals and counter base from its checkpoint annotation. */
  public void restorePod(String uid, String namespace, String name, Checkpoint c) {
    if (pods.containsKey(uid)) {
      return;
    }
    PodAccount a = new PodAccount(uid, namespace, name);
    a.totals.energyWh = c.energyWh();
    a.totals.co2eGrams = c.co2eGrams();
    a.totals.cost = c.cost();
    a.totals.measuredWh = c.measuredWh();
    a.node = c.node();
    pods.put(uid, a);
    tracker.seed(uid, c);
  }

  /** Forgets nodes whose reports are gone, pods gone from reports and cluster, deleted budgets. */
  public void sweep(Set<String> reportNodes, Set<String> budgetKeys, Cluster cluster) {
    tracker.dropNodesExcept(reportNodes);
    for (Iterator<PodAccount> it = pods.values().iterator(); it.hasNext(); ) {
      PodAccount a = it.next();
      boolean inReports = a.node != null && tracker.tracks(a.node, a.uid);
      if (!inReports && cluster.podLabels(a.namespace, a.name, a.uid) == null) {
        it.remove();
      }
    }
    budgets.keySet().retainAll(budgetKeys);
    budgetPeriods.keySet().retainAll(budgetKeys);
  }

  public Checkpoint checkpoint(PodAccount a) {
    double[] c = a.node == null ? null : tracker.counters(a.node, a.uid);
    if (c == null) {
      return null;
    }
    return new Checkpoint(
        a.node,
        tracker.epoch(a.node),
        c[0],
        c[1],
        c[2],
        a.totals.energyWh,
        a.totals.co2eGrams,
        a.totals.cost,
        a.totals.measuredWh);
  }

  public Map<String, PodAccount> pods() {
    return pods;
  }

  public BudgetAccount existingAccount(String key) {
    return budgets.get(key);
  }

  /** The reports present at start have been read; nodes seen from now on are new. */
  public void warm() {
    tracker.warm();
  }

  public PodDeltaTracker tracker() {
    return tracker;
  }

  public Stats stats() {
    return stats;
  }

  private static Instant parse(String s) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static double nz(Double d) {
    return d == null || d.isNaN() ? 0 : d;
  }
}
