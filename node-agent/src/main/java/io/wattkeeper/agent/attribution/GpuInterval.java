package io.wattkeeper.agent.attribution;

import java.util.Map;

/**
 * One GPU over an interval.
 *
 * @param joules the GPU's energy in the interval
 * @param utilizationPercent device utilisation, NaN when unknown
 * @param exclusiveHolderUid the pod holding it exclusively (PodResources), or null when shared
 * @param podSmUtilizationPercent SM utilisation per pod UID from its processes; NaN values mean the
 *     driver gave no per-process utilisation
 */
public record GpuInterval(
    String uuid,
    double joules,
    double utilizationPercent,
    String exclusiveHolderUid,
    Map<String, Double> podSmUtilizationPercent) {}
