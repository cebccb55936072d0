package io.wattkeeper.agent.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;

/**
 * Wall times of the agent's samples: a classic Prometheus histogram of the official library ({@link
 * Histogram}, no native buckets, no exemplars), plus the longest sample of the last one to two
 * minutes (the {@code _max} gauge Micrometer used to publish, with a similar decay).
 */
final class SampleDurations {
  static final String NAME = "wattkeeper_agent_sample_duration_seconds";
  static final String HELP = "Wall time of one sample of the node";

  /**
   * Upper bounds in seconds. A sample of 100 pods takes 1-10 ms here, so the buckets are fine in
   * that range; the long tail up to 5 s shows a stalled host filesystem.
   */
  static final double[] BOUNDS = {
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  private static final long MAX_WINDOW_NANOS = 60_000_000_000L;

  private final Histogram histogram;
  private boolean started;
  private long windowStart;
  private double maxThisWindow;
  private double maxLastWindow;

  SampleDurations(PrometheusRegistry registry) {
    histogram =
        Histogram.builder()
            .name(NAME)
            .help(HELP)
            .classicOnly()
            .classicUpperBounds(BOUNDS)
            .withoutExemplars()
            .build();
    registry.register(histogram);
  }

  synchronized void record(long durationNanos, long nowNanos) {
    double seconds = durationNanos / 1e9;
    histogram.observe(seconds);
    rotate(nowNanos);
    maxThisWindow = Math.max(maxThisWindow, seconds);
  }

  /** The {@code <name>_max} gauge at {@code nowNanos}. */
  synchronized GaugeSnapshot max(long nowNanos) {
    rotate(nowNanos);
    return GaugeSnapshot.builder()
        .name(NAME + "_max")
        .help(HELP + ", longest of the last 1-2 minutes")
        .dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .value(Math.max(maxThisWindow, maxLastWindow))
                .build())
        .build();
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
