package io.wattkeeper.agent.gpu;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive {@link GpuSample}s into each GPU's energy per interval. Preferred: the delta of
 * the device's energy counter. Fallback, when the counter is unsupported (pre-Volta), unknown in
 * either sample, or went backwards (driver reload): the trapezoid of the two power readings times
 * the elapsed time. Both are measurements by NVML; the method says which one was used. A counter
 * delta averaging above {@link NvmlGpuMeter#MAX_PLAUSIBLE_WATTS} is not believed either.
 *
 * <p>Not thread-safe: one sampling loop owns it.
 */
public final class GpuEnergyIntegrator {

  /** How an interval's energy was obtained. */
  public enum Method {
    /** Delta of nvmlDeviceGetTotalEnergyConsumption. */
    ENERGY_COUNTER("nvml-energy-counter"),
    /** nvmlDeviceGetPowerUsage readings times elapsed time. */
    POWER_TIMES_TIME("nvml-power"),
    /** Neither was available: joules is NaN. */
    UNKNOWN("unknown");

    private final String label;

    Method(String label) {
      this.label = label;
    }

    /** A short name for reports and metrics labels. */
    public String label() {
      return label;
    }
  }

  /** One GPU's energy over one interval. */
  public record Interval(String uuid, double joules, Duration duration, Method method) {}

  private record Previous(Instant at, double counterJoules, double watts) {}

  private final Clock clock;
  private final Map<String, Previous> previous = new HashMap<>();

  public GpuEnergyIntegrator(Clock clock) {
    this.clock = clock;
  }

  /**
   * The energy of each GPU since its previous sample, keyed by UUID, in the samples' order. A GPU
   * seen for the first time has no interval yet; a GPU no longer present is forgotten.
   */
  public Map<String, Interval> advance(List<GpuSample> samples) {
    Instant now = clock.instant();
    Map<String, Interval> out = new LinkedHashMap<>();
    Map<String, Previous> next = new HashMap<>();
    for (GpuSample sample : samples) {
      Previous before = previous.get(sample.uuid());
      next.put(sample.uuid(), new Previous(now, sample.energyCounterJoules(), sample.watts()));
      if (before == null || !now.isAfter(before.at())) {
        continue;
      }
      Duration elapsed = Duration.between(before.at(), now);
      out.put(sample.uuid(), interval(sample, before, elapsed));
    }
    previous.clear();
    previous.putAll(next);
    return out;
  }

  private static Interval interval(GpuSample sample, Previous before, Duration elapsed) {
    return between(sample, before.counterJoules(), before.watts(), elapsed.toNanos() / 1e9);
  }

  /**
   * One GPU's energy from the previous sample (its counter and power, NaN where unknown) to this
   * one, {@code seconds} later: the counter delta when both counters are known, it did not go
   * backwards and it averages at most {@link NvmlGpuMeter#MAX_PLAUSIBLE_WATTS}; else the mean of
   * the known power readings times the time; else unknown (NaN), never 0.
   */
  public static Interval between(
      GpuSample sample, double counterBefore, double wattsBefore, double seconds) {
    Duration elapsed = Duration.ofNanos(Math.round(seconds * 1e9));
    double counter = sample.energyCounterJoules();
    if (Double.isFinite(counterBefore)
        && Double.isFinite(counter)
        && counter >= counterBefore
        && counter - counterBefore <= NvmlGpuMeter.MAX_PLAUSIBLE_WATTS * seconds) {
      return new Interval(sample.uuid(), counter - counterBefore, elapsed, Method.ENERGY_COUNTER);
    }
    // No counter, a reset (driver reload) or an absurd jump: the power readings, if any.
    double watts = averageOfKnown(wattsBefore, sample.watts());
    if (Double.isFinite(watts)) {
      return new Interval(sample.uuid(), watts * seconds, elapsed, Method.POWER_TIMES_TIME);
    }
    return new Interval(sample.uuid(), Double.NaN, elapsed, Method.UNKNOWN);
  }

  private static double averageOfKnown(double a, double b) {
    if (Double.isFinite(a) && Double.isFinite(b)) {
      return (a + b) / 2;
    }
    return Double.isFinite(b) ? b : a;
  }
}
