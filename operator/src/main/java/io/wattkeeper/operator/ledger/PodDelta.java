package io.wattkeeper.operator.ledger;

import java.time.Instant;

/**
 * IT energy one pod used in one interval on one node, never negative.
 *
 * @param measuredJoules the part that came from a meter (RAPL, NVML) rather than a model
 * @param from the pod's checkpoint when this is the catch-up delta after an operator restart (the
 *     counters since that checkpoint), else null; which budgets get it, and with what of the
 *     checkpoint's own interval, depends on their restored position (see docs/ledger.md)
 */
public record PodDelta(
    String uid,
    String namespace,
    String name,
    String node,
    double cpuJoules,
    double memoryJoules,
    double gpuJoules,
    double measuredJoules,
    double watts,
    Instant start,
    Instant end,
    Checkpoint from) {

  /** The catch-up delta of a pod restored from its checkpoint. */
  public boolean catchUp() {
    return from != null;
  }

  public double joules() {
    return cpuJoules + memoryJoules + gpuJoules;
  }
}
