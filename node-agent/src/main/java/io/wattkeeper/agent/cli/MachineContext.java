package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.gpu.GpuMeterProducer;
import io.wattkeeper.agent.host.HostPaths;
import io.wattkeeper.agent.measure.CpuInfo;
import io.wattkeeper.agent.measure.CpuTdpTable;
import io.wattkeeper.agent.measure.ModelOverrides;
import io.wattkeeper.agent.measure.NodePowerMeter;
import io.wattkeeper.agent.measure.PowerModel;
import io.wattkeeper.agent.measure.PowerModelResolver;
import io.wattkeeper.agent.measure.RaplDiscovery;
import io.wattkeeper.agent.proc.ProcessTable;
import java.io.IOException;
import java.util.List;
import java.util.OptionalDouble;

/** The machine as measure sees it: meters, model and process table, built without CDI. */
final class MachineContext {
  final HostPaths host;
  final CpuInfo cpu;
  final PowerModel model;
  final NodePowerMeter power;
  final ProcessTable processes;
  final GpuMeter gpu;

  MachineContext(HostPaths host, SimpleConfig config, GpuMeter gpu) throws IOException {
    this(host, config, gpu, OptionalDouble.empty(), OptionalDouble.empty(), List.of());
  }

  /**
   * With CodeCarbon's overrides: {@code cpuPowerWatts} (force_cpu_power) is the machine's CPU power
   * at full load, replacing RAPL and the model's CPU part (idle at the model's 0.12/1.02 of it);
   * {@code ramPowerWatts} (force_ram_power) is constant memory power, replacing RAPL DRAM and the
   * model's memory part; {@code gpuIds} keeps only those GPUs (NVML index or UUID).
   */
  MachineContext(
      HostPaths host,
      SimpleConfig config,
      GpuMeter gpu,
      OptionalDouble cpuPowerWatts,
      OptionalDouble ramPowerWatts,
      List<String> gpuIds)
      throws IOException {
    this.host = host;
    this.cpu = CpuInfo.read(host.proc());
    PowerModel resolved =
        new PowerModelResolver(CpuTdpTable.builtIn())
            .resolve(
                cpu,
                new ModelOverrides(
                    config.getDouble("wattkeeper.agent.model.cpu-idle-watts"),
                    config.getDouble("wattkeeper.agent.model.cpu-max-watts"),
                    config.getDouble("wattkeeper.agent.model.tdp-watts"),
                    config.getDouble("wattkeeper.agent.model.memory-watts-per-gb")));
    this.model = forced(resolved, cpuPowerWatts, ramPowerWatts, cpu.memoryBytes());
    RaplDiscovery.Result rapl = RaplDiscovery.discover(host.powercap());
    if (cpuPowerWatts.isPresent()) {
      rapl = new RaplDiscovery.Result(List.of(), rapl.warnings());
    } else if (ramPowerWatts.isPresent()) {
      rapl =
          new RaplDiscovery.Result(
              rapl.zones().stream().filter(z -> !z.dram()).toList(), rapl.warnings());
    }
    this.power = new NodePowerMeter(rapl, model, cpu.memoryBytes());
    this.processes = new ProcessTable(host.proc());
    this.gpu = gpuIds.isEmpty() ? gpu : new SelectedGpus(gpu, gpuIds);
  }

  /** The Teads/Boavizta idle share of full load that the TDP model uses (0.12 / 1.02). */
  static final double IDLE_SHARE = 0.12 / 1.02;

  static PowerModel forced(
      PowerModel m, OptionalDouble cpuWatts, OptionalDouble ramWatts, long memoryBytes) {
    if (cpuWatts.isEmpty() && ramWatts.isEmpty()) {
      return m;
    }
    double max = cpuWatts.orElse(m.cpuMaxWatts());
    double idle = cpuWatts.isPresent() ? IDLE_SHARE * max : m.cpuIdleWatts();
    double perGb =
        ramWatts.isPresent() && memoryBytes > 0
            ? ramWatts.getAsDouble() / (memoryBytes / 1e9)
            : m.memoryWattsPerGb();
    StringBuilder source = new StringBuilder();
    if (cpuWatts.isPresent()) {
      source.append(
          String.format(
              java.util.Locale.ROOT,
              "CPU %s W at full load given (--cpu-power), idle 0.12/1.02 of it",
              cpuWatts.getAsDouble()));
    } else {
      source.append(m.source());
    }
    if (ramWatts.isPresent()) {
      source.append(
          String.format(
              java.util.Locale.ROOT, "; memory %s W given (--ram-power)", ramWatts.getAsDouble()));
    }
    return new PowerModel(
        cpuWatts.isPresent() ? "forced" : m.name(), idle, max, perGb, source.toString());
  }

  /** What Nvml.DEFAULT_LIBRARY loads when WATTKEEPER_NVML_LIBRARY names no other library. */
  static final String NVML_LIBRARY = "libnvidia-ml.so.1";

  /** Held: JUL keeps loggers weakly, and a collected one forgets its level. */
  private static java.util.logging.Logger gpuLog;

  /**
   * The GPU meter for measure, which has no CDI: NVML when it loads, else none. JNA is not touched
   * when no NVML library is installed ({@link NvmlLocator}). A meter that fails to start means no
   * GPU, said on stderr.
   */
  static GpuMeter loadGpuMeter(java.io.PrintStream err) {
    NvmlLocator locator = NvmlLocator.system();
    if (System.getenv("WATTKEEPER_NVML_LIBRARY") == null && !locator.mayLoad(NVML_LIBRARY)) {
      return GpuMeter.NONE;
    }
    quietGpuLogging();
    if (System.getProperty("jna.platform.library.path") == null) {
      System.setProperty("jna.platform.library.path", locator.platformLibraryPath());
    }
    try {
      return GpuMeterProducer.forCommandLine();
    } catch (RuntimeException | LinkageError e) {
      err.println("wattkeeper measure: GPU meter unavailable (" + e + "): gpu none");
      return GpuMeter.NONE;
    }
  }

  /**
   * The GPU code logs through JBoss Logging. Without Quarkus' log manager, naming the JDK provider
   * spares its search of every jar for another (~100 ms), and its INFO lines, which the report
   * repeats as sources.gpu, stay off stderr; warnings still show.
   */
  private static void quietGpuLogging() {
    if (System.getProperty("org.jboss.logging.provider") == null
        && System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("org.jboss.logging.provider", "jdk");
    }
    gpuLog = java.util.logging.Logger.getLogger("io.wattkeeper.agent.gpu");
    gpuLog.setLevel(java.util.logging.Level.WARNING);
  }

  boolean estimated() {
    return power.cpuSource().equals("model") || power.memorySource().equals("model");
  }
}
