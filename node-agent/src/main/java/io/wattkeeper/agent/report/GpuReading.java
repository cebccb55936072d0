package io.wattkeeper.agent.report;

import io.wattkeeper.agent.gpu.GpuSample;

/**
 * A GPU in the latest interval.
 *
 * @param estimated energy is power x time (no energy counter)
 * @param exclusivePodUid the pod holding it, or null
 */
public record GpuReading(
    GpuSample sample, double joules, boolean estimated, String exclusivePodUid) {}
