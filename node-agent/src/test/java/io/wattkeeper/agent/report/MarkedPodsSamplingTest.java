package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.agent.attribution.Attributor;
import io.wattkeeper.agent.attribution.IdlePolicy;
import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.measure.CpuInfo;
import io.wattkeeper.agent.measure.NodePowerMeter;
import io.wattkeeper.agent.measure.RaplDiscovery;
import io.wattkeeper.agent.podresources.GpuAllocations;
import io.wattkeeper.agent.proc.MarkedPods;
import io.wattkeeper.agent.proc.ProcessTable;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.testing.FakeGpuMeter;
import io.wattkeeper.agent.testing.HostFixture;
import io.wattkeeper.agent.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node without kubepods cgroups (the local sandbox where it cannot create cgroups): pods found by
 * the marker in their processes' environment, measured by their processes' CPU time and RSS.
 */
class MarkedPodsSamplingTest {
  static final String A = NodeSamplerTest.A;
  static final String MARKER = "WATTKEEPER_SANDBOX_POD_UID";

  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void podsWithoutACgroupAreMeasuredThroughTheirMarkedProcesses() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 4, true);
    // Pod A: a parent and a child process, both marked; an unmarked process besides.
    f.process(301, 1, "java", 100, "/");
    f.process(302, 301, "sh", 50, "/");
    f.process(303, 1, "unrelated", 10_000, "/");
    HostFixture.write(
        f.proc().resolve("301/environ"), "PATH=/bin\0" + MARKER + "=" + A + "\0HOME=/\0");
    HostFixture.write(f.proc().resolve("302/environ"), MARKER + "=" + A + "\0");
    HostFixture.write(f.proc().resolve("303/environ"), "PATH=/bin\0");
    CpuInfo cpu = CpuInfo.read(f.proc());
    NodeSampler s =
        new NodeSampler(
            new ProcessTable(f.proc()),
            Optional.empty(),
            new NodePowerMeter(
                RaplDiscovery.discover(f.powercap()), NodeSamplerTest.MODEL, cpu.memoryBytes()),
            cpu,
            new FakeGpuMeter(),
            GpuAllocations.NONE,
            () -> Map.of(A, new PodMeta(A, "demo", "trainer", 0)),
            new Attributor(IdlePolicy.None),
            EnergyLedger.newEpoch(clock, "sandbox"),
            clock,
            new Warnings(),
            Duration.ZERO,
            Optional.of(new MarkedPods(f.proc(), MARKER)));
    f.procStat(1000, 9000);
    assertThat(s.sample()).isNull();
    clock.advance(Duration.ofSeconds(10));
    f.procStat(1000 + 2000, 9000 + 2000); // 20 busy CPU-seconds of 40
    f.process(301, 1, "java", 100 + 500, "/"); // +5 s
    f.process(302, 301, "sh", 50 + 500, "/"); // +5 s
    IntervalAttribution r = s.sample();
    // model 20 + 0.5 x 100 % x ... : active CPU energy shared by busy seconds, 10 of 20 for A.
    double active = r.pods().get(A).cpuJoules() + r.system().cpuJoules();
    assertThat(r.pods().get(A).cpuJoules()).isGreaterThan(0);
    assertThat(s.last().pods().get(A).cpuCores()).isCloseTo(1.0, within(1e-9));
    assertThat(active).isGreaterThan(r.pods().get(A).cpuJoules());
  }

  @Test
  void markerValueIsReadFromAnywhereInTheEnvironment() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 2, false);
    f.process(401, 1, "x", 30, "/");
    HostFixture.write(f.proc().resolve("401/environ"), "A=1\0" + MARKER + "=uid-1\0");
    f.process(402, 1, "y", 30, "/");
    HostFixture.write(f.proc().resolve("402/environ"), MARKER + "X=not-it\0");
    Map<String, MarkedPods.Usage> u = new MarkedPods(f.proc(), MARKER).read();
    assertThat(u).containsOnlyKeys("uid-1");
    assertThat(u.get("uid-1").cpuNanos()).isEqualTo(30 * 10_000_000L);
    assertThat(u.get("uid-1").anyPid()).isEqualTo(401);
  }
}
