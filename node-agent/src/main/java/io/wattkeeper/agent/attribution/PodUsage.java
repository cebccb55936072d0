package io.wattkeeper.agent.attribution;

/**
 * What one pod used during an interval.
 *
 * @param cpuSeconds CPU time used in the interval (from its cgroup)
 * @param cpuRequestCores sum of its containers' CPU requests, 0 when none
 * @param memoryBytes memory charged to its cgroup
 */
public record PodUsage(String uid, double cpuSeconds, double cpuRequestCores, long memoryBytes) {}
