package io.wattkeeper.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.agent.testing.HostFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTableTest {
  @TempDir Path tmp;

  @Test
  void readsProcessesIncludingCommsWithSpacesAndParentheses() {
    HostFixture f = new HostFixture(tmp).machine("Test CPU", 2, false);
    f.process(10, 1, "python3", 250, "/user.slice");
    f.process(11, 10, "tricky) (name", 31, "/user.slice");
    HostFixture.write(f.proc().resolve("self"), "not a pid dir");
    ProcessTable table = new ProcessTable(f.proc());

    assertThat(table.all()).extracting(ProcessInfo::pid).containsExactlyInAnyOrder(10, 11);
    ProcessInfo tricky = table.read(11).orElseThrow();
    assertThat(tricky.comm()).isEqualTo("tricky) (name");
    assertThat(tricky.ppid()).isEqualTo(10);
    assertThat(tricky.cpuTicks()).isEqualTo(31);
    assertThat(tricky.rssBytes()).isEqualTo(2560 * 4096L);
  }

  @Test
  void rejectsImplausiblePids() {
    HostFixture f = new HostFixture(tmp).machine("Test CPU", 2, false);
    f.process(10, 1, "ok", 1, "/");
    HostFixture.write(f.proc().resolve("sys/kernel/pid_max"), "32768\n");
    ProcessTable table = new ProcessTable(f.proc());
    assertThat(table.isPlausible(10)).isTrue();
    assertThat(table.isPlausible(0)).isFalse();
    assertThat(table.isPlausible(4294967295L)).isFalse(); // the NVML record-size trap
    assertThat(table.isPlausible(40000)).isFalse(); // beyond pid_max
    assertThat(table.isPlausible(12)).isFalse(); // gone
    assertThat(table.read(12)).isEmpty();
    assertThat(table.cgroupFile(0)).isEmpty();
  }

  @Test
  void garbageStatIsSkippedNotFatal() {
    HostFixture f = new HostFixture(tmp).machine("Test CPU", 2, false);
    f.process(10, 1, "ok", 1, "/");
    HostFixture.write(f.proc().resolve("20/stat"), "20 (broken) S x y\n");
    HostFixture.write(f.proc().resolve("21/stat"), "garbage without comm");
    HostFixture.mkdirs(f.proc().resolve("22")); // exited between listing and reading
    assertThat(new ProcessTable(f.proc()).all()).extracting(ProcessInfo::pid).containsExactly(10);
  }

  @Test
  void unreadablePidMaxFallsBackToTheKernelLimit() {
    HostFixture f = new HostFixture(tmp).machine("Test CPU", 2, false);
    HostFixture.write(f.proc().resolve("sys/kernel/pid_max"), "lots\n");
    f.process(4_000_000, 1, "big", 1, "/");
    assertThat(new ProcessTable(f.proc()).isPlausible(4_000_000)).isTrue();
  }
}
