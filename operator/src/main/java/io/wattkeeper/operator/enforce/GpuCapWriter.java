package io.wattkeeper.operator.enforce;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.GpuPowerLimit;
import io.wattkeeper.operator.idle.Patches;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes a budget's caps into {@code NodeEnergyReport.spec.gpuPowerLimits} (the agent applies
 * them), tagged with the budget as {@code reason}; entries of other budgets are left alone. The
 * whole list is written with a JSON patch (a merge patch appends lists on the mock server) that
 * carries the resourceVersion, so concurrent budgets cannot lose each other's entries.
 */
@ApplicationScoped
public class GpuCapWriter {

  private final KubernetesClient client;

  public GpuCapWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Makes the budget's entries equal {@code caps}.
   *
   * @return the caps in force for this budget, with a note for GPUs another budget caps already
   */
  public List<String> apply(
      String reason, List<GpuCapPlanner.Cap> caps, List<NodeEnergyReport> reports) {
    List<String> notes = new ArrayList<>();
    Map<String, List<GpuCapPlanner.Cap>> byNode =
        caps.stream().collect(Collectors.groupingBy(GpuCapPlanner.Cap::node));
    for (NodeEnergyReport r : reports) {
      List<GpuPowerLimit> existing = existing(r);
      List<GpuPowerLimit> next = new ArrayList<>();
      for (GpuPowerLimit l : existing) {
        if (!reason.equals(l.reason())) {
          next.add(l);
        }
      }
      for (GpuCapPlanner.Cap c : byNode.getOrDefault(r.getMetadata().getName(), List.of())) {
        GpuPowerLimit other =
            next.stream().filter(l -> c.gpuUuid().equals(l.gpuUuid())).findFirst().orElse(null);
        if (other != null) {
          notes.add(
              "gpu "
                  + c.gpuUuid()
                  + " already capped at "
                  + other.watts()
                  + "W by "
                  + other.reason());
        } else {
          next.add(new GpuPowerLimit(c.gpuUuid(), c.watts(), reason));
        }
      }
      write(r, existing, next);
    }
    return notes;
  }

  /** Removes every entry of this budget. */
  public void clear(String reason, List<NodeEnergyReport> reports) {
    for (NodeEnergyReport r : reports) {
      List<GpuPowerLimit> existing = existing(r);
      List<GpuPowerLimit> next = existing.stream().filter(l -> !reason.equals(l.reason())).toList();
      write(r, existing, next);
    }
  }

  private void write(NodeEnergyReport r, List<GpuPowerLimit> existing, List<GpuPowerLimit> next) {
    if (Objects.equals(existing, next)) {
      return;
    }
    List<Map<String, Object>> ops = new ArrayList<>();
    if (r.getSpec() == null) {
      ops.add(Patches.op("add", "/spec", Map.of("gpuPowerLimits", next)));
    } else {
      ops.add(Patches.op("add", "/spec/gpuPowerLimits", next));
    }
    ops.add(
        Patches.op("replace", "/metadata/resourceVersion", r.getMetadata().getResourceVersion()));
    client
        .resources(NodeEnergyReport.class)
        .withName(r.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON), Patches.json(ops));
  }

  static List<GpuPowerLimit> existing(NodeEnergyReport r) {
    return r.getSpec() == null || r.getSpec().gpuPowerLimits() == null
        ? List.of()
        : r.getSpec().gpuPowerLimits();
  }
}
