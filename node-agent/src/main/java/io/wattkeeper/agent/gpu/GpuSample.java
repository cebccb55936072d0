package io.wattkeeper.agent.gpu;

import java.util.List;

/**
 * One GPU at one instant. Unknown values are {@link Double#NaN}, never zero.
 *
 * @param energyCounterJoules the device's cumulative energy counter (NVML
 *     nvmlDeviceGetTotalEnergyConsumption), NaN when unsupported: then energy is power times time
 *     ({@link GpuEnergyIntegrator} does both). Also NaN for the one sample in which the counter
 *     went backwards (driver reload).
 * @param processes compute processes on the GPU with their SM utilisation share, host PIDs; on a
 *     MIG-enabled GPU, the processes of all its MIG instances
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
   * @param usedMemoryBytes -1 when NVML does not know (NVML_VALUE_NOT_AVAILABLE)
   * @param smUtilizationPercent average since the previous sample; 0 when the process did not use
   *     the SMs; NaN when per-process utilisation is not available (MIG, old GPUs)
   */
  public record GpuProcess(int pid, long usedMemoryBytes, double smUtilizationPercent) {}
}
