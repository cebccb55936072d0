package io.wattkeeper.activator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The activator's Prometheus metrics, rendered in the text exposition format. */
public final class ActivatorMetrics {

  /** Cold-start buckets in seconds: model loads take from seconds to many minutes. */
  static final double[] BUCKETS = {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200};

  private final Map<String, AtomicLong> held = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> wakes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> proxied = new ConcurrentHashMap<>();
  private final Map<String, Histogram> coldStarts = new ConcurrentHashMap<>();

  private static final class Histogram {
    final long[] counts = new long[BUCKETS.length];
    long count;
    double sum;

    synchronized void observe(double v) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (v <= BUCKETS[i]) {
          counts[i]++;
        }
      }
      count++;
      sum += v;
    }
  }

  public void held(WorkloadRef w, int delta) {
    held.computeIfAbsent(labels(w), k -> new AtomicLong()).addAndGet(delta);
  }

  public long held(WorkloadRef w) {
    AtomicLong a = held.get(labels(w));
    return a == null ? 0 : a.get();
  }

  public void wake(WorkloadRef w) {
    wakes.computeIfAbsent(labels(w), k -> new LongAdder()).increment();
  }

  public long wakes(WorkloadRef w) {
    LongAdder a = wakes.get(labels(w));
    return a == null ? 0 : a.sum();
  }

  public void rejected(WorkloadRef w, String reason) {
    rejected
        .computeIfAbsent(labels(w) + ",reason=\"" + reason + "\"", k -> new LongAdder())
        .increment();
  }

  public long rejectedCount(WorkloadRef w, String reason) {
    LongAdder a = rejected.get(labels(w) + ",reason=\"" + reason + "\"");
    return a == null ? 0 : a.sum();
  }

  public void proxied(WorkloadRef w) {
    proxied.computeIfAbsent(labels(w), k -> new LongAdder()).increment();
  }

  public void coldStart(WorkloadRef w, double seconds) {
    coldStarts.computeIfAbsent(labels(w), k -> new Histogram()).observe(seconds);
  }

  public String render() {
    StringBuilder b = new StringBuilder();
    gauge(
        b,
        "wattkeeper_activator_held_connections",
        "Connections held while their workload wakes.",
        "gauge",
        new TreeMap<>(held));
    counter(b, "wattkeeper_activator_wakes_total", "Wake requests written by this replica.", wakes);
    counter(
        b,
        "wattkeeper_activator_rejected_connections_total",
        "Connections answered 503 or closed (reason: pending_limit, timeout, budget_exceeded,"
            + " workload_gone).",
        rejected);
    counter(
        b,
        "wattkeeper_activator_proxied_connections_total",
        "Connections proxied to a Ready endpoint.",
        proxied);
    b.append(
            "# HELP wattkeeper_activator_cold_start_seconds First held connection to first Ready endpoint.\n")
        .append("# TYPE wattkeeper_activator_cold_start_seconds histogram\n");
    new TreeMap<>(coldStarts)
        .forEach(
            (l, h) -> {
              synchronized (h) {
                for (int i = 0; i < BUCKETS.length; i++) {
                  b.append("wattkeeper_activator_cold_start_seconds_bucket{")
                      .append(l)
                      .append(",le=\"")
                      .append(BUCKETS[i])
                      .append("\"} ")
                      .append(h.counts[i])
                      .append('\n');
                }
                b.append("wattkeeper_activator_cold_start_seconds_bucket{")
                    .append(l)
                    .append(",le=\"+Inf\"} ")
                    .append(h.count)
                    .append('\n');
                b.append("wattkeeper_activator_cold_start_seconds_sum{")
                    .append(l)
                    .append("} ")
                    .append(h.sum)
                    .append('\n');
                b.append("wattkeeper_activator_cold_start_seconds_count{")
                    .append(l)
                    .append("} ")
                    .append(h.count)
                    .append('\n');
              }
            });
    return b.toString();
  }

  private static void counter(StringBuilder b, String name, String help, Map<String, LongAdder> m) {
    Map<String, Object> values = new TreeMap<>();
    m.forEach((k, v) -> values.put(k, v.sum()));
    gauge(b, name, help, "counter", values);
  }

  private static void gauge(
      StringBuilder b, String name, String help, String type, Map<String, ?> values) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    values.forEach(
        (l, v) -> b.append(name).append('{').append(l).append("} ").append(v).append('\n'));
  }

  private static String labels(WorkloadRef w) {
    return "namespace=\""
        + w.namespace()
        + "\",workload=\""
        + w.kind().toLowerCase(java.util.Locale.ROOT)
        + "/"
        + w.name()
        + "\"";
  }
}
