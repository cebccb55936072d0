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

/** The machine as measure sees it: meters, model and process table, built without CDI. */
final class MachineContext {
  final HostPaths host;
  final CpuInfo cpu;
  final PowerModel model;
  final NodePowerMeter power;
  final ProcessTable processes;
  final GpuMeter gpu;

  MachineContext(HostPaths host, SimpleConfig config, GpuMeter gpu) throws IOException {
    this.host = host;
    this.cpu = CpuInfo.read(host.proc());
    this.model =
        new PowerModelResolver(CpuTdpTable.builtIn())
            .resolve(
                cpu,
                new ModelOverrides(
                    config.getDouble("wattkeeper.agent.model.cpu-idle-watts"),
                    config.getDouble("wattkeeper.agent.model.cpu-max-watts"),
                    config.getDouble("wattkeeper.agent.model.tdp-watts"),
                    config.getDouble("wattkeeper.agent.model.memory-watts-per-gb")));
    this.power =
        new NodePowerMeter(RaplDiscovery.discover(host.powercap()), model, cpu.memoryBytes());
    this.processes = new ProcessTable(host.proc());
    this.gpu = gpu;
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
