package io.wattkeeper.agent.podresources;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;

/** How the agent asks the kubelet which pod holds which GPU (documented in docs/gpu.md). */
@ConfigMapping(prefix = "wattkeeper.agent.podresources")
public interface PodResourcesConfig {

  /** False: no kubelet queries; every GPU is then attributed through NVML process PIDs. */
  @WithDefault("true")
  boolean enabled();

  /**
   * The kubelet's PodResources socket (mount its directory, not the file: kubelet recreates it).
   */
  @WithDefault("/var/lib/kubelet/pod-resources/kubelet.sock")
  String socket();

  /** Deadline of one List call. */
  @WithDefault("2s")
  Duration timeout();

  /** How long one answer (or one failure) is reused before the kubelet is asked again. */
  @WithDefault("10s")
  Duration cacheTtl();

  /** Extended resource names whose device IDs are GPUs; nvidia.com/mig-* is always included. */
  @WithDefault("nvidia.com/gpu")
  Set<String> resourceNames();
}
