package io.wattkeeper.operator.enforce;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Gpu;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.api.validation.Selectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Which GPUs a budget caps, and at how many watts. Only GPUs held exclusively by a pod in the
 * budget's scope: a cap is per device, so a shared GPU would throttle other tenants too. Pure.
 */
public final class GpuCapPlanner {

  private GpuCapPlanner() {}

  /**
   * A desired cap.
   *
   * @param pod namespace/name of the pod holding the GPU
   */
  public record Cap(String node, String gpuUuid, int watts, double defaultWatts, String pod) {}

  /**
   * @param podLabels (namespace, name) to the pod's labels, or {@code null} when the pod is unknown
   *     (unknown is not in scope)
   */
  public static List<Cap> plan(
      String namespace,
      LabelSelector podSelector,
      int percent,
      List<NodeEnergyReport> reports,
      BiFunction<String, String, Map<String, String>> podLabels) {
    List<Cap> out = new ArrayList<>();
    for (NodeEnergyReport r : reports) {
      if (r.getStatus() == null
          || r.getStatus().getGpus() == null
          || r.getStatus().getPods() == null) {
        continue;
      }
      for (Gpu g : r.getStatus().getGpus()) {
        if (g.getExclusivePodUid() == null
            || g.getUuid() == null
            || g.getDefaultPowerLimitWatts() == null) {
          continue;
        }
        PodEnergy p =
            r.getStatus().getPods().stream()
                .filter(pe -> g.getExclusivePodUid().equals(pe.getUid()))
                .findFirst()
                .orElse(null);
        if (p == null || !namespace.equals(p.getNamespace()) || Boolean.TRUE.equals(p.getEnded())) {
          continue;
        }
        Map<String, String> labels = podLabels.apply(p.getNamespace(), p.getName());
        if (labels == null || !Selectors.matches(podSelector, labels)) {
          continue;
        }
        out.add(
            new Cap(
                r.getMetadata().getName(),
                g.getUuid(),
                watts(g, percent),
                g.getDefaultPowerLimitWatts(),
                p.getNamespace() + "/" + p.getName()));
      }
    }
    return out;
  }

  /** Percent of the default limit, kept within what the device accepts. */
  static int watts(Gpu g, int percent) {
    double w = g.getDefaultPowerLimitWatts() * percent / 100.0;
    if (g.getMinPowerLimitWatts() != null) {
      w = Math.max(w, g.getMinPowerLimitWatts());
    }
    if (g.getMaxPowerLimitWatts() != null) {
      w = Math.min(w, g.getMaxPowerLimitWatts());
    }
    return Math.max(1, (int) Math.round(w));
  }
}
