package io.wattkeeper.agent.report;

import io.wattkeeper.agent.attribution.Attributor;
import io.wattkeeper.agent.attribution.GpuInterval;
import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.attribution.IntervalInput;
import io.wattkeeper.agent.attribution.PodUsage;
import io.wattkeeper.agent.attribution.Shares;
import io.wattkeeper.agent.cgroup.PodCgroup;
import io.wattkeeper.agent.cgroup.PodCgroupReader;
import io.wattkeeper.agent.cgroup.PodCgroupScanner;
import io.wattkeeper.agent.cgroup.PodUids;
import io.wattkeeper.agent.gpu.GpuEnergyIntegrator;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.measure.CpuInfo;
import io.wattkeeper.agent.measure.NodeEnergy;
import io.wattkeeper.agent.measure.NodePowerMeter;
import io.wattkeeper.agent.net.NetDev;
import io.wattkeeper.agent.podresources.GpuAllocations;
import io.wattkeeper.agent.proc.CpuTicks;
import io.wattkeeper.agent.proc.MarkedPods;
import io.wattkeeper.agent.proc.ProcStat;
import io.wattkeeper.agent.proc.ProcessTable;
import io.wattkeeper.agent.state.EnergyLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One sample of the node: reads /proc/stat, the pod cgroups, RAPL or the model, and the GPUs;
 * attributes the interval since the previous sample and adds it to the ledger. The first call only
 * takes the baselines.
 */
public final class NodeSampler {
  private final Path procDir;
  private final ProcessTable processes;
  private final Optional<PodCgroupScanner> scanner;
  private final Optional<PodCgroupReader> reader;
  private final NodePowerMeter power;
  private final CpuInfo cpu;
  private final GpuMeter gpuMeter;
  private final GpuAllocations allocations;
  private final PodDirectory directory;
  private final Attributor attributor;
  private final EnergyLedger ledger;
  private final Clock clock;
  private final Warnings warnings;

  private Instant lastAt;
  private CpuTicks lastTicks;
  private Map<String, Long> lastPodCpuNanos = new HashMap<>();
  private final Duration networkInterval;
  private Instant lastNetAt;
  private Map<String, Long> lastNetBytes = new HashMap<>();
  private Map<String, Double> netRates = new HashMap<>();
  private final Map<String, Integer> podPids = new HashMap<>();
  private final Set<String> hostNetworkPods = new HashSet<>();
  private final Map<String, Double> lastGpuCounter = new HashMap<>();
  private final Map<String, Double> lastGpuWatts = new HashMap<>();
  private volatile LastInterval last;
  private final Optional<MarkedPods> markedPods;

  public NodeSampler(
      ProcessTable processes,
      Optional<PodCgroupScanner> scanner,
      NodePowerMeter power,
      CpuInfo cpu,
      GpuMeter gpuMeter,
      GpuAllocations allocations,
      PodDirectory directory,
      Attributor attributor,
      EnergyLedger ledger,
      Clock clock,
      Warnings warnings,
      Duration networkInterval) {
    this(
        processes,
        scanner,
        power,
        cpu,
        gpuMeter,
        allocations,
        directory,
        attributor,
        ledger,
        clock,
        warnings,
        networkInterval,
        Optional.empty());
  }

  /** {@code markedPods}: pods without a cgroup, found by a marker in their processes' env. */
  public NodeSampler(
      ProcessTable processes,
      Optional<PodCgroupScanner> scanner,
      NodePowerMeter power,
      CpuInfo cpu,
      GpuMeter gpuMeter,
      GpuAllocations allocations,
      PodDirectory directory,
      Attributor attributor,
      EnergyLedger ledger,
      Clock clock,
      Warnings warnings,
      Duration networkInterval,
      Optional<MarkedPods> markedPods) {
    this.markedPods = markedPods;
    this.networkInterval = networkInterval;
    this.processes = processes;
    this.procDir = processes.procDir();
    this.scanner = scanner;
    this.reader = scanner.map(s -> new PodCgroupReader(s.layout()));
    this.power = power;
    this.cpu = cpu;
    this.gpuMeter = gpuMeter;
    this.allocations = allocations;
    this.directory = directory;
    this.attributor = attributor;
    this.ledger = ledger;
    this.clock = clock;
    this.warnings = warnings;
  }

  public LastInterval last() {
    return last;
  }

  public EnergyLedger ledger() {
    return ledger;
  }

  /** Takes one sample. Returns the interval attributed, or null for the baseline sample. */
  public synchronized IntervalAttribution sample() throws IOException {
    Instant now = clock.instant();
    CpuTicks ticks = ProcStat.read(procDir);
    List<PodCgroup> pods = scanner.map(PodCgroupScanner::scan).orElse(List.of());
    Map<String, Long> cpuNanos = new HashMap<>();
    Map<String, Long> memory = new HashMap<>();
    // Network counters change the idle verdict, not the energy: read them once per
    // networkInterval (the report interval), not every sample; that is a third of the files.
    boolean netDue =
        lastNetAt == null || Duration.between(lastNetAt, now).compareTo(networkInterval) >= 0;
    Map<String, Long> netBytes = netDue ? new HashMap<>() : null;
    Path hostNet = netDue ? NetDev.hostNamespace(procDir) : null;
    Set<String> running = new HashSet<>();
    int unreadable = 0;
    for (PodCgroup pod : pods) {
      running.add(pod.uid());
      try {
        // Read both before keeping either: a pod deleted between the two reads is skipped whole.
        long nanos = reader.get().cpuUsageNanos(pod);
        long bytes = reader.get().memoryBytes(pod);
        cpuNanos.put(pod.uid(), nanos);
        memory.put(pod.uid(), bytes);
      } catch (IOException e) {
        unreadable++;
        if (unreadable == 1) {
          warnings.add("pod cgroup unreadable: " + e.getMessage());
        }
      }
      if (netDue) {
        readNet(pod, hostNet).ifPresent(b -> netBytes.put(pod.uid(), b));
      }
    }
    if (unreadable > 1) {
      warnings.add(unreadable + " pod cgroups unreadable in one sample");
    }
    if (markedPods.isPresent()) {
      for (Map.Entry<String, MarkedPods.Usage> e : markedPods.get().read().entrySet()) {
        String uid = e.getKey();
        if (running.add(uid)) { // a pod with a cgroup is measured by its cgroup
          cpuNanos.put(uid, e.getValue().cpuNanos());
          memory.put(uid, e.getValue().memoryBytes());
          if (netDue) {
            readNet(uid, e.getValue().anyPid(), hostNet).ifPresent(b -> netBytes.put(uid, b));
          }
        }
      }
    }
    List<GpuSample> gpuSamples = gpuMeter.sample();

    if (netDue) {
      updateNetRates(now, netBytes);
    }
    if (lastAt == null) {
      remember(now, ticks, cpuNanos, gpuSamples);
      return null;
    }
    double seconds = Duration.between(lastAt, now).toNanos() / 1e9;
    if (seconds <= 0) {
      return null;
    }
    double utilization = ticks.utilizationSince(lastTicks);
    NodeEnergy node = power.sample(seconds, utilization);
    if (power.lastWarning() != null) {
      warnings.add(power.lastWarning());
    }

    Map<String, PodMeta> meta = directory.byUid();
    List<PodUsage> usages = new ArrayList<>();
    for (Map.Entry<String, Long> e : cpuNanos.entrySet()) {
      Long before = lastPodCpuNanos.get(e.getKey());
      double cpuSeconds =
          before == null || e.getValue() < before ? 0 : (e.getValue() - before) / 1e9;
      PodMeta m = meta.get(e.getKey());
      usages.add(
          new PodUsage(
              e.getKey(), cpuSeconds, m == null ? 0 : m.cpuRequestCores(), memory.get(e.getKey())));
    }

    List<GpuReading> gpuReadings = new ArrayList<>();
    List<GpuInterval> gpuIntervals = gpuIntervals(gpuSamples, seconds, gpuReadings);
    IntervalInput input =
        new IntervalInput(
            node.cpuJoules(),
            node.cpuIdleJoules(),
            node.memoryJoules(),
            ticks.busySecondsSince(lastTicks),
            cpu.logicalCpus(),
            cpu.memoryBytes(),
            usages,
            gpuIntervals);
    IntervalAttribution result = attributor.attribute(input);
    ledger.add(result, running);
    meta.values().forEach(m -> ledger.name(m.uid(), m.namespace(), m.name()));

    Map<String, PodRates> rates = new HashMap<>();
    Map<String, Double> coresByPod = new HashMap<>();
    usages.forEach(u -> coresByPod.put(u.uid(), u.cpuSeconds() / seconds));
    for (Map.Entry<String, Shares> e : result.pods().entrySet()) {
      String uid = e.getKey();
      Shares s = e.getValue();
      double netRate = netRates.getOrDefault(uid, Double.NaN);
      List<String> exclusive = new ArrayList<>();
      gpuReadings.forEach(
          g -> {
            if (uid.equals(g.exclusivePodUid())) {
              exclusive.add(g.sample().uuid());
            }
          });
      rates.put(
          uid,
          new PodRates(
              s.cpuJoules() / seconds,
              s.memoryJoules() / seconds,
              s.gpuJoules() / seconds,
              coresByPod.getOrDefault(uid, 0.0),
              s.gpuUtilizationPercent(),
              netRate,
              List.copyOf(exclusive)));
    }
    double gpuJoules = result.gpuJoulesByGpu().values().stream().mapToDouble(d -> d).sum();
    last = new LastInterval(now, node, gpuJoules, Map.copyOf(rates), List.copyOf(gpuReadings));
    remember(now, ticks, cpuNanos, gpuSamples);
    return result;
  }

  private List<GpuInterval> gpuIntervals(
      List<GpuSample> samples, double seconds, List<GpuReading> readings) {
    if (samples.isEmpty()) {
      return List.of();
    }
    Map<String, String> holders = new HashMap<>();
    allocations
        .exclusiveHolders()
        .forEach(
            (uuid, ref) -> {
              Optional<String> uid = directory.uidOf(ref.namespace(), ref.name());
              if (uid.isPresent()) {
                holders.put(uuid, uid.get());
              } else {
                warnings.add(
                    "GPU "
                        + uuid
                        + " is held by pod "
                        + ref.namespace()
                        + "/"
                        + ref.name()
                        + " which is not among this node's pods: treated as shared");
              }
            });
    List<GpuInterval> out = new ArrayList<>();
    for (GpuSample g : samples) {
      GpuEnergyIntegrator.Interval interval =
          GpuEnergyIntegrator.between(
              g,
              lastGpuCounter.getOrDefault(g.uuid(), Double.NaN),
              lastGpuWatts.getOrDefault(g.uuid(), Double.NaN),
              seconds);
      double joules = interval.joules();
      boolean counter = interval.method() == GpuEnergyIntegrator.Method.ENERGY_COUNTER;
      if (Double.isNaN(joules)) {
        // The attribution must conserve energy: an unknown interval is 0 J, and said so.
        joules = 0;
        warnings.add(
            "GPU "
                + g.uuid()
                + ": no usable energy counter or power reading this interval: counted as 0 J");
      }
      Map<String, Double> podUtil = new HashMap<>();
      for (GpuSample.GpuProcess p : g.processes()) {
        Optional<String> uid = podOfPid(p.pid());
        if (uid.isEmpty()) {
          continue; // not a pod process (host daemon) or a garbage PID: its share goes to system
        }
        podUtil.merge(uid.get(), p.smUtilizationPercent(), NodeSampler::addUtil);
      }
      String holder = holders.get(g.uuid());
      out.add(new GpuInterval(g.uuid(), joules, g.utilizationPercent(), holder, podUtil));
      readings.add(new GpuReading(g, joules, !counter, holder));
    }
    return out;
  }

  private static Double addUtil(Double a, Double b) {
    return a.isNaN() || b.isNaN() ? Double.NaN : a + b;
  }

  /** The pod a host PID belongs to, after sanity checks on the PID. */
  Optional<String> podOfPid(int pid) {
    return processes.cgroupFile(pid).flatMap(PodUids::fromProcCgroupFile);
  }

  private void updateNetRates(Instant now, Map<String, Long> netBytes) {
    Map<String, Double> rates = new HashMap<>();
    if (lastNetAt != null) {
      double seconds = Duration.between(lastNetAt, now).toNanos() / 1e9;
      netBytes.forEach(
          (uid, bytes) -> {
            Long before = lastNetBytes.get(uid);
            if (before != null && bytes >= before && seconds > 0) {
              rates.put(uid, (bytes - before) / seconds);
            }
          });
    }
    netRates = rates;
    lastNetBytes = netBytes;
    lastNetAt = now;
  }

  /** A marked pod's network counters through one of its processes. */
  private Optional<Long> readNet(String uid, int pid, Path hostNet) {
    if (!Integer.valueOf(pid).equals(podPids.get(uid))) {
      podPids.put(uid, pid);
      if (NetDev.inNamespace(procDir, pid, hostNet)) {
        hostNetworkPods.add(uid);
      } else {
        hostNetworkPods.remove(uid);
      }
    }
    if (hostNetworkPods.contains(uid)) {
      return Optional.empty();
    }
    try {
      return Optional.of(NetDev.receiveBytes(procDir, pid));
    } catch (IOException e) {
      podPids.remove(uid);
      return Optional.empty();
    }
  }

  private Optional<Long> readNet(PodCgroup pod, Path hostNet) {
    Integer pid = podPids.get(pod.uid());
    // A cached PID is not stat-ed each sample: when it is gone, reading net/dev fails and the
    // next sample looks the PID up again. Its namespace is checked once, when it is found.
    if (pid == null) {
      OptionalInt found = reader.get().anyPid(pod);
      if (found.isEmpty()) {
        podPids.remove(pod.uid());
        return Optional.empty();
      }
      pid = found.getAsInt();
      podPids.put(pod.uid(), pid);
      if (NetDev.inNamespace(procDir, pid, hostNet)) {
        hostNetworkPods.add(pod.uid());
      } else {
        hostNetworkPods.remove(pod.uid());
      }
    }
    if (hostNetworkPods.contains(pod.uid())) {
      return Optional.empty(); // hostNetwork: the node's traffic, not the pod's; reported unknown
    }
    try {
      return Optional.of(NetDev.receiveBytes(procDir, pid));
    } catch (IOException e) {
      podPids.remove(pod.uid());
      return Optional.empty();
    }
  }

  private void remember(
      Instant now, CpuTicks ticks, Map<String, Long> cpuNanos, List<GpuSample> gpus) {
    lastAt = now;
    lastTicks = ticks;
    lastPodCpuNanos = cpuNanos;
    podPids.keySet().retainAll(cpuNanos.keySet());
    hostNetworkPods.retainAll(podPids.keySet());
    lastGpuWatts.clear();
    lastGpuCounter.keySet().retainAll(gpus.stream().map(GpuSample::uuid).toList());
    for (GpuSample g : gpus) {
      lastGpuWatts.put(g.uuid(), g.watts());
      if (!Double.isNaN(g.energyCounterJoules())) {
        lastGpuCounter.put(g.uuid(), g.energyCounterJoules());
      } else {
        // This interval was power x time: a delta from the old baseline would count it again.
        lastGpuCounter.remove(g.uuid());
      }
    }
  }
}
