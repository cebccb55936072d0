package io.wattkeeper.agent.report;

import java.util.List;

/**
 * A pod's power and rates over the latest interval. NaN = unknown (e.g. no process to read the
 * network namespace from).
 */
public record PodRates(
    double cpuWatts,
    double memoryWatts,
    double gpuWatts,
    double cpuCores,
    double gpuUtilizationPercent,
    double networkReceiveBytesPerSecond,
    List<String> exclusiveGpus) {}
