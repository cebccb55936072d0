package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.gpu.GpuEnergyIntegrator;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.host.SmallFiles;
import io.wattkeeper.agent.measure.NodeEnergy;
import io.wattkeeper.agent.proc.CpuTicks;
import io.wattkeeper.agent.proc.ProcStat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Adds up the machine's energy over the intervals of a measure run. */
final class MachineIntegrator {
  private final MachineContext m;
  private long lastNanos;
  private CpuTicks lastTicks;
  private final Map<String, Double> lastGpuCounter = new HashMap<>();
  private final Map<String, Double> lastGpuWatts = new HashMap<>();
  final Set<String> warnings = new LinkedHashSet<>();

  double seconds;
  double cpuJoules;
  double cpuIdleJoules;
  double memoryJoules;
  double busyCpuSeconds;
  double gpuJoules;
  double utilizationSum;
  int intervals;
  final Set<String> gpuNames = new LinkedHashSet<>();
  int gpuCount;
  // Time-weighted sums for CodeCarbon's ram_used_gb, ram_utilization_percent and
  // gpu_utilization_percent (the machine's, not the command's).
  double memUsedByteSeconds;
  double memPercentSeconds;
  double memSeconds;
  double gpuUtilSeconds;
  double gpuUtilTime;

  /** One GPU's energy in the latest interval, with its processes. */
  record GpuTick(GpuSample sample, double joules) {}

  MachineIntegrator(MachineContext m) throws IOException {
    this.m = m;
    m.power.startupWarnings().forEach(warnings::add);
    lastNanos = System.nanoTime();
    lastTicks = ProcStat.read(m.host.proc());
    for (GpuSample g : m.gpu.sample()) {
      rememberGpu(g);
    }
    if (m.gpu instanceof SelectedGpus selected && selected.unmatchedWarning() != null) {
      warnings.add(selected.unmatchedWarning());
    }
  }

  /** Closes the current interval; returns the GPUs' energy in it. */
  List<GpuTick> tick() throws IOException {
    long now = System.nanoTime();
    double dt = (now - lastNanos) / 1e9;
    CpuTicks ticks = ProcStat.read(m.host.proc());
    List<GpuTick> gpus = new ArrayList<>();
    if (dt <= 0) {
      return gpus;
    }
    double u = ticks.utilizationSince(lastTicks);
    NodeEnergy e = m.power.sample(dt, u);
    if (m.power.lastWarning() != null) {
      warnings.add(m.power.lastWarning());
    }
    seconds += dt;
    cpuJoules += e.cpuJoules();
    cpuIdleJoules += e.cpuIdleJoules();
    memoryJoules += e.memoryJoules();
    busyCpuSeconds += ticks.busySecondsSince(lastTicks);
    utilizationSum += u * dt;
    intervals++;
    MachineMemory mem = readMemory();
    if (mem != null) {
      memUsedByteSeconds += mem.usedBytes() * dt;
      memPercentSeconds += mem.percent() * dt;
      memSeconds += dt;
    }
    List<GpuSample> samples = m.gpu.sample();
    gpuCount = Math.max(gpuCount, samples.size());
    double utilSum = 0;
    int utilKnown = 0;
    for (GpuSample g : samples) {
      if (!Double.isNaN(g.utilizationPercent())) {
        utilSum += g.utilizationPercent();
        utilKnown++;
      }
    }
    if (utilKnown > 0) {
      gpuUtilSeconds += utilSum / utilKnown * dt;
      gpuUtilTime += dt;
    }
    for (GpuSample g : samples) {
      gpuNames.add(g.name());
      // The agent's rule: counter delta, else power x time, never an absurd counter jump.
      double j =
          GpuEnergyIntegrator.between(
                  g,
                  lastGpuCounter.getOrDefault(g.uuid(), Double.NaN),
                  lastGpuWatts.getOrDefault(g.uuid(), Double.NaN),
                  dt)
              .joules();
      if (Double.isNaN(j)) {
        j = 0;
        warnings.add(
            "GPU " + g.uuid() + ": no usable energy counter or power reading: counted as 0 J");
      }
      gpuJoules += j;
      gpus.add(new GpuTick(g, j));
      rememberGpu(g);
    }
    lastNanos = now;
    lastTicks = ticks;
    return gpus;
  }

  /** Active CPU joules per busy CPU-second over the run: what a process's CPU time costs. */
  double joulesPerCpuSecond() {
    if (busyCpuSeconds > 0.01) {
      return (cpuJoules - cpuIdleJoules) / busyCpuSeconds;
    }
    return (m.model.cpuMaxWatts() - m.model.cpuIdleWatts()) / m.cpu.logicalCpus();
  }

  /** The machine's mean used memory (psutil's definition), NaN when /proc/meminfo was unread. */
  double meanMemoryUsedBytes() {
    return memSeconds > 0 ? memUsedByteSeconds / memSeconds : Double.NaN;
  }

  double meanMemoryPercent() {
    return memSeconds > 0 ? memPercentSeconds / memSeconds : Double.NaN;
  }

  /** Mean device utilisation of the GPUs, 0 without GPUs (as CodeCarbon), NaN when unknown. */
  double meanGpuUtilizationPercent() {
    if (gpuUtilTime > 0) {
      return gpuUtilSeconds / gpuUtilTime;
    }
    return gpuCount == 0 ? 0 : Double.NaN;
  }

  private MachineMemory readMemory() {
    try {
      return MachineMemory.parse(SmallFiles.read(m.host.proc().resolve("meminfo")));
    } catch (IOException e) {
      warnings.add("cannot read meminfo (" + e.getMessage() + "): ram_used_gb unknown");
      return null;
    }
  }

  double utilizationPercent() {
    return seconds > 0 ? 100 * utilizationSum / seconds : 0;
  }

  private void rememberGpu(GpuSample g) {
    lastGpuWatts.put(g.uuid(), g.watts());
    if (!Double.isNaN(g.energyCounterJoules())) {
      lastGpuCounter.put(g.uuid(), g.energyCounterJoules());
    } else {
      lastGpuCounter.remove(g.uuid()); // power x time this interval: the old baseline is stale
    }
  }
}
