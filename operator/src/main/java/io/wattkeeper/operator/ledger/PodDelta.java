package io.wattkeeper.operator.ledger;

import java.time.Instant;

/**
 * IT energy one pod used in one interval on one node, never negative.
 *
 * @param measuredJoules the part that came from a meter (RAPL, NVML) rather than a model
 * @param podOnly a catch-up delta after an operator restart: it completes the pod's own totals but
 *     budgets do not get it (their totals were restored from status; see docs/ledger.md)
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
    boolean podOnly) {

  public double joules() {
    return cpuJoules + memoryJoules + gpuJoules;
  }
}
