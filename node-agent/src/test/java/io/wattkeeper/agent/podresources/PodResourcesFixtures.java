package io.wattkeeper.agent.podresources;

import io.wattkeeper.agent.podresources.v1.ContainerDevices;
import io.wattkeeper.agent.podresources.v1.ContainerResources;
import io.wattkeeper.agent.podresources.v1.ListPodResourcesResponse;
import io.wattkeeper.agent.podresources.v1.PodResources;
import java.util.List;

/** Builds kubelet List answers shaped like a real node's. */
public final class PodResourcesFixtures {
  private PodResourcesFixtures() {}

  public static PodResources pod(String namespace, String name, ContainerResources... containers) {
    return PodResources.newBuilder()
        .setNamespace(namespace)
        .setName(name)
        .addAllContainers(List.of(containers))
        .build();
  }

  public static ContainerResources container(String name, ContainerDevices... devices) {
    return ContainerResources.newBuilder()
        .setName(name)
        .addAllDevices(List.of(devices))
        .addCpuIds(3)
        .build();
  }

  public static ContainerDevices devices(String resource, String... ids) {
    return ContainerDevices.newBuilder()
        .setResourceName(resource)
        .addAllDeviceIds(List.of(ids))
        .build();
  }

  public static ListPodResourcesResponse list(PodResources... pods) {
    return ListPodResourcesResponse.newBuilder().addAllPodResources(List.of(pods)).build();
  }
}
