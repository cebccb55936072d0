package io.wattkeeper.agent.podresources;

import static io.wattkeeper.agent.podresources.PodResourcesFixtures.container;
import static io.wattkeeper.agent.podresources.PodResourcesFixtures.devices;
import static io.wattkeeper.agent.podresources.PodResourcesFixtures.list;
import static io.wattkeeper.agent.podresources.PodResourcesFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.wattkeeper.agent.podresources.GpuAllocations.PodRef;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExclusiveGpuHoldersTest {

  static final Set<String> GPU = Set.of("nvidia.com/gpu");

  @Test
  void mapsEachWholeGpuToItsPod() {
    var response =
        list(
            pod(
                "ml",
                "llama-0",
                container("server", devices("nvidia.com/gpu", "GPU-aaa", "GPU-bbb")),
                container("sidecar")),
            pod("ml", "bert-0", container("main", devices("nvidia.com/gpu", "GPU-ccc"))),
            pod("kube-system", "cni", container("cni")));

    assertThat(ExclusiveGpuHolders.from(response, GPU))
        .containsOnly(
            entry("GPU-aaa", new PodRef("ml", "llama-0")),
            entry("GPU-bbb", new PodRef("ml", "llama-0")),
            entry("GPU-ccc", new PodRef("ml", "bert-0")));
  }

  @Test
  void migInstancesAreKeyedByTheirMigUuid() {
    var response =
        list(
            pod("ml", "small", container("c", devices("nvidia.com/mig-1g.10gb", "MIG-111"))),
            pod("ml", "large", container("c", devices("nvidia.com/mig-3g.40gb", "MIG-222"))));

    assertThat(ExclusiveGpuHolders.from(response, GPU))
        .containsOnly(
            entry("MIG-111", new PodRef("ml", "small")),
            entry("MIG-222", new PodRef("ml", "large")));
  }

  @Test
  void timeSlicedAndDoublyHeldGpusAreShared() {
    var response =
        list(
            pod("a", "one", container("c", devices("nvidia.com/gpu", "GPU-ts::0"))),
            pod("b", "two", container("c", devices("nvidia.com/gpu", "GPU-ts::1", "GPU-x"))),
            pod("c", "three", container("c", devices("nvidia.com/gpu", "GPU-x"))),
            pod("d", "four", container("c", devices("nvidia.com/gpu", "GPU-lonely-replica::3"))));

    assertThat(ExclusiveGpuHolders.from(response, GPU)).isEmpty();
  }

  @Test
  void twoContainersOfOnePodStillHoldTheGpuExclusively() {
    var response =
        list(
            pod(
                "ml",
                "train",
                container("init", devices("nvidia.com/gpu", "GPU-aaa")),
                container("main", devices("nvidia.com/gpu", "GPU-aaa"))));
    assertThat(ExclusiveGpuHolders.from(response, GPU))
        .containsOnly(entry("GPU-aaa", new PodRef("ml", "train")));
  }

  @Test
  void otherResourcesAndBlankIdsAreIgnored() {
    var response =
        list(
            pod(
                "ml",
                "net",
                container(
                    "c", devices("example.com/nic", "eth9"), devices("nvidia.com/gpu", "", " ")),
                container("d", devices("amd.com/gpu", "0000:01:00.0"))),
            pod("", "nameless", container("c", devices("nvidia.com/gpu", "GPU-zzz"))));
    assertThat(ExclusiveGpuHolders.from(response, GPU)).isEmpty();
    assertThat(ExclusiveGpuHolders.from(response, Set.of("nvidia.com/gpu", "amd.com/gpu")))
        .containsOnly(entry("0000:01:00.0", new PodRef("ml", "net")));
  }
}
