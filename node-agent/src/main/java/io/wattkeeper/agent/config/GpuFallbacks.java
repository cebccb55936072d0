package io.wattkeeper.agent.config;

import io.quarkus.arc.DefaultBean;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.podresources.GpuAllocations;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Used only when nothing better is wired: no GPUs (source none) and no exclusive allocations. The
 * NVML meter and the PodResources client override these with their own producers.
 */
public class GpuFallbacks {

  @Produces
  @Singleton
  @DefaultBean
  GpuMeter noGpuMeter() {
    return GpuMeter.NONE;
  }

  @Produces
  @Singleton
  @DefaultBean
  GpuAllocations noGpuAllocations() {
    return GpuAllocations.NONE;
  }
}
