package io.wattkeeper.agent.measure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU and memory energy of the node per interval: RAPL when readable, else the model. The idle part
 * of RAPL energy is the share of the interval the CPUs were idle (/proc/stat), as Kepler does; the
 * model's idle part is its idle watts.
 */
public final class NodePowerMeter {
  private final RaplMeter rapl;
  private final PowerModel model;
  private final long memoryBytes;
  private final List<String> startupWarnings = new ArrayList<>();
  private String lastWarning;

  public NodePowerMeter(RaplDiscovery.Result discovery, PowerModel model, long memoryBytes) {
    this.model = model;
    this.memoryBytes = memoryBytes;
    startupWarnings.addAll(discovery.warnings());
    RaplMeter candidate = null;
    if (discovery.zones().stream().anyMatch(z -> !z.dram())) {
      candidate = new RaplMeter(discovery.zones());
      try {
        candidate.read();
      } catch (IOException e) {
        startupWarnings.add(
            "RAPL present but unreadable ("
                + e.getMessage()
                + "); energy_uj is root-only since CVE-2020-8694: using the "
                + model.name()
                + " model");
        candidate = null;
      }
    }
    this.rapl = candidate;
  }

  /** rapl or model: where CPU energy comes from while RAPL keeps answering. */
  public String cpuSource() {
    return rapl != null ? "rapl" : "model";
  }

  public String memorySource() {
    return rapl != null && rapl.hasDram() ? "rapl" : "model";
  }

  public PowerModel model() {
    return model;
  }

  public List<String> startupWarnings() {
    return List.copyOf(startupWarnings);
  }

  /** The warning of the latest interval that fell back to the model, or null. */
  public String lastWarning() {
    return lastWarning;
  }

  /** Energy over an interval of {@code seconds} with the given CPU utilisation (0..1). */
  public NodeEnergy sample(double seconds, double utilization) {
    lastWarning = null;
    double memModelJoules = model.memoryWatts(memoryBytes) * seconds;
    if (rapl != null) {
      try {
        RaplMeter.Delta d = rapl.read();
        if (d != null) {
          double idle = d.packageJoules() * (1 - clamp(utilization));
          return d.hasDram()
              ? new NodeEnergy(seconds, d.packageJoules(), idle, d.dramJoules(), "rapl", "rapl")
              : new NodeEnergy(seconds, d.packageJoules(), idle, memModelJoules, "rapl", "model");
        }
        lastWarning =
            "RAPL readable again after a failed read: this read takes a new RAPL baseline, this"
                + " interval uses the model";
      } catch (IOException e) {
        lastWarning = "RAPL read failed (" + e.getMessage() + "): this interval uses the model";
      }
    }
    double cpu = model.cpuWatts(utilization) * seconds;
    double idle = model.cpuIdleWatts() * seconds;
    return new NodeEnergy(seconds, cpu, idle, memModelJoules, "model", "model");
  }

  private static double clamp(double u) {
    return Math.max(0, Math.min(1, u));
  }
}
