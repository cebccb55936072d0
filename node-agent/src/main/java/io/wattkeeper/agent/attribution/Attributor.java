package io.wattkeeper.agent.attribution;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits one interval's node energy between pods. Pure: no I/O, no clock.
 *
 * <ul>
 *   <li>CPU: active = total - idle, split by each pod's share of the node's busy CPU time; idle by
 *       the {@link IdlePolicy}.
 *   <li>Memory: by each pod's share of the node's memory.
 *   <li>GPU: an exclusively held GPU is charged whole (idle included) to its holder; a shared GPU
 *       by each pod's SM utilisation, or, when the driver gives no per-process figure, the device
 *       utilisation split equally between the pods running on it.
 *   <li>Whatever no pod used is the system remainder.
 * </ul>
 */
public final class Attributor {
  private final IdlePolicy idlePolicy;

  public Attributor(IdlePolicy idlePolicy) {
    this.idlePolicy = idlePolicy;
  }

  public IntervalAttribution attribute(IntervalInput in) {
    Map<String, double[]> acc = new LinkedHashMap<>(); // uid -> cpu, mem, gpu, gpuUtil
    double cpuTotal = nonNegative(in.cpuJoules());
    double idle = Math.min(cpuTotal, nonNegative(in.cpuIdleJoules()));
    double active = cpuTotal - idle;

    double podCpuSeconds = 0;
    double requests = 0;
    long podMemory = 0;
    for (PodUsage p : in.pods()) {
      acc.put(p.uid(), new double[4]);
      podCpuSeconds += nonNegative(p.cpuSeconds());
      requests += nonNegative(p.cpuRequestCores());
      podMemory += Math.max(0, p.memoryBytes());
    }
    // Pod cgroup and /proc/stat are read a moment apart: never give pods more than the node used.
    double cpuDenominator = Math.max(nonNegative(in.nodeBusyCpuSeconds()), podCpuSeconds);
    double requestDenominator = Math.max(Math.max(1, in.nodeCpus()), requests);
    double memDenominator = Math.max((double) in.nodeMemoryBytes(), podMemory);
    for (PodUsage p : in.pods()) {
      double[] a = acc.get(p.uid());
      if (cpuDenominator > 0) {
        a[0] += active * nonNegative(p.cpuSeconds()) / cpuDenominator;
      }
      if (idlePolicy == IdlePolicy.ProportionalToRequests) {
        a[0] += idle * nonNegative(p.cpuRequestCores()) / requestDenominator;
      }
      if (memDenominator > 0) {
        a[1] += nonNegative(in.memoryJoules()) * Math.max(0, p.memoryBytes()) / memDenominator;
      }
    }

    Map<String, Double> perGpu = new HashMap<>();
    double gpuTotal = 0;
    for (GpuInterval g : in.gpus()) {
      double joules = nonNegative(g.joules());
      perGpu.put(g.uuid(), joules);
      gpuTotal += joules;
      if (g.exclusiveHolderUid() != null) {
        acc.computeIfAbsent(g.exclusiveHolderUid(), k -> new double[4]);
        double[] a = acc.get(g.exclusiveHolderUid());
        a[2] += joules;
        // NaN stays NaN: an unknown figure reported as 0 % would read as idle downstream.
        a[3] += g.utilizationPercent();
        continue;
      }
      splitShared(g, joules, acc);
    }

    Map<String, Shares> pods = new LinkedHashMap<>();
    double sumCpu = 0;
    double sumMem = 0;
    double sumGpu = 0;
    for (Map.Entry<String, double[]> e : acc.entrySet()) {
      double[] a = e.getValue();
      pods.put(e.getKey(), new Shares(a[0], a[1], a[2], a[3]));
      sumCpu += a[0];
      sumMem += a[1];
      sumGpu += a[2];
    }
    Shares system =
        new Shares(
            Math.max(0, cpuTotal - sumCpu),
            Math.max(0, nonNegative(in.memoryJoules()) - sumMem),
            Math.max(0, gpuTotal - sumGpu),
            0);
    return new IntervalAttribution(pods, system, perGpu);
  }

  private static void splitShared(GpuInterval g, double joules, Map<String, double[]> acc) {
    Map<String, Double> util = g.podSmUtilizationPercent();
    if (util.isEmpty()) {
      return; // nobody on it: all to system
    }
    boolean known = util.values().stream().noneMatch(v -> v == null || v.isNaN());
    Map<String, Double> fraction = new HashMap<>();
    boolean utilizationKnown = known || !Double.isNaN(g.utilizationPercent());
    if (known) {
      double sum = util.values().stream().mapToDouble(v -> Math.max(0, v)).sum();
      double scale = sum > 100 ? 100 / sum : 1; // samples overlap: never more than the whole GPU
      util.forEach((uid, v) -> fraction.put(uid, Math.max(0, v) * scale / 100));
    } else {
      double device =
          Double.isNaN(g.utilizationPercent()) ? 100 : clampPercent(g.utilizationPercent());
      util.keySet().forEach(uid -> fraction.put(uid, device / 100 / util.size()));
    }
    fraction.forEach(
        (uid, f) -> {
          double[] a = acc.computeIfAbsent(uid, k -> new double[4]);
          a[2] += joules * f;
          a[3] += utilizationKnown ? f * 100 : Double.NaN; // the equal split is only for energy
        });
  }

  private static double clampPercent(double v) {
    return Math.max(0, Math.min(100, v));
  }

  private static double nonNegative(double v) {
    return Double.isNaN(v) || v < 0 ? 0 : v;
  }
}
