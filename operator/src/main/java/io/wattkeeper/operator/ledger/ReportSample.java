package io.wattkeeper.operator.ledger;

import java.time.Instant;
import java.util.List;

/**
 * A NodeEnergyReport reduced to what the ledger needs, checked once: a report the ledger cannot
 * trust (no timestamp, no counters) is refused with a log line, never half-used.
 *
 * @param sequence {@code null} when the agent sends none; duplicates are then found by timestamp
 * @param cpuMeasured RAPL rather than a model
 * @param gpuMeasured NVML energy counters rather than none/estimates
 * @param unusable uids of pod entries present but skipped (NaN or negative counters)
 * @param partial the agent writes under a byte budget and may leave pods out ({@code omitSeconds}):
 *     a pod first seen in a later report than the node's first may be an old one
 */
public record ReportSample(
    String node,
    String epoch,
    Long sequence,
    Instant timestamp,
    int intervalSeconds,
    boolean cpuMeasured,
    boolean memoryMeasured,
    boolean gpuMeasured,
    List<PodCounters> pods,
    List<String> unusable,
    boolean partial) {

  /** A report whose every entry was usable, listing every pod of its node. */
  public ReportSample(
      String node,
      String epoch,
      Long sequence,
      Instant timestamp,
      int intervalSeconds,
      boolean cpuMeasured,
      boolean memoryMeasured,
      boolean gpuMeasured,
      List<PodCounters> pods) {
    this(
        node,
        epoch,
        sequence,
        timestamp,
        intervalSeconds,
        cpuMeasured,
        memoryMeasured,
        gpuMeasured,
        pods,
        List.of(),
        false);
  }
}
