package io.wattkeeper.agent.podresources;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * The agent's source of exclusive GPU holders: the kubelet PodResources client, which answers an
 * empty map (and logs once) while the socket is absent; {@link GpuAllocations#NONE} when disabled
 * or when the native Unix-socket transport cannot load.
 */
public class GpuAllocationsProducer {

  private static final Logger LOG = Logger.getLogger(GpuAllocationsProducer.class);

  @Produces
  @Singleton
  GpuAllocations gpuAllocations(PodResourcesConfig config, Clock clock) {
    if (!config.enabled()) {
      LOG.info("kubelet PodResources disabled: GPUs attributed through NVML process PIDs only");
      return GpuAllocations.NONE;
    }
    if (!PodResourcesClient.transportAvailable()) {
      LOG.warnf(
          "no Unix-socket transport for the kubelet PodResources API (%s): GPUs attributed"
              + " through NVML process PIDs only",
          PodResourcesClient.transportUnavailabilityCause());
      return GpuAllocations.NONE;
    }
    Path socket = Path.of(config.socket());
    LOG.infof(
        "kubelet PodResources socket %s %s",
        socket, Files.exists(socket) ? "found" : "not found yet (will look again each cache TTL)");
    return new KubeletGpuAllocations(
        socket, config.timeout(), config.cacheTtl(), config.resourceNames(), clock);
  }

  void close(@Disposes GpuAllocations allocations) throws Exception {
    if (allocations instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
