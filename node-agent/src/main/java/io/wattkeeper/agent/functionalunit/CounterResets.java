package io.wattkeeper.agent.functionalunit;

/**
 * Turns a server's raw counter into our own cumulative count, which never decreases: the rule of
 * the research note (next-raise.md section 1): keep the previous raw value; if the new one is
 * lower, the counter was reset (the server restarted) and everything it shows was counted since the
 * reset, so the new value is the increase.
 */
public final class CounterResets {
  private CounterResets() {}

  /**
   * The new cumulative count.
   *
   * @param cumulative our count so far; null when the server was never read
   * @param lastRaw the raw value at the last reading; null when never read
   * @param raw the raw value now (finite, not negative)
   */
  public static double advance(Double cumulative, Double lastRaw, double raw) {
    return advance(cumulative, lastRaw, raw, false);
  }

  /**
   * As {@link #advance(Double, Double, double)}; {@code restarted}: the server's start time
   * (process_start_time_seconds) changed, a reset even when the new value is not lower.
   */
  public static double advance(Double cumulative, Double lastRaw, double raw, boolean restarted) {
    if (!(raw >= 0) || Double.isInfinite(raw)) {
      throw new IllegalArgumentException("a counter must be finite and not negative: " + raw);
    }
    if (cumulative == null || lastRaw == null) {
      // First reading: the server's count so far is the pod's count so far.
      return raw;
    }
    double increase = raw >= lastRaw && !restarted ? raw - lastRaw : raw;
    return cumulative + increase;
  }

  /** Whether going from {@code lastRaw} to {@code raw} is a reset. */
  public static boolean isReset(Double lastRaw, double raw) {
    return lastRaw != null && raw < lastRaw;
  }
}
