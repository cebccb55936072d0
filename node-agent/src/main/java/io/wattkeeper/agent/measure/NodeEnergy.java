package io.wattkeeper.agent.measure;

/**
 * The node's CPU and memory energy over one interval.
 *
 * @param cpuIdleJoules the part of cpuJoules the node would use doing nothing
 * @param cpuSource rapl or model
 * @param memorySource rapl or model
 */
public record NodeEnergy(
    double seconds,
    double cpuJoules,
    double cpuIdleJoules,
    double memoryJoules,
    String cpuSource,
    String memorySource) {}
