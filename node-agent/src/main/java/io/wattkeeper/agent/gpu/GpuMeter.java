package io.wattkeeper.agent.gpu;

import java.util.List;

/**
 * GPU measurements and power-limit control. The NVML implementation lives in this package; {@link
 * #NONE} is what a node without NVML gets: no GPUs, source {@code none}, not an error.
 */
public interface GpuMeter extends AutoCloseable {

  /** {@code nvml} or {@code none}: the value of {@code status.sources.gpu}. */
  String source();

  /** One sample of every GPU; empty when there is no GPU. Never throws for a bad device. */
  List<GpuSample> sample();

  /**
   * Sets a GPU's power limit, clamped to its constraints; returns the limit applied, in watts.
   *
   * @throws GpuException when the device refuses (no permission, unsupported)
   */
  double setPowerLimit(String uuid, double watts);

  /** Restores the GPU's default power limit; returns it, in watts. */
  double restoreDefaultPowerLimit(String uuid);

  @Override
  default void close() {}

  GpuMeter NONE =
      new GpuMeter() {
        @Override
        public String source() {
          return "none";
        }

        @Override
        public List<GpuSample> sample() {
          return List.of();
        }

        @Override
        public double setPowerLimit(String uuid, double watts) {
          throw new GpuException("no GPU management library (NVML) on this node");
        }

        @Override
        public double restoreDefaultPowerLimit(String uuid) {
          throw new GpuException("no GPU management library (NVML) on this node");
        }
      };
}
