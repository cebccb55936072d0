package io.wattkeeper.agent.attribution;

/**
 * Energy charged to one pod, or to the system remainder, in one interval.
 *
 * @param gpuUtilizationPercent SM utilisation attributed to the pod, summed over its GPUs; NaN when
 *     unknown (never 0, which would read as idle)
 */
public record Shares(
    double cpuJoules, double memoryJoules, double gpuJoules, double gpuUtilizationPercent) {
  public static final Shares ZERO = new Shares(0, 0, 0, 0);
}
