package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.carbon.GridIntensity;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.HistoryEntry;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.operator.carbon.IntensityResolver;
import io.wattkeeper.operator.period.Period;
import io.wattkeeper.operator.period.PeriodCalculator;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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

    /** When the pod started (else was created); null when unknown. */
    default Instant podStart(String namespace, String name, String uid) {
      return null;
    }
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
  // Strictly increasing stamps for budget positions and pod checkpoints (a hybrid clock: the
  // operator's time, bumped by a nanosecond when it has not moved), so their order is their order.
  private Instant lastStamp = Instant.EPOCH;
  // Pods without a checkpoint that started after this are charged from zero at first sight.
  private Instant horizon;
  // Stamps of checkpoints taken and sent but not yet known to have landed or failed.
  private final Set<Instant> inFlight = new HashSet<>();

  public Ledger(double defaultPue, int historyLength, IntensityResolver intensity) {
    this.defaultPue = defaultPue;
    this.historyLength = historyLength;
    this.intensity = intensity;
  }

  /** Ingests in report time: periods follow the report's timestamp (tests of the pure ledger). */
  public PodDeltaTracker.Result ingest(ReportSample r, Cluster cluster) {
    return ingest(r, cluster, r.timestamp());
  }

  /**
   * Ingests a report checked at {@code now} (the operator's clock): budget periods roll by {@code
   * now}, never by what a report claims its time is.
   */
  public PodDeltaTracker.Result ingest(ReportSample r, Cluster cluster, Instant now) {
    PodDeltaTracker.Result res =
        tracker.apply(
            r,
            p -> startedAfterHorizon(p, cluster),
            p -> cluster.podStart(p.namespace(), p.name(), p.uid()));
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
    Map<String, PodCounters.Units> units = null;
    for (PodCounters p : r.pods()) {
      if (p.units() != null) {
        if (units == null) {
          units = new HashMap<>();
        }
        units.put(p.uid(), p.units());
      }
    }
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
      a.unitsFromBudget = unitsFromBudget(matched);
      Charge podCharge = chargePod(a, d, matched, nodeIntensity);
      PodCounters.Units u = units == null ? null : units.get(d.uid());
      UnitWindow.Step reqStep = null;
      UnitWindow.Step tokStep = null;
      if (u != null || a.unitsProfile != null) {
        reqStep =
            a.requestWindow.observe(
                podCharge.energyWh(), podCharge.co2eGrams(), u == null ? null : u.requests());
        tokStep =
            a.tokenWindow.observe(
                podCharge.energyWh(),
                podCharge.co2eGrams(),
                u == null ? null : u.generatedTokens());
        if (u != null && u.profile() != null) {
          a.unitsProfile = u.profile();
        } else if (a.unitsProfile == null) {
          a.unitsProfile = "unknown";
        }
        if (reqStep != null) {
          a.units.addRequests(reqStep);
          a.unitsSinceWrite.addRequests(reqStep);
        }
        if (tokStep != null) {
          a.units.addTokens(tokStep);
          a.unitsSinceWrite.addTokens(tokStep);
        }
      }
      for (BudgetRef b : matched) {
        BudgetAccount acc = account(b, now);
        PodDelta behind = null;
        if (d.catchUp()) {
          if (acc.restoredFrom() == BudgetAccount.Restored.USED_ONLY) {
            continue; // its used was written at another moment than the checkpoint: unknown split
          }
          behind = behind(d, acc);
        }
        BudgetPolicy p = b.policy();
        GridIntensity bi =
            intensity.withOverride(p.carbonZone(), p.carbonGramsPerKWh(), nodeIntensity);
        double pue = p.pue() != null ? p.pue() : defaultPue;
        acc.charge(d, Charge.of(d, pue, bi.gramsPerKWh(), p.pricePerKWh()), bi);
        if (reqStep != null || tokStep != null) {
          // The pod's windows (its PUE and intensity), added to every budget charging it.
          acc.addUnits(d.uid(), reqStep, tokStep, d.end());
        }
        if (behind != null) {
          acc.charge(behind, Charge.of(behind, pue, bi.gramsPerKWh(), p.pricePerKWh()), bi, true);
        }
        if (acc.hasPending(a.uid)) {
          if (a.pendingIn == null) {
            a.pendingIn = new ArrayList<>(2);
          }
          if (!a.pendingIn.contains(b.key())) {
            a.pendingIn.add(b.key());
          }
        }
      }
    }
    return res;
  }

  /**
   * The part of a restored pod's energy its checkpoint covers but the budget's status does not: the
   * checkpoint was written after that status (its interval, {@code behind*}, is then missing from
   * it). Null when the status already holds it, or when the checkpoint is older than the status by
   * more than one write (then what lies between is unknown and not charged: never twice).
   */
  private static PodDelta behind(PodDelta d, BudgetAccount acc) {
    Checkpoint c = d.from();
    if (acc.restoredFrom() != BudgetAccount.Restored.POSITION || c.at() == null) {
      return null;
    }
    if (acc.covers(c.at()) || c.behindJoules() <= 0) {
      return null;
    }
    if (c.prevAt() != null && !acc.covers(c.prevAt())) {
      return null;
    }
    return new PodDelta(
        d.uid(),
        d.namespace(),
        d.name(),
        d.node(),
        c.behindCpuJoules(),
        c.behindMemoryJoules(),
        c.behindGpuJoules(),
        c.behindMeasuredJoules(),
        d.watts(),
        d.start(),
        d.end(),
        c);
  }

  /**
   * The functional-unit profile the first matching budget (by name) names, as the annotation the
   * agent reads; null when none names one.
   */
  static String unitsFromBudget(List<BudgetRef> matched) {
    for (BudgetRef b : matched) {
      EnergyBudgetSpec.FunctionalUnits u = b.policy().functionalUnits();
      if (u == null) {
        continue;
      }
      StringBuilder j = new StringBuilder("{\"budget\":\"").append(b.name()).append('"');
      j.append(",\"profile\":\"").append(u.profile()).append('"');
      if (u.port() != null) {
        j.append(",\"port\":").append(u.port());
      }
      // Names and paths are validated (no quotes or backslashes): no escaping needed.
      appendField(j, "path", u.path());
      appendField(j, "requestsMetric", u.requestsMetric());
      appendField(j, "promptTokensMetric", u.promptTokensMetric());
      appendField(j, "generatedTokensMetric", u.generatedTokensMetric());
      return j.append('}').toString();
    }
    return null;
  }

  private static void appendField(StringBuilder j, String name, String value) {
    if (value != null) {
      j.append(",\"").append(name).append("\":\"").append(value).append('"');
    }
  }

  private boolean startedAfterHorizon(PodCounters p, Cluster cluster) {
    if (horizon == null) {
      return false;
    }
    Instant start = cluster.podStart(p.namespace(), p.name(), p.uid());
    return start != null && start.isAfter(horizon);
  }

  private Charge chargePod(
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
    a.sinceCheckpoint[0] += d.cpuJoules();
    a.sinceCheckpoint[1] += d.memoryJoules();
    a.sinceCheckpoint[2] += d.gpuJoules();
    a.sinceCheckpoint[3] += d.measuredJoules();
    a.node = d.node();
    a.watts = d.watts();
    a.intensity = gi;
    if (currency != null) {
      a.currency = currency;
    }
    a.updatedAt = d.end();
    a.budgets = names.toString();
    a.dirty = true;
    return c;
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
      // The period definition was edited: start the new one now, keep nothing from the old
      // (but what its pods' checkpoints do not cover yet, as a rollover would).
      BudgetAccount old = acc;
      acc = new BudgetAccount(b.namespace(), b.name(), current, now);
      acc.takePending(old);
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
    Instant position = s.getLedger() == null ? null : parse(s.getLedger().getAt());
    if (!current.rolling() && position != null) {
      observeStamp(position);
      restoreAtPosition(b, acc, s, t, current, now, position);
      return acc;
    }
    acc.restoredUsedOnly();
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

  /**
   * A Calendar status written with its position: the budget starts from the part of {@code used}
   * the pods' checkpoints account for, and each pod's catch-up adds the rest. A period that ended
   * while the operator was away becomes history with its whole {@code used}; the new period then
   * starts from minus the part not checkpointed, which the catch-ups (from the checkpoints, before
   * the period end) cancel.
   */
  private void restoreAtPosition(
      BudgetRef b,
      BudgetAccount acc,
      EnergyBudgetStatus s,
      UsageTotals used,
      Period current,
      Instant now,
      Instant position) {
    UsageTotals checkpointed = fromPosition(s.getLedger(), used);
    Instant storedStart = parse(s.getPeriod().getStart());
    List<HistoryEntry> history =
        s.getHistory() == null ? new ArrayList<>() : new ArrayList<>(s.getHistory());
    if (storedStart != null && storedStart.isBefore(current.start())) {
      HistoryEntry h = closeEntry(b.policy(), used);
      h.setStart(s.getPeriod().getStart());
      h.setEnd(s.getPeriod().getEnd());
      history.add(0, h);
      while (history.size() > historyLength) {
        history.remove(history.size() - 1);
      }
      checkpointed.subtract(used);
    } else if (storedStart == null || !storedStart.equals(current.start())) {
      acc.restore(new UsageTotals(), now, history); // a later period than now: keep nothing
      return;
    }
    Set<Instant> sent = new HashSet<>();
    if (s.getLedger().getInFlight() != null) {
      for (String x : s.getLedger().getInFlight()) {
        Instant i = parse(x);
        if (i != null) {
          sent.add(i);
        }
      }
    }
    acc.restorePosition(checkpointed, position, sent, now, history);
  }

  private static UsageTotals fromPosition(EnergyBudgetStatus.LedgerPosition p, UsageTotals used) {
    UsageTotals t = new UsageTotals();
    t.cpuWh = p.getCpuWh() == null ? used.cpuWh : nz(p.getCpuWh());
    t.memoryWh = p.getMemoryWh() == null ? used.memoryWh : nz(p.getMemoryWh());
    t.gpuWh = p.getGpuWh() == null ? used.gpuWh : nz(p.getGpuWh());
    t.energyWh = p.getEnergyWh() == null ? used.energyWh : nz(p.getEnergyWh());
    t.co2eGrams = p.getCo2eGrams() == null ? used.co2eGrams : nz(p.getCo2eGrams());
    t.measuredWh = p.getMeasuredWh() == null ? used.measuredWh : nz(p.getMeasuredWh());
    t.cost = p.getCost() == null || !Double.isFinite(p.getCost()) ? Double.NaN : p.getCost();
    return t;
  }

  /** What a budget status records for restart recovery; null for Rolling windows. */
  public EnergyBudgetStatus.LedgerPosition position(BudgetAccount acc, Instant now) {
    UsageTotals t = acc.checkpointedUsage();
    if (t == null) {
      return null;
    }
    List<String> sent = null;
    if (!inFlight.isEmpty()) {
      sent = inFlight.stream().sorted().map(Instant::toString).toList();
    }
    return new EnergyBudgetStatus.LedgerPosition()
        .setInFlight(sent)
        .setAt(stamp(now).toString())
        .setSince(horizon == null ? null : horizon.toString())
        .setEnergyWh(t.energyWh)
        .setCpuWh(t.cpuWh)
        .setMemoryWh(t.memoryWh)
        .setGpuWh(t.gpuWh)
        .setMeasuredWh(t.measuredWh)
        .setCo2eGrams(t.co2eGrams)
        .setCost(Double.isNaN(t.cost) ? null : t.cost);
  }

  /** A stamp later than every stamp this ledger gave or restored. */
  Instant stamp(Instant now) {
    lastStamp = now.isAfter(lastStamp) ? now : lastStamp.plusNanos(1);
    return lastStamp;
  }

  private void observeStamp(Instant at) {
    if (at != null && at.isAfter(lastStamp)) {
      lastStamp = at;
    }
  }

  /**
   * Pods without a checkpoint that started after {@code since} count from zero in the first report
   * after a start: nothing durable holds any of their energy (see docs/ledger.md).
   */
  public void horizon(Instant since) {
    this.horizon = since;
  }

  public Instant horizon() {
    return horizon;
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
    a.checkpointAt = c.at();
    observeStamp(c.at());
    pods.put(uid, a);
    tracker.seed(uid, c);
  }

  /** Forgets nodes whose reports are gone, pods gone from reports and cluster, deleted budgets. */
  public void sweep(Set<String> reportNodes, Set<String> budgetKeys, Cluster cluster) {
    tracker.dropNodesExcept(reportNodes);
    for (Iterator<PodAccount> it = pods.values().iterator(); it.hasNext(); ) {
      PodAccount a = it.next();
      boolean inReports = a.node != null && tracker.running(a.node, a.uid);
      if (!inReports) {
        // Gone from its node's report: no catch-up can charge it again after a restart, so what
        // budgets hold of it is final.
        commitPending(a);
        if (cluster.podLabels(a.namespace, a.name, a.uid) == null) {
          it.remove();
        }
      }
    }
    budgets.keySet().retainAll(budgetKeys);
    budgetPeriods.keySet().retainAll(budgetKeys);
  }

  /** The pod's checkpoint as it stands, without a budget position (tests). */
  public Checkpoint checkpoint(PodAccount a) {
    Checkpoint c = checkpoint(a, null);
    return c;
  }

  /**
   * The pod's checkpoint to send now, stamped {@code now} (null: no stamp, nothing recorded). Take
   * it right before the write is sent (one write of a pod at a time), and tell how it ended: {@link
   * #checkpointWritten} or {@link #checkpointFailed}. Until then its stamp is "in flight", and a
   * budget position taken meanwhile says so, so that a restart knows that position does not cover
   * it whether or not it landed.
   */
  public Checkpoint checkpoint(PodAccount a, Instant now) {
    double[] c = a.node == null ? null : tracker.counters(a.node, a.uid);
    if (c == null) {
      return null;
    }
    if (now != null) {
      // What budgets hold of this pod beyond its previous checkpoint, as of this one: only that
      // becomes covered when it is stored, not what is charged while the write is on its way.
      a.pendingAtCheckpoint = null;
      a.markedCheckpoint = null;
      if (a.pendingIn != null) {
        a.pendingAtCheckpoint = new HashMap<>(4);
        for (String key : a.pendingIn) {
          BudgetAccount acc = budgets.get(key);
          UsageTotals part = acc == null ? null : acc.pendingOf(a.uid);
          if (part != null) {
            a.pendingAtCheckpoint.put(key, part);
          }
        }
      }
    }
    Checkpoint checkpoint =
        new Checkpoint(
            a.node,
            tracker.epoch(a.node),
            c[0],
            c[1],
            c[2],
            a.totals.energyWh,
            a.totals.co2eGrams,
            a.totals.cost,
            a.totals.measuredWh,
            now == null ? null : stamp(now),
            a.sinceCheckpoint[0],
            a.sinceCheckpoint[1],
            a.sinceCheckpoint[2],
            a.sinceCheckpoint[3],
            a.checkpointAt);
    if (now != null) {
      a.markedCheckpoint = checkpoint;
      inFlight.add(checkpoint.at());
    }
    return checkpoint;
  }

  /** The write of {@code c} failed (or was dropped): it is not on the pod. */
  public void checkpointFailed(PodAccount a, Checkpoint c) {
    if (c == null || c.at() == null) {
      return;
    }
    inFlight.remove(c.at());
    if (a.markedCheckpoint == c) {
      a.markedCheckpoint = null;
      a.pendingAtCheckpoint = null;
    }
  }

  /**
   * The checkpoint is stored on the pod: everything the pod was charged until it was taken is now
   * durable there, so budgets no longer count it as pending.
   */
  public void checkpointWritten(PodAccount a, Checkpoint c) {
    if (c == null || c.at() == null) {
      return;
    }
    inFlight.remove(c.at());
    a.checkpointAt = c.at();
    a.sinceCheckpoint[0] -= c.behindCpuJoules();
    a.sinceCheckpoint[1] -= c.behindMemoryJoules();
    a.sinceCheckpoint[2] -= c.behindGpuJoules();
    a.sinceCheckpoint[3] -= c.behindMeasuredJoules();
    if (a.markedCheckpoint != c) {
      // Not the checkpoint last taken (a caller broke "one write of a pod at a time"): budgets
      // keep its interval as pending; a restart meanwhile may lose it, never count it twice.
      return;
    }
    Map<String, UsageTotals> marks = a.pendingAtCheckpoint;
    a.pendingAtCheckpoint = null;
    a.markedCheckpoint = null;
    if (marks == null || a.pendingIn == null) {
      return;
    }
    for (Iterator<String> it = a.pendingIn.iterator(); it.hasNext(); ) {
      String key = it.next();
      BudgetAccount acc = budgets.get(key);
      UsageTotals part = marks.get(key);
      if (acc != null && part != null) {
        acc.checkpointed(a.uid, part);
      }
      if (acc == null || !acc.hasPending(a.uid)) {
        it.remove();
      }
    }
    if (a.pendingIn.isEmpty()) {
      a.pendingIn = null;
    }
  }

  private void commitPending(PodAccount a) {
    if (a.pendingIn == null) {
      return;
    }
    for (String key : a.pendingIn) {
      BudgetAccount acc = budgets.get(key);
      if (acc != null) {
        acc.checkpointed(a.uid);
      }
    }
    a.pendingIn = null;
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
