package io.wattkeeper.agent.measure;

/**
 * The linear estimation model for a machine without RAPL: CPU watts = idle + utilisation x (max -
 * idle) for the whole machine, memory watts = GB x wattsPerGb.
 *
 * @param name tdp-linear, ccf-vcpu or configured
 * @param source where the coefficients come from, in words (shown in status.model and measure)
 */
public record PowerModel(
    String name, double cpuIdleWatts, double cpuMaxWatts, double memoryWattsPerGb, String source) {

  public PowerModel {
    if (!(cpuIdleWatts >= 0) || !(cpuMaxWatts >= cpuIdleWatts) || !(memoryWattsPerGb >= 0)) {
      throw new IllegalArgumentException(
          "power model needs 0 <= cpuIdleWatts <= cpuMaxWatts and memoryWattsPerGb >= 0, got "
              + cpuIdleWatts
              + ", "
              + cpuMaxWatts
              + ", "
              + memoryWattsPerGb);
    }
  }

  public double cpuWatts(double utilization) {
    double u = Math.max(0, Math.min(1, utilization));
    return cpuIdleWatts + u * (cpuMaxWatts - cpuIdleWatts);
  }

  public double memoryWatts(long memoryBytes) {
    return memoryWattsPerGb * memoryBytes / 1e9;
  }
}
