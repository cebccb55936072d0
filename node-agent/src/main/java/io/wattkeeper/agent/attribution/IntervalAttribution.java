package io.wattkeeper.agent.attribution;

import java.util.Map;

/**
 * The result: each pod's energy and the remainder. For each component, the pods plus system add up
 * to the node total (system is computed as the difference, so this holds to rounding).
 *
 * @param gpuJoulesByGpu each GPU's energy in the interval (for the per-GPU counters)
 */
public record IntervalAttribution(
    Map<String, Shares> pods, Shares system, Map<String, Double> gpuJoulesByGpu) {}
