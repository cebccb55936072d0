package io.wattkeeper.agent.metrics;

import io.wattkeeper.agent.metrics.PrometheusText.Type;

/**
 * Wall times of the agent's samples as a Prometheus histogram, plus the longest sample of the last
 * one to two minutes (the {@code _max} gauge Micrometer used to publish, with a similar decay).
 */
final class SampleDurations {
  /**
   * Upper bounds in seconds. A sample of 100 pods takes 1-10 ms here, so the buckets are fine in
   * that range; the long tail up to 5 s shows a stalled host filesystem.
   */
  static final double[] BOUNDS = {
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private static final long MAX_WINDOW_NANOS = 60_000_000_000L;

  // Per bucket, not cumulative; the last slot counts samples above the top bound.
  private final long[] counts = new long[BOUNDS.length + 1];
  private long count;
  private double sumSeconds;
  private boolean started;
  private long windowStart;
  private double maxThisWindow;
  private double maxLastWindow;

  synchronized void record(long durationNanos, long nowNanos) {
    double seconds = durationNanos / 1e9;
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    counts[i]++;
    count++;
    sumSeconds += seconds;
    rotate(nowNanos);
    maxThisWindow = Math.max(maxThisWindow, seconds);
  }

  /** Writes the {@code <name>_max} gauge and the {@code <name>} histogram families. */
  synchronized void writeTo(PrometheusText text, String name, String help, long nowNanos) {
    rotate(nowNanos);
    text.family(name + "_max", Type.GAUGE, help)
        .sample(name + "_max", Math.max(maxThisWindow, maxLastWindow));
    text.family(name, Type.HISTOGRAM, help);
    long cumulative = 0;
    for (int i = 0; i < BOUNDS.length; i++) {
      cumulative += counts[i];
      text.sample(name + "_bucket", cumulative, "le", PrometheusText.number(BOUNDS[i]));
    }
    text.sample(name + "_bucket", count, "le", "+Inf");
    text.sample(name + "_sum", sumSeconds);
    text.sample(name + "_count", count);
  }

  // Two one-minute windows: the max covers the last 60-120 s, never a stale spike from hours ago.
  private void rotate(long now) {
    if (!started) {
      started = true;
      windowStart = now;
      return;
    }
    long elapsed = now - windowStart;
    if (elapsed >= 2 * MAX_WINDOW_NANOS) {
      maxLastWindow = 0;
      maxThisWindow = 0;
      windowStart = now;
    } else if (elapsed >= MAX_WINDOW_NANOS) {
      maxLastWindow = maxThisWindow;
      maxThisWindow = 0;
      windowStart += MAX_WINDOW_NANOS;
    }
  }
}
