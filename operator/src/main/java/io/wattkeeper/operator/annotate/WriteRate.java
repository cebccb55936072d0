package io.wattkeeper.operator.annotate;

import java.util.function.LongSupplier;

/**
 * A token bucket over a monotonic nanosecond clock: at most {@code perSecond} permits a second on
 * average, with a burst of one second's worth. Shared by every writer thread, so the bound holds
 * for the whole process whatever the concurrency.
 */
public final class WriteRate {

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanos;
  private double tokens;
  private long last;

  public WriteRate(double perSecond, LongSupplier nanos) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("writes per second must be > 0, was " + perSecond);
    }
    this.perSecond = perSecond;
    this.burst = Math.max(1, perSecond);
    this.nanos = nanos;
    this.last = nanos.getAsLong();
    this.tokens = 1; // a first write at once, not a full burst right after start
  }

  /** Takes a permit if one is there; otherwise the nanoseconds until one will be. */
  public synchronized long tryAcquire() {
    long now = nanos.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perSecond / 1e9);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) * 1e9 / perSecond);
  }

  /** Blocks until a permit is taken. */
  public void acquire() throws InterruptedException {
    long wait;
    while ((wait = tryAcquire()) > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
