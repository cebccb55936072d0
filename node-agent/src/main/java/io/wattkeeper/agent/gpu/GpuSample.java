package io.wattkeeper.agent.gpu;

import java.util.List;

/**
 * One GPU at one instant. Unknown values are {@link Double#NaN}, never zero.
 *
 * @param energyCounterJoules the device's cumulative energy counter (NVML
 *     nvmlDeviceGetTotalEnergyConsumption), NaN when unsupported: then energy is power times time
 * @param processes compute processes on the GPU with their SM utilisation share, host PIDs
 */
public record GpuSample(
    String uuid,
    String name,
    double watts,
    double energyCounterJoules,
    double utilizationPercent,
    double powerLimitWatts,
    double defaultPowerLimitWatts,
    double minPowerLimitWatts,
    double maxPowerLimitWatts,
    List<GpuProcess> processes) {

  /**
   * A process using the GPU.
   *
   * @param smUtilizationPercent NaN when per-process utilisation is not available
   */
  public record GpuProcess(int pid, long usedMemoryBytes, double smUtilizationPercent) {}
}
