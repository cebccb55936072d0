package io.wattkeeper.agent.report;

import io.wattkeeper.agent.attribution.Attributor;
import io.wattkeeper.agent.attribution.IdlePolicy;
import io.wattkeeper.agent.cgroup.CgroupLayout;
import io.wattkeeper.agent.cgroup.PodCgroupScanner;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.measure.CpuInfo;
import io.wattkeeper.agent.measure.NodePowerMeter;
import io.wattkeeper.agent.measure.PowerModel;
import io.wattkeeper.agent.measure.RaplDiscovery;
import io.wattkeeper.agent.podresources.GpuAllocations;
import io.wattkeeper.agent.proc.ProcessTable;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.testing.HostFixture;
import io.wattkeeper.agent.testing.MutableClock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU cost of one agent sample on a node with 100 pods and 1,000 processes (a fixture tree with
 * RAPL zones, cgroup v2 with the systemd driver, a network namespace per pod). Not a test: run it
 * by hand (see docs/node-agent.md, Benchmarks). Measures this thread's CPU time per sample with
 * ThreadMXBean after a warm-up.
 */
public final class SampleBenchmark {
  /**
   * A node with RAPL (2 sockets), cgroup v2/systemd, one pod cgroup per UID (QoS classes mixed, a
   * process and a network namespace each) and 900 host processes.
   */
  static HostFixture fixture(Path root, List<String> uids) {
    HostFixture f =
        new HostFixture(root).machine("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz", 80, false);
    f.raplZone("intel-rapl:0", "package-0", 1_000_000, 262_143_328_850L)
        .raplZone("intel-rapl:0:0", "dram", 1_000_000, 65_712_999_613L)
        .raplZone("intel-rapl:1", "package-1", 1_000_000, 262_143_328_850L)
        .raplZone("intel-rapl:1:0", "dram", 1_000_000, 65_712_999_613L);
    f.cgroups(true, true);
    String[] qos = {"guaranteed", "burstable", "besteffort"};
    for (int i = 0; i < uids.size(); i++) {
      f.pod(uids.get(i), qos[i % 3], 1_000_000L * i, 100_000_000L + i, 10_000 + i)
          .netDev(10_000 + i, i * 1000L, 5);
    }
    for (int p = 0; p < 1000 - uids.size(); p++) {
      f.process(20_000 + p, 1, "host-proc-" + p, p, "/system.slice/s" + p + ".service");
    }
    return f;
  }

  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    Path root = Files.createTempDirectory("sample-bench");
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      uids.add(String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", i, i));
    }
    HostFixture f = fixture(root, uids);
    Map<String, PodMeta> pods = new HashMap<>();
    for (int i = 0; i < uids.size(); i++) {
      pods.put(uids.get(i), new PodMeta(uids.get(i), "ns" + i % 7, "pod-" + i, i % 4));
    }
    CpuInfo cpu = CpuInfo.read(f.proc());
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    NodeSampler sampler =
        new NodeSampler(
            new ProcessTable(f.proc()),
            CgroupLayout.detect(f.cgroup()).map(PodCgroupScanner::new),
            new NodePowerMeter(
                RaplDiscovery.discover(f.powercap()),
                new PowerModel("configured", 50, 300, 0.392, "bench"),
                cpu.memoryBytes()),
            cpu,
            GpuMeter.NONE,
            GpuAllocations.NONE,
            () -> pods,
            new Attributor(IdlePolicy.ProportionalToRequests),
            EnergyLedger.newEpoch(clock, "bench"),
            clock,
            new Warnings(),
            Duration.ofSeconds(30));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < warmup; i++) {
      clock.advance(Duration.ofSeconds(5));
      sampler.sample();
    }
    long[] cpuNanos = new long[runs];
    long wallStart = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      clock.advance(Duration.ofSeconds(5));
      long t0 = mx.getCurrentThreadCpuTime();
      sampler.sample();
      cpuNanos[i] = mx.getCurrentThreadCpuTime() - t0;
    }
    long wall = System.nanoTime() - wallStart;
    if (sampler.last().pods().size() != 100) {
      throw new IllegalStateException("expected 100 pods, got " + sampler.last().pods().size());
    }
    Arrays.sort(cpuNanos);
    double mean = Arrays.stream(cpuNanos).average().orElse(0) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "samples=%d (after %d warm-up) pods=100 processes=%d: CPU per sample mean %.3f ms,"
            + " p50 %.3f ms, p90 %.3f ms, p99 %.3f ms; wall per sample %.3f ms%n",
        runs,
        warmup,
        new ProcessTable(f.proc()).all().size(),
        mean,
        cpuNanos[runs / 2] / 1e6,
        cpuNanos[runs * 9 / 10] / 1e6,
        cpuNanos[runs * 99 / 100] / 1e6,
        wall / 1e6 / runs);
  }
}
