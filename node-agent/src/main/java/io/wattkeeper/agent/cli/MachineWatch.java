package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.proc.CpuTicks;
import io.wattkeeper.agent.proc.ProcessInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches the whole machine for a while and ranks processes and cgroups by the CPU energy their CPU
 * time cost (active joules per busy CPU-second of the machine over the window).
 */
final class MachineWatch {
  /** A row of the tables. */
  record Row(String id, String name, double cpuSeconds, double joules, double watts) {}

  record Result(List<Row> processes, List<Row> cgroups, MachineIntegrator machine) {}

  private MachineWatch() {}

  /** Watches for {@code duration}, or until a signal comes: then the result covers until then. */
  static Result run(
      MachineContext m, Duration duration, Duration interval, int top, SignalForwarder signals)
      throws IOException, InterruptedException {
    Map<Integer, ProcessInfo> before = index(m.processes.all());
    MachineIntegrator machine = new MachineIntegrator(m);
    long end = System.nanoTime() + duration.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        break;
      }
      boolean stop = signals.await(Math.max(1, Math.min(interval.toMillis(), left / 1_000_000)));
      machine.tick();
      if (stop) {
        break;
      }
    }
    List<ProcessInfo> after = m.processes.all();
    double perCpuSecond = machine.joulesPerCpuSecond();
    double seconds = Math.max(machine.seconds, 1e-9);
    List<Row> processes = new ArrayList<>();
    Map<String, double[]> cgroups = new HashMap<>();
    for (ProcessInfo p : after) {
      ProcessInfo b = before.get(p.pid());
      long ticks =
          b == null || !b.comm().equals(p.comm()) ? p.cpuTicks() : p.cpuTicks() - b.cpuTicks();
      if (ticks <= 0) {
        continue;
      }
      double cpuSeconds = ticks / CpuTicks.TICKS_PER_SECOND;
      double joules = cpuSeconds * perCpuSecond;
      processes.add(
          new Row(Integer.toString(p.pid()), p.comm(), cpuSeconds, joules, joules / seconds));
      String cg = m.processes.cgroupFile(p.pid()).map(MachineWatch::cgroupPath).orElse("?");
      double[] acc = cgroups.computeIfAbsent(cg, k -> new double[2]);
      acc[0] += cpuSeconds;
      acc[1] += joules;
    }
    List<Row> cgroupRows = new ArrayList<>();
    cgroups.forEach((k, v) -> cgroupRows.add(new Row(k, k, v[0], v[1], v[1] / seconds)));
    Comparator<Row> busiest = Comparator.comparingDouble(Row::joules).reversed();
    processes.sort(busiest);
    cgroupRows.sort(busiest);
    return new Result(
        processes.subList(0, Math.min(top, processes.size())),
        cgroupRows.subList(0, Math.min(top, cgroupRows.size())),
        machine);
  }

  /** The unified (v2) path, else the cpu controller's (v1). */
  static String cgroupPath(String procCgroupFile) {
    String v1 = null;
    for (String line : procCgroupFile.split("\n")) {
      if (line.startsWith("0::")) {
        return line.substring(3);
      }
      String[] f = line.split(":", 3);
      if (f.length == 3 && (f[1].contains("cpuacct") || f[1].equals("cpu"))) {
        v1 = f[2];
      }
    }
    return v1 == null ? "?" : v1;
  }

  private static Map<Integer, ProcessInfo> index(List<ProcessInfo> all) {
    Map<Integer, ProcessInfo> out = new HashMap<>();
    all.forEach(p -> out.put(p.pid(), p));
    return out;
  }
}
