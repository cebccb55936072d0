package io.wattkeeper.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.agent.podresources.GpuAllocations;
import io.wattkeeper.agent.podresources.KubeletGpuAllocations;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CDI producers and config mappings, in the running agent, with a fake NVML configured. */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(GpuBeansQuarkusTest.FakeNvmlProfile.class)
class GpuBeansQuarkusTest {

  /** Builds the fake library before the application starts and points the config at it. */
  public static class FakeNvmlProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path dir = Files.createTempDirectory("wattkeeper-gpu-beans-");
        if (!FakeNvml.gccPresent()) {
          return Map.of(); // the test itself is skipped
        }
        FakeNvml fake = FakeNvml.create(Files.createDirectories(dir.resolve("lib")));
        fake.twoGpus();
        return Map.of(
            "wattkeeper.agent.gpu.nvml-library", fake.library.toString(),
            "wattkeeper.agent.podresources.socket", dir.resolve("absent/kubelet.sock").toString(),
            "wattkeeper.agent.podresources.cache-ttl", "1s");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Inject GpuMeter meter;
  @Inject GpuAllocations allocations;

  @Test
  void producesTheNvmlMeterAndTheKubeletClient() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        FakeNvml.gccPresent(), "gcc is not installed: the fake NVML library cannot be built");
    assertThat(meter.source()).isEqualTo("nvml");
    assertThat(meter.sample())
        .extracting(GpuSample::uuid)
        .containsExactly(NvmlGpuMeterTest.GPU0, NvmlGpuMeterTest.GPU1);
    assertThat(allocations).isInstanceOf(KubeletGpuAllocations.class);
    assertThat(allocations.exclusiveHolders()).isEmpty();
  }
}
