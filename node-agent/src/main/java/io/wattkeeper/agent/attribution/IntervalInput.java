package io.wattkeeper.agent.attribution;

import java.util.List;

/**
 * Everything attribution needs for one interval.
 *
 * @param nodeBusyCpuSeconds busy CPU time of the whole node in the interval (/proc/stat)
 * @param nodeCpus logical CPUs, the denominator of ProportionalToRequests
 */
public record IntervalInput(
    double cpuJoules,
    double cpuIdleJoules,
    double memoryJoules,
    double nodeBusyCpuSeconds,
    int nodeCpus,
    long nodeMemoryBytes,
    List<PodUsage> pods,
    List<GpuInterval> gpus) {}
