package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.carbon.GridIntensity;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.HistoryEntry;
import io.wattkeeper.operator.budget.Period;
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
    firstSampleAt = null;
    restored = new UsageTotals();
    restoredAt = null;
  }

  public void charge(PodDelta d, Charge c, GridIntensity intensity) {
    if (period.rolling()) {
      bucketFor(d.end()).totals.add(c);
    } else {
      used.add(c);
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
