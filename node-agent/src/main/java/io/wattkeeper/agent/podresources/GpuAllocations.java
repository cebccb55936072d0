package io.wattkeeper.agent.podresources;

import java.util.Map;

/**
 * Which pod holds which GPU exclusively, from the kubelet PodResources API. Shared GPUs
 * (time-slicing, MPS) are not here: they are attributed through NVML process PIDs.
 */
public interface GpuAllocations {

  /**
   * GPU UUID to the pod holding it. Empty when the kubelet socket is absent; never throws.
   * Implementations cache between samples.
   */
  Map<String, PodRef> exclusiveHolders();

  /** A pod as the kubelet names it. */
  record PodRef(String namespace, String name) {}

  GpuAllocations NONE = Map::of;
}
