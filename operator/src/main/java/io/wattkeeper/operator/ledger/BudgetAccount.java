package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.carbon.GridIntensity;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.HistoryEntry;
import io.wattkeeper.operator.period.Period;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One budget's usage in its current period. Calendar periods keep one running total and move it to
 * {@link #history()} at rollover; Rolling windows keep time buckets (at most 120 per window) in
 * memory, never in status (object size), and sum those inside the window.
 */
public final class BudgetAccount {

  private static final class Bucket {
    final Instant start;
    final UsageTotals totals = new UsageTotals();

    Bucket(Instant start) {
      this.start = start;
    }
  }

  public final String namespace;
  public final String name;

  /** The PUE this budget applies (its own or the operator's), for the export. */
  public double pue = 1.0;

  private Period period;
  private final UsageTotals used = new UsageTotals();
  // Calendar usage restored from status after a restart: no per-pod split is stored for it.
  private UsageTotals restored = new UsageTotals();
  private Instant restoredAt;
  private final Deque<Bucket> buckets = new ArrayDeque<>();
  private final Map<String, PodUsage> pods = new HashMap<>();
  private final Set<String> zones = new LinkedHashSet<>();
  private final List<HistoryEntry> history = new ArrayList<>();
  private Instant firstSampleAt;
  private Instant lastSampleAt;
  private GridIntensity lastIntensity;

  private final Instant createdAt;

  // Calendar periods: what each pod was charged since its last durable checkpoint. After a restart
  // the pods' counters since their checkpoints are charged again, so the status records used minus
  // these ("checkpointed"). Kept across a rollover: the catch-up after a restart covers the old
  // period's tail too, which then cancels against it.
  private final Map<String, UsageTotals> pending = new HashMap<>();
  private final UsageTotals pendingSum = new UsageTotals();

  // How this account was restored from its status after an operator restart.
  private Restored restoredFrom = Restored.NOTHING;
  private Instant restoredPosition;
  private Set<Instant> restoredInFlight = Set.of();

  /** What an operator restart found in the budget's status. */
  public enum Restored {
    /** No usable status: a budget the ledger starts now. */
    NOTHING,
    /** {@code used} without a position (older operator, or a Rolling window): catch-ups skip it. */
    USED_ONLY,
    /** The checkpointed part of {@code used} at a position: catch-ups complete it exactly. */
    POSITION
  }

  public BudgetAccount(String namespace, String name, Period period) {
    this.namespace = namespace;
    this.name = name;
    this.period = period;
    this.createdAt = period.rolling() ? period.end() : null;
  }

  public BudgetAccount(String namespace, String name, Period period, Instant createdAt) {
    this.namespace = namespace;
    this.name = name;
    this.period = period;
    this.createdAt = createdAt;
  }

  /** When this process started accounting the budget (null if unknown). */
  public Instant createdAt() {
    return createdAt;
  }

  public String key() {
    return namespace + "/" + name;
  }

  /**
   * Energy per request and per 1k generated tokens of the budget's pods in the current period
   * (Calendar) or the current stretch of one window length (Rolling); not restored after an
   * operator restart.
   */
  public final UnitTotals units = new UnitTotals();

  private Instant unitsSince;

  /** Adds a pod's completed unit windows; {@code at}: the report time. */
  public void addUnits(String uid, UnitWindow.Step requests, UnitWindow.Step tokens, Instant at) {
    PodUsage pod = pods.get(uid);
    if (pod != null) {
      if (requests != null) {
        pod.requests = (pod.requests == null ? 0 : pod.requests) + requests.units();
      }
      if (tokens != null) {
        pod.generatedTokens =
            (pod.generatedTokens == null ? 0 : pod.generatedTokens) + tokens.units();
      }
    }
    if (period.rolling()) {
      java.time.Duration window = java.time.Duration.between(period.start(), period.end());
      if (unitsSince == null || unitsSince.plus(window).isBefore(at)) {
        units.clear();
        unitsSince = at;
      }
    }
    if (requests != null) {
      units.addRequests(requests);
    }
    if (tokens != null) {
      units.addTokens(tokens);
    }
  }

  public Period period() {
    return period;
  }

  /**
   * Moves to the period containing {@code now}. A new calendar period closes the old one into
   * history (newest first, at most {@code keep}) and starts again from zero.
   */
  public void rollTo(Period next, int keep, Function<UsageTotals, HistoryEntry> close) {
    if (next.rolling()) {
      period = next;
      Instant cutoff = next.start();
      while (!buckets.isEmpty() && bucketEnd(buckets.peekFirst()).compareTo(cutoff) <= 0) {
        buckets.removeFirst();
      }
      pods.values().removeIf(p -> p.last != null && p.last.isBefore(cutoff));
      return;
    }
    if (next.start().equals(period.start())) {
      return;
    }
    if (next.start().isBefore(period.start())) {
      return; // the clock went back (or a late report): keep the newer period
    }
    HistoryEntry h = close.apply(used.copy());
    h.setStart(period.startZoned().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    h.setEnd(period.endZoned().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    history.add(0, h);
    while (history.size() > keep) {
      history.remove(history.size() - 1);
    }
    period = next;
    reset();
  }

  private void reset() {
    used.cpuWh = 0;
    used.memoryWh = 0;
    used.gpuWh = 0;
    used.energyWh = 0;
    used.co2eGrams = 0;
    used.cost = Double.NaN;
    used.measuredWh = 0;
    pods.clear();
    zones.clear();
    units.clear();
    firstSampleAt = null;
    restored = new UsageTotals();
    restoredAt = null;
  }

  public void charge(PodDelta d, Charge c, GridIntensity intensity) {
    charge(d, c, intensity, false);
  }

  /**
   * @param checkpointed the pod's checkpoint already accounts for this charge (the part of a
   *     catch-up that its checkpoint's own interval covers), so it is never charged again
   */
  public void charge(PodDelta d, Charge c, GridIntensity intensity, boolean checkpointed) {
    if (period.rolling()) {
      bucketFor(d.end()).totals.add(c);
    } else {
      used.add(c);
      if (!checkpointed) {
        pending.computeIfAbsent(d.uid(), k -> new UsageTotals()).add(c);
        pendingSum.add(c);
      }
    }
    PodUsage u = pods.computeIfAbsent(d.uid(), k -> new PodUsage(d.uid(), d.namespace(), d.name()));
    u.node = d.node();
    u.zone = intensity.zone();
    u.totals.add(c);
    if (u.first == null) {
      u.first = d.start();
    }
    u.last = d.end();
    if (c.energyWh() > 0) {
      zones.add(intensity.zone());
      lastIntensity = intensity;
    } else if (lastIntensity == null) {
      lastIntensity = intensity;
    }
    seen(d.start());
    lastSampleAt = max(lastSampleAt, d.end());
  }

  /** A matched pod appeared in a report (even with no new energy): the data is current. */
  public void seen(Instant at) {
    if (firstSampleAt == null || at.isBefore(firstSampleAt)) {
      firstSampleAt = at;
    }
  }

  private Bucket bucketFor(Instant t) {
    Duration width = bucketWidth();
    long w = width.toMillis();
    Instant start = Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), w) * w);
    Bucket last = buckets.peekLast();
    if (last != null && last.start.equals(start)) {
      return last;
    }
    if (last != null && start.isBefore(last.start)) {
      // A late report: find its bucket, or charge the oldest one still in the window.
      for (Iterator<Bucket> it = buckets.descendingIterator(); it.hasNext(); ) {
        Bucket b = it.next();
        if (!b.start.isAfter(start)) {
          return b;
        }
      }
      return buckets.peekFirst();
    }
    Bucket b = new Bucket(start);
    buckets.addLast(b);
    return b;
  }

  private Duration bucketWidth() {
    Duration w = period.length().dividedBy(120);
    return w.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : w;
  }

  private Instant bucketEnd(Bucket b) {
    return b.start.plus(bucketWidth());
  }

  /** Usage in the current period (for Rolling: in the window, to bucket precision). */
  public UsageTotals used() {
    if (!period.rolling()) {
      return used.copy();
    }
    UsageTotals t = new UsageTotals();
    for (Bucket b : buckets) {
      if (bucketEnd(b).isAfter(period.start())) {
        t.add(b.totals);
      }
    }
    return t;
  }

  /** Restores totals from the budget's status after an operator restart (Calendar periods). */
  public void restore(UsageTotals t, Instant at, List<HistoryEntry> stored) {
    if (period.rolling()) {
      bucketFor(at).totals.add(t);
    } else {
      used.add(t);
      restored.add(t);
      restoredAt = at;
    }
    if (t.energyWh > 0) {
      seen(period.rolling() ? at : period.start());
    }
    history.clear();
    if (stored != null) {
      history.addAll(stored);
    }
  }

  /**
   * Restores a Rolling window's total from the status written for the window {@code [from, to)}
   * after an operator restart. Its distribution in time is not stored, so the total is spread
   * evenly over that window (an estimate): the part already outside the current window is dropped
   * and the rest ages out bucket by bucket, instead of staying a full window from the restart.
   */
  public void restoreWindow(UsageTotals t, Instant from, Instant to, List<HistoryEntry> stored) {
    double length = Duration.between(from, to).toMillis();
    Instant start = from.isBefore(period.start()) ? period.start() : from;
    Instant end = to.isAfter(period.end()) ? period.end() : to;
    long w = bucketWidth().toMillis();
    for (Instant at = start; at.isBefore(end); ) {
      Instant next = Instant.ofEpochMilli((Math.floorDiv(at.toEpochMilli(), w) + 1) * w);
      if (next.isAfter(end)) {
        next = end;
      }
      bucketFor(at).totals.add(t.scaled(Duration.between(at, next).toMillis() / length));
      at = next;
    }
    if (t.energyWh > 0 && start.isBefore(end)) {
      seen(start);
    }
    history.clear();
    if (stored != null) {
      history.addAll(stored);
    }
  }

  /** Everything the pod was charged so far is final here (it left its node's report). */
  public void checkpointed(String uid) {
    UsageTotals t = pending.remove(uid);
    if (t != null) {
      pendingSum.subtract(t);
    }
  }

  /**
   * A checkpoint of the pod taken when its pending charges here were {@code part} is durable now:
   * that part is covered by it, later charges are not.
   */
  public void checkpointed(String uid, UsageTotals part) {
    UsageTotals t = pending.get(uid);
    if (t == null) {
      return;
    }
    t.subtract(part);
    pendingSum.subtract(part);
    if (Math.abs(t.energyWh) < 1e-9 && Math.abs(t.co2eGrams) < 1e-9) {
      pending.remove(uid); // nothing charged since the checkpoint was taken (rounding residue)
      pendingSum.subtract(t);
    }
  }

  /** A copy of the pod's charges here not covered by a durable checkpoint; null when none. */
  public UsageTotals pendingOf(String uid) {
    UsageTotals t = pending.get(uid);
    return t == null ? null : t.copy();
  }

  /** Whether the pod has charges not covered by its durable checkpoint here. */
  public boolean hasPending(String uid) {
    return pending.containsKey(uid);
  }

  /**
   * The part of {@link #used()} the pods' durable checkpoints account for (Calendar periods; null
   * for Rolling windows, restored as an estimate instead). Negative right after a rollover while
   * pods' checkpoints predate it: their catch-up after a restart also covers the old period's tail.
   */
  public UsageTotals checkpointedUsage() {
    if (period.rolling()) {
      return null;
    }
    UsageTotals t = used.copy();
    t.subtract(pendingSum);
    return t;
  }

  /** The pending charges of an account this one replaces (the period definition was edited). */
  void takePending(BudgetAccount old) {
    if (period.rolling() || old.period.rolling()) {
      return;
    }
    old.pending.forEach((uid, t) -> pending.computeIfAbsent(uid, k -> new UsageTotals()).add(t));
    pendingSum.add(old.pendingSum);
  }

  /** Restores a Calendar period from a status that recorded its position. */
  public void restorePosition(
      UsageTotals checkpointed,
      Instant position,
      Set<Instant> inFlight,
      Instant at,
      List<HistoryEntry> stored) {
    restore(checkpointed, at, stored);
    restoredFrom = Restored.POSITION;
    restoredPosition = position;
    restoredInFlight = inFlight;
  }

  /**
   * Whether the restored position accounts for the pod checkpoint stamped {@code at}: it had landed
   * when the position was taken (taken before it, and not on its way then).
   */
  public boolean covers(Instant at) {
    return restoredPosition != null
        && !at.isAfter(restoredPosition)
        && !restoredInFlight.contains(at);
  }

  void restoredUsedOnly() {
    restoredFrom = Restored.USED_ONLY;
  }

  public Restored restoredFrom() {
    return restoredFrom;
  }

  /** The stamp of the status this account was restored from ({@link Restored#POSITION}). */
  public Instant restoredPosition() {
    return restoredPosition;
  }

  /** Calendar usage of this period restored from status (not split per pod). */
  public UsageTotals restored() {
    return restored.copy();
  }

  /** When {@link #restored()} was restored; null when nothing was. */
  public Instant restoredAt() {
    return restoredAt;
  }

  public List<HistoryEntry> history() {
    return List.copyOf(history);
  }

  public Map<String, PodUsage> pods() {
    return pods;
  }

  public Set<String> zones() {
    return zones;
  }

  public GridIntensity lastIntensity() {
    return lastIntensity;
  }

  public Instant firstSampleAt() {
    return firstSampleAt;
  }

  public Instant lastSampleAt() {
    return lastSampleAt;
  }

  private static Instant max(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
