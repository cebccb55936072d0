package io.wattkeeper.operator.idle;

import java.time.Duration;
import java.time.Instant;

/**
 * One pod's activity as one NodeEnergyReport saw it. A {@code null} rate is unknown, and unknown is
 * never quiet.
 *
 * @param at the report's timestamp (end of the measured interval)
 * @param interval the report's interval
 * @param cpuCores CPU cores in use, or {@code null}
 * @param gpuUtilizationPercent GPU utilisation, or {@code null}
 * @param networkReceiveBytesPerSecond receive rate, or {@code null}
 * @param watts CPU + memory + GPU power of the pod, or {@code null}
 * @param omit how long the agent may leave the pod out of its reports while its activity stays as
 *     it was (a byte budget), or {@code null}: the sample is stale after a few intervals
 * @param requests requests its inference server finished, cumulative, or {@code null}
 * @param requestsPerSecond rate since the pod's previous sample, or {@code null} when unknown
 */
public record PodSample(
    Instant at,
    Duration interval,
    Double cpuCores,
    Double gpuUtilizationPercent,
    Double networkReceiveBytesPerSecond,
    Double watts,
    Duration omit,
    Double requests,
    Double requestsPerSecond) {

  /** The same sample with its request rate. */
  PodSample withRequestsPerSecond(Double rate) {
    return new PodSample(
        at,
        interval,
        cpuCores,
        gpuUtilizationPercent,
        networkReceiveBytesPerSecond,
        watts,
        omit,
        requests,
        rate);
  }

  public PodSample(
      Instant at,
      Duration interval,
      Double cpuCores,
      Double gpuUtilizationPercent,
      Double networkReceiveBytesPerSecond,
      Double watts) {
    this(
        at,
        interval,
        cpuCores,
        gpuUtilizationPercent,
        networkReceiveBytesPerSecond,
        watts,
        null,
        null,
        null);
  }

  /**
   * True when every signal is known and below its threshold; with the request-rate signal on and
   * the rate known, the rate alone decides (a background thread may keep a core busy).
   */
  public boolean quiet(IdleThresholds t) {
    if (t.requestsPerSecondBelow() != null && requestsPerSecond != null) {
      return requestsPerSecond < t.requestsPerSecondBelow();
    }
    return cpuCores != null
        && gpuUtilizationPercent != null
        && networkReceiveBytesPerSecond != null
        && cpuCores < t.cpuCoresBelow()
        && gpuUtilizationPercent < t.gpuUtilizationBelowPercent()
        && networkReceiveBytesPerSecond < t.networkReceiveBytesPerSecondBelow();
  }
}
