package io.wattkeeper.agent.gpu;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The GPU meter's settings (documented in docs/gpu.md). */
@ConfigMapping(prefix = "wattkeeper.agent.gpu")
public interface GpuConfig {

  /** False skips NVML entirely: the GPU source is then {@code none}. */
  @WithDefault("true")
  boolean enabled();

  /**
   * The NVML library to load: a file path or a name for the dynamic loader. Default {@code
   * libnvidia-ml.so.1}, found through LD_LIBRARY_PATH / ld.so.cache.
   */
  Optional<String> nvmlLibrary();

  /** The host's /proc, used to check that NVML's (host) PIDs exist. */
  @WithDefault("/proc")
  String procRoot();
}
