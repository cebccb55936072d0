package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.host.SmallFiles;
import io.wattkeeper.agent.proc.CpuTicks;
import io.wattkeeper.agent.proc.ProcessInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command and measures its whole process tree. CPU time is what the kernel charges to this
 * JVM's waited-for children (cutime + cstime of /proc/self/stat, which includes every descendant
 * the command waited for), or the sum seen by scanning the tree when that is larger (descendants
 * that were orphaned). Memory is the tree's resident set over time; GPU energy is the share of each
 * GPU used by the tree's processes.
 */
final class CommandRun {
  /** What the run measured. */
  record Result(
      int exitCode,
      double seconds,
      double cpuSeconds,
      double cpuJoules,
      double memoryJoules,
      double gpuJoules,
      double meanRssBytes,
      double gpuUtilizationPercent,
      MachineIntegrator machine) {}

  private CommandRun() {}

  static Result run(
      MachineContext m,
      List<String> command,
      Duration interval,
      boolean stdoutToStderr,
      SignalForwarder signals)
      throws IOException, InterruptedException {
    long selfBefore = selfChildrenTicks();
    MachineIntegrator machine = new MachineIntegrator(m);
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    if (stdoutToStderr) {
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File("/dev/stderr")));
    }
    // A process that exists before the command starts is not its descendant: the first scan
    // reads only processes started since, not the whole machine.
    Set<Integer> outside = livePids(m);
    long start = System.nanoTime();
    Process process = pb.start();
    signals.forwardTo(process.pid());
    int root = (int) process.pid();
    outside.remove(root); // its PID may be one that ended after the listing
    Set<Integer> tree = new HashSet<>();
    tree.add(root);
    Map<Integer, Long> treeTicks = new HashMap<>();
    int scans = 0;
    double rssByteSeconds = 0;
    double memoryJoules = 0;
    double gpuJoules = 0;
    double gpuUtilSeconds = 0;
    double lastRss = 0;
    long lastTick = start;
    boolean done = false;
    // A first look soon after start catches short commands' memory; then every interval.
    long waitMillis = Math.min(interval.toMillis(), 250);
    while (!done) {
      done = process.waitFor(waitMillis, TimeUnit.MILLISECONDS);
      waitMillis = interval.toMillis();
      long now = System.nanoTime();
      double dt = (now - lastTick) / 1e9;
      lastTick = now;
      if (!done) {
        lastRss = scanTree(m, tree, treeTicks, outside, ++scans % 30 == 0);
      }
      double nodeMemBefore = machine.memoryJoules;
      List<MachineIntegrator.GpuTick> gpus = machine.tick();
      rssByteSeconds += lastRss * dt;
      if (m.cpu.memoryBytes() > 0) {
        memoryJoules += (machine.memoryJoules - nodeMemBefore) * lastRss / m.cpu.memoryBytes();
      }
      for (MachineIntegrator.GpuTick g : gpus) {
        double share = treeShare(g.sample(), tree);
        gpuJoules += g.joules() * share;
        gpuUtilSeconds += share * 100 * dt;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long selfAfter = selfChildrenTicks();
    double waited = Math.max(0, selfAfter - selfBefore) / CpuTicks.TICKS_PER_SECOND;
    long scannedTicks = 0;
    for (long t : treeTicks.values()) {
      scannedTicks += t;
    }
    double scanned = scannedTicks / CpuTicks.TICKS_PER_SECOND;
    double cpuSeconds = Math.max(waited, scanned);
    double cpuJoules = cpuSeconds * machine.joulesPerCpuSecond();
    return new Result(
        process.exitValue(),
        seconds,
        cpuSeconds,
        cpuJoules,
        memoryJoules,
        gpuJoules,
        seconds > 0 ? rssByteSeconds / seconds : 0,
        seconds > 0 ? gpuUtilSeconds / seconds : 0,
        machine);
  }

  /**
   * Adds the root's new descendants to {@code tree}, records their CPU ticks; returns tree RSS.
   * Only new PIDs and tree members are read: a process seen outside the tree cannot join it (a new
   * descendant is a new PID), so {@code outside} spares reading the whole machine each time. A full
   * rescan ({@code full}) guards against PID reuse.
   */
  static double scanTree(
      MachineContext m,
      Set<Integer> tree,
      Map<Integer, Long> ticks,
      Set<Integer> outside,
      boolean full) {
    if (full) {
      outside.clear();
    }
    Set<Integer> pids = livePids(m);
    Map<Integer, ProcessInfo> read = new HashMap<>();
    for (int pid : pids) {
      if (!outside.contains(pid)) {
        Optional<ProcessInfo> p = m.processes.read(pid);
        if (p.isPresent()) {
          read.put(pid, p.get());
        }
      }
    }
    boolean grew = true;
    while (grew) {
      grew = false;
      for (ProcessInfo p : read.values()) {
        if (!tree.contains(p.pid()) && tree.contains(p.ppid())) {
          tree.add(p.pid());
          grew = true;
        }
      }
    }
    double rss = 0;
    for (ProcessInfo p : read.values()) {
      if (tree.contains(p.pid())) {
        rss += p.rssBytes();
        ticks.merge(p.pid(), p.cpuTicks(), Math::max);
      } else {
        outside.add(p.pid());
      }
    }
    outside.retainAll(pids);
    return rss;
  }

  /**
   * The PIDs in /proc. {@link java.io.File#list()} gives plain names: a quarter of the CPU of a
   * {@code DirectoryStream} of Paths, which counts at every scan of a machine with many processes.
   */
  static Set<Integer> livePids(MachineContext m) {
    String[] names = m.processes.procDir().toFile().list();
    if (names == null) {
      throw new IllegalStateException("cannot list " + m.processes.procDir());
    }
    Set<Integer> pids = new HashSet<>();
    for (String n : names) {
      if (isPid(n)) {
        pids.add(Integer.parseInt(n));
      }
    }
    return pids;
  }

  private static boolean isPid(String name) {
    if (name.isEmpty() || name.length() > 9) {
      return false; // pid_max is at most 2^22
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The fraction of a GPU used by the tree: SM utilisation, else its share of the processes. */
  static double treeShare(GpuSample g, Set<Integer> tree) {
    if (g.processes().isEmpty()) {
      return 0;
    }
    double mine = 0;
    int mineCount = 0;
    boolean known = true;
    for (GpuSample.GpuProcess p : g.processes()) {
      known &= !Double.isNaN(p.smUtilizationPercent());
      if (tree.contains(p.pid())) {
        mineCount++;
        mine += Double.isNaN(p.smUtilizationPercent()) ? 0 : p.smUtilizationPercent();
      }
    }
    if (mineCount == 0) {
      return 0;
    }
    if (known) {
      return Math.min(1, mine / 100);
    }
    double device = Double.isNaN(g.utilizationPercent()) ? 100 : g.utilizationPercent();
    return Math.min(1, device / 100 * mineCount / g.processes().size());
  }

  /** cutime + cstime of this JVM: CPU of children it has waited for, in ticks. */
  static long selfChildrenTicks() throws IOException {
    String text = SmallFiles.read(Path.of("/proc/self/stat"));
    String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[13]) + Long.parseLong(f[14]);
  }
}
