package io.wattkeeper.agent.podresources;

import static io.wattkeeper.agent.podresources.PodResourcesFixtures.container;
import static io.wattkeeper.agent.podresources.PodResourcesFixtures.devices;
import static io.wattkeeper.agent.podresources.PodResourcesFixtures.list;
import static io.wattkeeper.agent.podresources.PodResourcesFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Status;
import io.wattkeeper.agent.podresources.GpuAllocations.PodRef;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real client against a gRPC server on a real Unix socket in a temp dir. */
class KubeletGpuAllocationsTest {

  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static final Duration TTL = Duration.ofSeconds(10);

  @TempDir Path tmp;
  Path socket;
  final ManualClock clock = new ManualClock();
  FakeKubelet kubelet;
  KubeletGpuAllocations allocations;

  @BeforeEach
  void setUp() {
    assumeTrue(
        PodResourcesClient.transportAvailable(),
        "no native epoll here: " + PodResourcesClient.transportUnavailabilityCause());
    socket = tmp.resolve("kubelet.sock");
    allocations =
        new KubeletGpuAllocations(
            socket, Duration.ofSeconds(10), TTL, Set.of("nvidia.com/gpu"), clock);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (allocations != null) {
      allocations.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
  }

  @Test
  void readsTheScriptedAllocationsOverTheSocket() throws Exception {
    kubelet =
        new FakeKubelet(socket)
            .answer(
                list(
                    pod("ml", "llama-0", container("s", devices("nvidia.com/gpu", "GPU-aaa"))),
                    pod("ml", "bert-0", container("s", devices("nvidia.com/gpu", "GPU-bbb")))));

    assertThat(allocations.exclusiveHolders())
        .containsOnly(
            entry("GPU-aaa", new PodRef("ml", "llama-0")),
            entry("GPU-bbb", new PodRef("ml", "bert-0")));
    assertThat(kubelet.authoritySeen()).isEqualTo("localhost");
  }

  @Test
  void cachesForTheTtl() throws Exception {
    kubelet =
        new FakeKubelet(socket)
            .answer(list(pod("ml", "a", container("s", devices("nvidia.com/gpu", "GPU-aaa")))));
    allocations.exclusiveHolders();
    clock.now = clock.now.plusSeconds(9);
    kubelet.answer(list(pod("ml", "b", container("s", devices("nvidia.com/gpu", "GPU-aaa")))));

    assertThat(allocations.exclusiveHolders()).containsEntry("GPU-aaa", new PodRef("ml", "a"));
    assertThat(kubelet.calls()).isEqualTo(1);

    clock.now = clock.now.plusSeconds(1);
    assertThat(allocations.exclusiveHolders()).containsEntry("GPU-aaa", new PodRef("ml", "b"));
    assertThat(kubelet.calls()).isEqualTo(2);
  }

  @Test
  void absentSocketIsAnEmptyMapUntilTheKubeletAppears() throws Exception {
    assertThat(allocations.exclusiveHolders()).isEmpty();

    kubelet =
        new FakeKubelet(socket)
            .answer(list(pod("ml", "a", container("s", devices("nvidia.com/gpu", "GPU-aaa")))));
    assertThat(allocations.exclusiveHolders()).as("cached within the TTL").isEmpty();
    clock.now = clock.now.plus(TTL);
    assertThat(allocations.exclusiveHolders()).containsOnlyKeys("GPU-aaa");
  }

  @Test
  void serverErrorsAreAnEmptyMapAndRecover() throws Exception {
    kubelet =
        new FakeKubelet(socket)
            .answer(list(pod("ml", "a", container("s", devices("nvidia.com/gpu", "GPU-aaa")))))
            .fail(Status.RESOURCE_EXHAUSTED.withDescription("rejected by rate limit"));

    assertThat(allocations.exclusiveHolders()).isEmpty();
    clock.now = clock.now.plus(TTL);
    kubelet.fail(Status.UNAVAILABLE);
    assertThat(allocations.exclusiveHolders()).isEmpty();
    assertThat(kubelet.calls()).isEqualTo(2);

    clock.now = clock.now.plus(TTL);
    kubelet.fail(null);
    assertThat(allocations.exclusiveHolders()).containsOnlyKeys("GPU-aaa");
  }

  @Test
  void aSlowKubeletMissesTheDeadlineAndYieldsAnEmptyMap() throws Exception {
    kubelet =
        new FakeKubelet(socket)
            .answer(list(pod("ml", "a", container("s", devices("nvidia.com/gpu", "GPU-aaa")))))
            .delay(2_000);
    allocations.close();
    allocations =
        new KubeletGpuAllocations(
            socket, Duration.ofMillis(300), TTL, Set.of("nvidia.com/gpu"), clock);

    assertThat(allocations.exclusiveHolders()).isEmpty();
    assertThat(kubelet.calls()).isEqualTo(1);
  }

  @Test
  void aSocketFileWithNoServerBehindItIsAnEmptyMap() throws Exception {
    java.nio.file.Files.writeString(socket, "");
    assertThat(allocations.exclusiveHolders()).isEmpty();
  }
}
