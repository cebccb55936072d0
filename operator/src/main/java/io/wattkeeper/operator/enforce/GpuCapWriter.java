package io.wattkeeper.operator.enforce;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.GpuPowerLimit;
import io.wattkeeper.operator.idle.Patches;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Writes a budget's caps into {@code NodeEnergyReport.spec.gpuPowerLimits} (the agent applies
 * them), tagged with the budget as {@code reason}; entries of other budgets are left alone. The
 * whole list is written with a JSON patch (a merge patch appends lists on the mock server) that
 * carries the resourceVersion, so concurrent budgets cannot lose each other's entries.
 */
@ApplicationScoped
public class GpuCapWriter {

  private static final Logger LOG = Logger.getLogger(GpuCapWriter.class);
  private static final int MAX_ATTEMPTS = 3;

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
    forEachReport(
        reports,
        (existing, reportNotes) -> {
          List<GpuPowerLimit> next = new ArrayList<>();
          for (GpuPowerLimit l : existing.limits()) {
            if (!reason.equals(l.reason())) {
              next.add(l);
            }
          }
          for (GpuCapPlanner.Cap c : byNode.getOrDefault(existing.node(), List.of())) {
            GpuPowerLimit other =
                next.stream().filter(l -> c.gpuUuid().equals(l.gpuUuid())).findFirst().orElse(null);
            if (other != null) {
              reportNotes.add(
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
          return next;
        },
        notes);
    return notes;
  }

  /** Removes every entry of this budget. */
  public void clear(String reason, List<NodeEnergyReport> reports) {
    forEachReport(
        reports,
        (existing, reportNotes) ->
            existing.limits().stream().filter(l -> !reason.equals(l.reason())).toList(),
        new ArrayList<>());
  }

  /** A report's name and its current limits, for an edit to compute the next list from. */
  record Limits(String node, List<GpuPowerLimit> limits) {}

  /** The next limits from the current ones; may add notes. */
  interface Edit {
    List<GpuPowerLimit> next(Limits current, List<String> notes);
  }

  /**
   * Applies {@code edit} to each report. The agent writes its report every interval, so a cached
   * copy is often one version behind: a 409 re-reads the report and edits again. One report's
   * failure does not keep the others from being written; the first failure is thrown at the end.
   */
  private void forEachReport(List<NodeEnergyReport> reports, Edit edit, List<String> notes) {
    KubernetesClientException failure = null;
    for (NodeEnergyReport r : reports) {
      try {
        notes.addAll(update(r, edit));
      } catch (KubernetesClientException e) {
        LOG.warnf(
            "could not write gpuPowerLimits of NodeEnergyReport %s: %s",
            r.getMetadata().getName(), e.getMessage());
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private List<String> update(NodeEnergyReport cached, Edit edit) {
    NodeEnergyReport r = cached;
    for (int attempt = 1; ; attempt++) {
      List<String> notes = new ArrayList<>();
      List<GpuPowerLimit> existing = existing(r);
      List<GpuPowerLimit> next = edit.next(new Limits(r.getMetadata().getName(), existing), notes);
      try {
        write(r, existing, next);
        return notes;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        r = client.resources(NodeEnergyReport.class).withName(r.getMetadata().getName()).get();
        if (r == null) {
          return List.of();
        }
      }
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
