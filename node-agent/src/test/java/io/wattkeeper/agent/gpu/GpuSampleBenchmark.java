package io.wattkeeper.agent.gpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU cost of one {@link GpuMeter#sample()} through the real JNA binding, against the fake NVML (2
 * GPUs, 8 processes each, per-process utilisation samples). Not a test: run by hand (command in
 * docs/gpu.md) and record the figures there. The fake re-reads its scenario file on every call, so
 * the figure is an upper bound of the agent's own (Java + JNA) cost; a real driver's ioctls cost
 * what they cost on top.
 */
public final class GpuSampleBenchmark {

  private GpuSampleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    Path tmp = Files.createTempDirectory("gpu-bench-");
    Path proc = Files.createDirectories(tmp.resolve("proc"));
    StringBuilder procs = new StringBuilder();
    StringBuilder putil = new StringBuilder();
    for (int pid = 1000; pid < 1008; pid++) {
      Files.createDirectories(proc.resolve(Integer.toString(pid)));
      procs.append(procs.length() == 0 ? "" : ",").append(pid).append(":1048576");
      putil
          .append(putil.length() == 0 ? "" : ",")
          .append(pid)
          .append(":")
          .append(pid)
          .append(":30");
    }
    FakeNvml fake = FakeNvml.create(Files.createDirectories(tmp.resolve("lib"))).twoGpus();
    for (int gpu = 0; gpu < 2; gpu++) {
      fake.gpu(gpu, "procs", procs.toString()).gpu(gpu, "putil", putil.toString());
    }
    fake.set("frozen", "1");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (GpuMeter meter =
        GpuMeterProducer.create(
            true, Optional.of(fake.library.toString()), proc, java.time.Clock.systemUTC())) {
      for (int i = 0; i < iterations / 5; i++) {
        meter.sample();
      }
      long cpu0 = threads.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      int processes = 0;
      for (int i = 0; i < iterations; i++) {
        processes += meter.sample().stream().mapToInt(s -> s.processes().size()).sum();
      }
      double cpuMicros = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / iterations;
      double wallMicros = (System.nanoTime() - wall0) / 1e3 / iterations;
      System.out.printf(
          "GpuMeter.sample(): 2 GPUs, %d processes per sample, %d iterations: "
              + "%.1f us CPU, %.1f us wall per sample%n",
          processes / iterations, iterations, cpuMicros, wallMicros);
    }
  }
}
