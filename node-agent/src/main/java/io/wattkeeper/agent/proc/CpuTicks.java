package io.wattkeeper.agent.proc;

/**
 * Node CPU time from the first line of /proc/stat, in USER_HZ ticks (100 per second on Linux).
 *
 * @param busy user + nice + system + irq + softirq + steal
 * @param total busy + idle + iowait
 */
public record CpuTicks(long busy, long total) {
  public static final double TICKS_PER_SECOND = 100.0;

  /** Busy fraction between two readings, 0 when no time passed. */
  public double utilizationSince(CpuTicks earlier) {
    long dt = total - earlier.total;
    if (dt <= 0) {
      return 0;
    }
    return Math.max(0, Math.min(1, (double) (busy - earlier.busy) / dt));
  }

  /** Busy CPU seconds between two readings. */
  public double busySecondsSince(CpuTicks earlier) {
    return Math.max(0, busy - earlier.busy) / TICKS_PER_SECOND;
  }
}
