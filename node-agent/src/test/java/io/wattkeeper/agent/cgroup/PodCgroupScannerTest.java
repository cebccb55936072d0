package io.wattkeeper.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wattkeeper.agent.testing.HostFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodCgroupScannerTest {
  static final String G = "11111111-2222-4333-8444-555555555555";
  static final String B = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  static final String E = "01234567-89ab-4cde-8f01-23456789abcd";

  @TempDir Path tmp;

  @ParameterizedTest(name = "v2={0} systemd={1}")
  @CsvSource({"true,true", "true,false", "false,true", "false,false"})
  void findsPodsOfEveryQosClassAndReadsTheirCounters(boolean v2, boolean systemd)
      throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Test CPU", 4, false).cgroups(v2, systemd);
    f.pod(G, "guaranteed", 1_500_000, 100_000_000, 101);
    f.pod(B, "burstable", 250, 200_000_000, 102);
    f.pod(E, "besteffort", 0, 300_000_000, 0);
    // Not pods: kubelet's own QoS parents and unrelated slices.
    HostFixture.mkdirs(
        f.cpuBase().resolve(f.podPath(G, "guaranteed")).getParent().resolve("system.slice"));

    CgroupLayout layout = CgroupLayout.detect(f.cgroup()).orElseThrow();
    assertThat(layout.v2()).isEqualTo(v2);
    assertThat(layout.systemd()).isEqualTo(systemd);
    List<PodCgroup> pods = new PodCgroupScanner(layout).scan();
    Map<String, PodCgroup> byUid =
        pods.stream().collect(Collectors.toMap(PodCgroup::uid, Function.identity()));
    assertThat(byUid).containsOnlyKeys(G, B, E);
    assertThat(byUid.get(G).qos()).isEqualTo(QosClass.GUARANTEED);
    assertThat(byUid.get(B).qos()).isEqualTo(QosClass.BURSTABLE);
    assertThat(byUid.get(E).qos()).isEqualTo(QosClass.BESTEFFORT);

    PodCgroupReader reader = new PodCgroupReader(layout);
    assertThat(reader.cpuUsageNanos(byUid.get(G))).isEqualTo(1_500_000_000L);
    assertThat(reader.cpuUsageNanos(byUid.get(B))).isEqualTo(250_000L);
    assertThat(reader.memoryBytes(byUid.get(B))).isEqualTo(200_000_000L);
    assertThat(reader.anyPid(byUid.get(G))).hasValue(101);
    assertThat(reader.anyPid(byUid.get(E))).isEmpty();
  }

  @Test
  void noKubepodsMeansNoLayout() {
    HostFixture f = new HostFixture(tmp);
    HostFixture.write(f.cgroup().resolve("cgroup.controllers"), "cpu memory\n");
    assertThat(CgroupLayout.detect(f.cgroup())).isEmpty();
    assertThat(CgroupLayout.detect(tmp.resolve("nothing"))).isEmpty();
  }

  @Test
  void missingQosParentsAreNotAnError() {
    HostFixture f = new HostFixture(tmp).cgroups(true, false);
    f.pod(G, "guaranteed", 1, 1, 0);
    assertThat(new PodCgroupScanner(CgroupLayout.detect(f.cgroup()).orElseThrow()).scan())
        .extracting(PodCgroup::uid)
        .containsExactly(G);
  }

  @Test
  void missingGarbageAndUnreadableCounterFilesAreClearErrors() throws IOException {
    HostFixture f = new HostFixture(tmp).cgroups(true, true);
    f.pod(G, "guaranteed", 10, 10, 0);
    f.pod(B, "burstable", 10, 10, 0);
    f.pod(E, "besteffort", 10, 10, 0);
    CgroupLayout layout = CgroupLayout.detect(f.cgroup()).orElseThrow();
    PodCgroupReader reader = new PodCgroupReader(layout);
    Path gDir = f.cgroup().resolve(f.podPath(G, "guaranteed"));
    Path bDir = f.cgroup().resolve(f.podPath(B, "burstable"));
    Path eDir = f.cgroup().resolve(f.podPath(E, "besteffort"));

    Files.delete(gDir.resolve("cpu.stat"));
    assertThatThrownBy(() -> reader.cpuUsageNanos(pod(G, layout))).isInstanceOf(IOException.class);

    HostFixture.write(bDir.resolve("cpu.stat"), "user_usec 5\nusage_usec lots\n");
    assertThatThrownBy(() -> reader.cpuUsageNanos(pod(B, layout))).hasMessageContaining("garbage");
    HostFixture.write(bDir.resolve("cpu.stat"), "user_usec 5\n");
    assertThatThrownBy(() -> reader.cpuUsageNanos(pod(B, layout)))
        .hasMessageContaining("no usage_usec");
    HostFixture.write(bDir.resolve("memory.current"), "-5\n");
    assertThatThrownBy(() -> reader.memoryBytes(pod(B, layout))).hasMessageContaining("negative");

    // Read error that root cannot bypass: the file is a directory.
    HostFixture.makeUnreadable(eDir.resolve("memory.current"));
    assertThatThrownBy(() -> reader.memoryBytes(pod(E, layout))).isInstanceOf(IOException.class);
  }

  @Test
  void permissionDeniedWhenNotRoot() throws IOException {
    assumeTrue(HostFixture.permissionsEnforced(tmp), "running as root: chmod 000 is not enforced");
    HostFixture f = new HostFixture(tmp).cgroups(true, false);
    f.pod(G, "guaranteed", 10, 10, 0);
    CgroupLayout layout = CgroupLayout.detect(f.cgroup()).orElseThrow();
    Path stat = f.cgroup().resolve(f.podPath(G, "guaranteed")).resolve("cpu.stat");
    Files.setPosixFilePermissions(stat, PosixFilePermissions.fromString("---------"));
    assertThatThrownBy(() -> new PodCgroupReader(layout).cpuUsageNanos(pod(G, layout)))
        .isInstanceOf(java.nio.file.AccessDeniedException.class);
  }

  private PodCgroup pod(String uid, CgroupLayout layout) {
    return new PodCgroupScanner(layout)
        .scan().stream().filter(p -> p.uid().equals(uid)).findFirst().orElseThrow();
  }
}
