package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.agent.attribution.Attributor;
import io.wattkeeper.agent.attribution.IdlePolicy;
import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.attribution.Shares;
import io.wattkeeper.agent.cgroup.CgroupLayout;
import io.wattkeeper.agent.cgroup.PodCgroupScanner;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.measure.CpuInfo;
import io.wattkeeper.agent.measure.NodePowerMeter;
import io.wattkeeper.agent.measure.PowerModel;
import io.wattkeeper.agent.measure.RaplDiscovery;
import io.wattkeeper.agent.podresources.GpuAllocations;
import io.wattkeeper.agent.proc.ProcessTable;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.testing.FakeGpuMeter;
import io.wattkeeper.agent.testing.HostFixture;
import io.wattkeeper.agent.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSamplerTest {
  static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
  static final String B = "bbbbbbbb-0000-4000-8000-000000000002";
  static final PowerModel MODEL = new PowerModel("configured", 20, 120, 0.5, "test");

  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final Warnings warnings = new Warnings();

  NodeSampler sampler(HostFixture f, FakeGpuMeter gpu, GpuAllocations alloc, IdlePolicy policy)
      throws IOException {
    CpuInfo cpu = CpuInfo.read(f.proc());
    PodDirectory dir =
        () ->
            Map.of(
                A, new PodMeta(A, "ml", "infer", 2),
                B, new PodMeta(B, "ml", "train", 0));
    return new NodeSampler(
        new ProcessTable(f.proc()),
        CgroupLayout.detect(f.cgroup()).map(PodCgroupScanner::new),
        new NodePowerMeter(RaplDiscovery.discover(f.powercap()), MODEL, cpu.memoryBytes()),
        cpu,
        gpu,
        alloc,
        dir,
        new Attributor(policy),
        EnergyLedger.newEpoch(clock, "node-a"),
        clock,
        warnings,
        Duration.ZERO);
  }

  @Test
  void attributesCpuMemoryNetworkAndGpuFromTheTree() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 4, true).cgroups(true, true);
    f.pod(A, "guaranteed", 0, 1_000_000_000L, 201).netDev(201, 1000, 5);
    f.pod(B, "burstable", 0, 3_000_000_000L, 202).netDev(202, 0, 0);
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.processes = List.of(new GpuSample.GpuProcess(202, 1 << 30, 40));
    NodeSampler s = sampler(f, gpu, GpuAllocations.NONE, IdlePolicy.ProportionalToRequests);

    assertThat(s.sample()).isNull(); // baseline
    clock.advance(Duration.ofSeconds(10));
    f.procStat(1000 + 2000, 9000 + 2000); // 20 busy CPU-seconds of 40: 50 %
    f.podCpu(A, "guaranteed", 5_000_000); // 5 CPU-seconds
    f.podCpu(B, "burstable", 10_000_000); // 10 CPU-seconds
    f.netDev(201, 1000 + 50_000, 999);
    gpu.energyJoules += 500;
    IntervalAttribution r = s.sample();

    // model: 20 + 0.5 x 100 = 70 W x 10 s = 700 J, idle 200 J, active 500 J.
    Shares a = r.pods().get(A);
    Shares b = r.pods().get(B);
    assertThat(a.cpuJoules()).isCloseTo(500 * 5 / 20.0 + 200 * 2 / 4.0, within(1e-6));
    assertThat(b.cpuJoules()).isCloseTo(500 * 10 / 20.0, within(1e-6));
    double memJ = 0.5 * 16_384_000 * 1024 / 1e9 * 10;
    assertThat(a.memoryJoules()).isCloseTo(memJ * 1e9 / (16_384_000 * 1024.0), within(1e-6));
    assertThat(b.gpuJoules()).isCloseTo(200, within(1e-6)); // 40 % of 500 J
    assertThat(r.system().gpuJoules()).isCloseTo(300, within(1e-6));
    assertThat(a.cpuJoules() + b.cpuJoules() + r.system().cpuJoules()).isCloseTo(700, within(1e-6));

    LastInterval last = s.last();
    assertThat(last.pods().get(A).networkReceiveBytesPerSecond()).isCloseTo(5000, within(1e-9));
    assertThat(last.pods().get(A).cpuCores()).isCloseTo(0.5, within(1e-9));
    assertThat(last.cpuWatts()).isCloseTo(70, within(1e-9));
    assertThat(last.gpus()).singleElement().satisfies(g -> assertThat(g.estimated()).isFalse());
    assertThat(s.ledger().pod(A).name).isEqualTo("infer");
  }

  @Test
  void exclusiveGpuGoesToItsHolderAndEndedPodsAreMarked() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 4, true).cgroups(false, false);
    f.pod(A, "guaranteed", 0, 1, 201);
    f.pod(B, "besteffort", 0, 1, 0);
    FakeGpuMeter gpu = new FakeGpuMeter();
    GpuAllocations alloc =
        () -> Map.of(FakeGpuMeter.UUID, new GpuAllocations.PodRef("ml", "infer"));
    NodeSampler s = sampler(f, gpu, alloc, IdlePolicy.None);
    s.sample();
    clock.advance(Duration.ofSeconds(5));
    gpu.energyJoules += 300; // idle GPU, 60 W
    IntervalAttribution r = s.sample();
    assertThat(r.pods().get(A).gpuJoules()).isCloseTo(300, within(1e-9));
    assertThat(s.last().pods().get(A).exclusiveGpus()).containsExactly(FakeGpuMeter.UUID);

    // B's cgroup disappears: it is kept, ended.
    deleteTree(f.cgroup().resolve("cpu,cpuacct").resolve(f.podPath(B, "besteffort")));
    clock.advance(Duration.ofSeconds(5));
    s.sample();
    assertThat(s.ledger().pod(B).ended()).isTrue();
  }

  @Test
  void gpuWithoutEnergyCounterUsesPowerTimesTime() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 2, true);
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.energyJoules = Double.NaN;
    gpu.watts = 70;
    NodeSampler s = sampler(f, gpu, GpuAllocations.NONE, IdlePolicy.None);
    s.sample();
    clock.advance(Duration.ofSeconds(2));
    IntervalAttribution r = s.sample();
    assertThat(r.system().gpuJoules()).isCloseTo(140, within(1e-9));
    assertThat(s.last().gpus().get(0).estimated()).isTrue();
    assertThat(r.pods()).isEmpty(); // no kubepods cgroup on this machine
  }

  @Test
  void garbageGpuPidsAndHostProcessesGoToSystem() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 2, true).cgroups(true, false);
    f.pod(A, "burstable", 0, 1, 201);
    f.process(300, 1, "host-daemon", 1, "/system.slice/nvidia-persistenced.service");
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.processes =
        List.of(
            new GpuSample.GpuProcess(0, 0, 30),
            new GpuSample.GpuProcess(-1, 0, 30), // 4294967295 read as a signed int
            new GpuSample.GpuProcess(300, 0, 30),
            new GpuSample.GpuProcess(201, 0, 10));
    NodeSampler s = sampler(f, gpu, GpuAllocations.NONE, IdlePolicy.None);
    assertThat(s.podOfPid(201)).contains(A);
    assertThat(s.podOfPid(300)).isEmpty();
    assertThat(s.podOfPid(-1)).isEmpty();
    s.sample();
    clock.advance(Duration.ofSeconds(1));
    gpu.energyJoules += 100;
    IntervalAttribution r = s.sample();
    assertThat(r.pods().get(A).gpuJoules()).isCloseTo(10, within(1e-9));
    assertThat(r.system().gpuJoules()).isCloseTo(90, within(1e-9));
  }

  @Test
  void podWhoseMemoryVanishesMidSampleIsSkippedNotFatal() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 4, true).cgroups(true, true);
    f.pod(A, "guaranteed", 0, 1_000_000_000L, 201);
    f.pod(B, "burstable", 0, 3_000_000_000L, 202);
    NodeSampler s = sampler(f, new FakeGpuMeter(), GpuAllocations.NONE, IdlePolicy.None);
    s.sample();
    clock.advance(Duration.ofSeconds(10));
    f.procStat(1000 + 2000, 9000 + 2000);
    f.podCpu(A, "guaranteed", 5_000_000);
    f.podCpu(B, "burstable", 10_000_000);
    // B is being deleted: its cpu.stat is still there, its memory.current no longer reads.
    HostFixture.makeUnreadable(
        f.cpuBase().resolve(f.podPath(B, "burstable")).resolve("memory.current"));
    IntervalAttribution r = s.sample();
    assertThat(r).isNotNull();
    assertThat(r.pods()).containsKey(A).doesNotContainKey(B);
    assertThat(r.pods().get(A).cpuJoules()).isPositive();
  }

  @Test
  void gpuCounterMissingOnceDoesNotCountThatIntervalTwice() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 2, true);
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.watts = 70;
    NodeSampler s = sampler(f, gpu, GpuAllocations.NONE, IdlePolicy.None);
    s.sample(); // counter baseline 1000 J
    clock.advance(Duration.ofSeconds(2));
    gpu.energyJoules = Double.NaN; // one failed counter read: power x time
    assertThat(s.sample().system().gpuJoules()).isCloseTo(140, within(1e-9));
    clock.advance(Duration.ofSeconds(2));
    gpu.energyJoules = 1000 + 280; // the counter is back; its delta spans both intervals
    assertThat(s.sample().system().gpuJoules()).isCloseTo(140, within(1e-9));
    clock.advance(Duration.ofSeconds(2));
    gpu.energyJoules = 1000 + 280 + 150;
    assertThat(s.sample().system().gpuJoules()).isCloseTo(150, within(1e-9));
  }

  @Test
  void anAbsurdCounterJumpIsNotBelievedAndPowerIsUsed() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 2, true);
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.watts = 70;
    NodeSampler s = sampler(f, gpu, GpuAllocations.NONE, IdlePolicy.None);
    s.sample();
    clock.advance(Duration.ofSeconds(2));
    gpu.watts = 90;
    gpu.energyJoules += 1e9; // 500 MW for two seconds: a driver glitch, not a GPU
    IntervalAttribution r = s.sample();
    assertThat(r.system().gpuJoules()).isCloseTo(160, within(1e-9)); // (70 + 90) / 2 W x 2 s
    assertThat(s.last().gpus().get(0).estimated()).isTrue();
    clock.advance(Duration.ofSeconds(2));
    gpu.energyJoules += 170; // the counter is sane again, from the new baseline
    assertThat(s.sample().system().gpuJoules()).isCloseTo(170, within(1e-9));
  }

  @Test
  void noCounterAndNoPowerIsZeroWithAWarning() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 2, true);
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.energyJoules = Double.NaN;
    gpu.watts = Double.NaN;
    NodeSampler s = sampler(f, gpu, GpuAllocations.NONE, IdlePolicy.None);
    s.sample();
    clock.advance(Duration.ofSeconds(2));
    assertThat(s.sample().system().gpuJoules()).isZero();
    assertThat(warnings.current(false))
        .anyMatch(w -> w.contains("no usable energy counter or power reading"));
  }

  @Test
  void hostNetworkPodsGetNoNetworkRateRatherThanTheNodes() throws IOException {
    HostFixture f = new HostFixture(tmp).machine("Mystery CPU", 4, true).cgroups(true, true);
    f.netNamespace(1, 4026531840L);
    f.pod(A, "guaranteed", 0, 1, 201).netDev(201, 1000, 0).netNamespace(201, 4026531840L);
    f.pod(B, "burstable", 0, 1, 202).netDev(202, 1000, 0).netNamespace(202, 4026532001L);
    NodeSampler s = sampler(f, new FakeGpuMeter(), GpuAllocations.NONE, IdlePolicy.None);
    s.sample();
    clock.advance(Duration.ofSeconds(10));
    f.netDev(201, 1000 + 90_000, 0).netDev(202, 1000 + 10_000, 0);
    s.sample();
    // A shares the host's network namespace: its net/dev is the node's traffic, not its own.
    assertThat(s.last().pods().get(A).networkReceiveBytesPerSecond()).isNaN();
    assertThat(s.last().pods().get(B).networkReceiveBytesPerSecond()).isCloseTo(1000, within(1e-9));
  }

  static void deleteTree(Path dir) throws IOException {
    try (var walk = java.nio.file.Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }
}
