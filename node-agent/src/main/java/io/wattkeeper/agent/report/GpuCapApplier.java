package io.wattkeeper.agent.report;

import io.wattkeeper.agent.gpu.GpuException;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.GpuPowerLimit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies the GPU power caps the operator lists in spec.gpuPowerLimits, clamped to each device's
 * constraints, and restores the default limit when an entry goes away. Only calls the GPU when
 * something changed.
 */
public final class GpuCapApplier {
  private final GpuMeter meter;
  private final Warnings warnings;
  private final Map<String, Double> applied = new HashMap<>();
  private final Map<String, Integer> requested = new HashMap<>();

  public GpuCapApplier(GpuMeter meter, Warnings warnings) {
    this(meter, warnings, Map.of());
  }

  /**
   * With the caps a previous run of the agent left in force (from the state file): each is undone
   * at the first {@link #apply} that no longer asks for it, and set again if it still is.
   */
  public GpuCapApplier(GpuMeter meter, Warnings warnings, Map<String, Double> leftInForce) {
    this.meter = meter;
    this.warnings = warnings;
    applied.putAll(leftInForce);
  }

  /** Restores every GPU's default limit (the agent is stopping); failures stay recorded. */
  public synchronized void restoreAll() {
    for (String uuid : Set.copyOf(applied.keySet())) {
      restore(uuid);
    }
  }

  /** The GPU's default limit back; on failure the cap stays recorded and a warning says why. */
  private void restore(String uuid) {
    try {
      meter.restoreDefaultPowerLimit(uuid);
      applied.remove(uuid);
      requested.remove(uuid);
    } catch (GpuException e) {
      warnings.add("GPU " + uuid + ": default power limit not restored: " + e.getMessage());
    }
  }

  /** Caps in force now, watts by GPU UUID. */
  public synchronized Map<String, Double> applied() {
    return Map.copyOf(applied);
  }

  public synchronized void apply(List<GpuPowerLimit> desired, List<GpuSample> gpus) {
    Map<String, GpuSample> byUuid =
        gpus.stream().collect(Collectors.toMap(GpuSample::uuid, g -> g, (a, b) -> a));
    Set<String> wanted = new java.util.HashSet<>();
    for (GpuPowerLimit limit : desired == null ? List.<GpuPowerLimit>of() : desired) {
      if (limit == null || limit.gpuUuid() == null || limit.watts() == null || limit.watts() < 1) {
        warnings.add("spec.gpuPowerLimits: entry without gpuUuid or positive watts ignored");
        continue;
      }
      String uuid = limit.gpuUuid();
      wanted.add(uuid);
      GpuSample gpu = byUuid.get(uuid);
      if (gpu == null) {
        warnings.add("spec.gpuPowerLimits: GPU " + uuid + " is not on this node");
        continue;
      }
      if (limit.watts().equals(requested.get(uuid)) && applied.containsKey(uuid)) {
        continue;
      }
      double target = clamp(limit.watts(), gpu);
      try {
        applied.put(uuid, meter.setPowerLimit(uuid, target));
        requested.put(uuid, limit.watts());
      } catch (GpuException e) {
        warnings.add(
            "GPU " + uuid + ": power limit " + target + " W not applied: " + e.getMessage());
      }
    }
    for (String uuid : Set.copyOf(applied.keySet())) {
      if (!wanted.contains(uuid)) {
        restore(uuid);
      }
    }
  }

  static double clamp(double watts, GpuSample gpu) {
    double v = watts;
    if (!Double.isNaN(gpu.minPowerLimitWatts())) {
      v = Math.max(v, gpu.minPowerLimitWatts());
    }
    if (!Double.isNaN(gpu.maxPowerLimitWatts())) {
      v = Math.min(v, gpu.maxPowerLimitWatts());
    }
    return v;
  }
}
