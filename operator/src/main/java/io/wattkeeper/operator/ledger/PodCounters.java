package io.wattkeeper.operator.ledger;

/**
 * One pod's cumulative counters in one report (joules since the pod started on the node, within the
 * agent's counter epoch).
 */
public record PodCounters(
    String uid,
    String namespace,
    String name,
    double cpuJoules,
    double memoryJoules,
    double gpuJoules,
    double watts,
    boolean estimated,
    boolean ended) {}
