package io.wattkeeper.agent.gpu;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Chooses the agent's GPU meter once at start: NVML when {@code libnvidia-ml.so.1} loads and
 * initialises, {@link GpuMeter#NONE} otherwise. A node without NVML is normal (source {@code
 * none}), so that case is one INFO line, not an error.
 */
public class GpuMeterProducer {

  private static final Logger LOG = Logger.getLogger(GpuMeterProducer.class);

  @Produces
  @Singleton
  GpuMeter gpuMeter(GpuConfig config, Clock clock) {
    return create(config.enabled(), config.nvmlLibrary(), Path.of(config.procRoot()), clock);
  }

  void close(@Disposes GpuMeter meter) {
    meter.close();
  }

  /** The choice itself, callable without CDI. */
  static GpuMeter create(boolean enabled, Optional<String> library, Path procRoot, Clock clock) {
    if (!enabled) {
      LOG.info("GPU metering disabled by wattkeeper.agent.gpu.enabled=false: gpu source none");
      return GpuMeter.NONE;
    }
    StringBuilder why = new StringBuilder();
    Optional<Nvml> nvml = Nvml.open(library.orElse(Nvml.DEFAULT_LIBRARY), why);
    if (nvml.isEmpty()) {
      LOG.infof("no NVML on this node (%s): gpu source none", why);
      return GpuMeter.NONE;
    }
    NvmlGpuMeter meter = new NvmlGpuMeter(nvml.get(), procRoot, clock);
    LOG.infof(
        "NVML loaded from %s (driver %s), process list via %s: gpu source nvml",
        nvml.get().library(),
        nvml.get().driverVersion().orElse("unknown"),
        meter.processReader().method());
    return meter;
  }
}
