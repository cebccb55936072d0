package io.wattkeeper.agent.podresources;

import io.wattkeeper.agent.podresources.GpuAllocations.PodRef;
import io.wattkeeper.agent.podresources.v1.ContainerDevices;
import io.wattkeeper.agent.podresources.v1.ContainerResources;
import io.wattkeeper.agent.podresources.v1.ListPodResourcesResponse;
import io.wattkeeper.agent.podresources.v1.PodResources;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which GPU device IDs one pod holds alone, from a kubelet List answer. The NVIDIA device plugin
 * names devices by GPU UUID ({@code GPU-...}) or MIG UUID ({@code MIG-...}) by default; those IDs
 * are kept as they are. A device is left out, and so attributed through NVML PIDs instead, when it
 * is shared: a time-slicing replica ({@code <id>::<n>}) or an ID that more than one pod holds.
 */
public final class ExclusiveGpuHolders {

  static final String MIG_RESOURCE_PREFIX = "nvidia.com/mig-";
  static final String REPLICA_SEPARATOR = "::";

  private ExclusiveGpuHolders() {}

  public static Map<String, PodRef> from(
      ListPodResourcesResponse response, Set<String> gpuResourceNames) {
    Map<String, Set<PodRef>> holders = new LinkedHashMap<>();
    Set<String> shared = new HashSet<>();
    for (PodResources pod : response.getPodResourcesList()) {
      if (pod.getName().isBlank() || pod.getNamespace().isBlank()) {
        continue;
      }
      PodRef ref = new PodRef(pod.getNamespace(), pod.getName());
      for (ContainerResources container : pod.getContainersList()) {
        for (ContainerDevices devices : container.getDevicesList()) {
          if (!isGpu(devices.getResourceName(), gpuResourceNames)) {
            continue;
          }
          for (String id : devices.getDeviceIdsList()) {
            int replica = id.indexOf(REPLICA_SEPARATOR);
            String device = (replica >= 0 ? id.substring(0, replica) : id).trim();
            if (device.isEmpty()) {
              continue;
            }
            if (replica >= 0) {
              shared.add(device);
            }
            holders.computeIfAbsent(device, d -> new HashSet<>()).add(ref);
          }
        }
      }
    }
    Map<String, PodRef> exclusive = new HashMap<>();
    holders.forEach(
        (device, pods) -> {
          if (pods.size() == 1 && !shared.contains(device)) {
            exclusive.put(device, pods.iterator().next());
          }
        });
    return Map.copyOf(exclusive);
  }

  static boolean isGpu(String resourceName, Set<String> gpuResourceNames) {
    return gpuResourceNames.contains(resourceName) || resourceName.startsWith(MIG_RESOURCE_PREFIX);
  }
}
