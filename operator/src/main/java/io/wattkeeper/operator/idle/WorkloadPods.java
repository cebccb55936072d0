package io.wattkeeper.operator.idle;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.operator.cache.PodCache;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link WorkloadView} of a workload: its live pods and their readiness, from the shared
 * pod cache (no LIST per workload).
 */
@ApplicationScoped
public class WorkloadPods {

  private final PodCache cache;

  public WorkloadPods(PodCache cache) {
    this.cache = cache;
  }

  public WorkloadView view(HasMetadata w) {
    LabelSelector sel = Workloads.podSelector(w);
    List<WorkloadView.Pod> pods = List.of();
    if (sel != null && sel.getMatchLabels() != null && !sel.getMatchLabels().isEmpty()) {
      cache.start();
      pods =
          cache
              .inNamespace(w.getMetadata().getNamespace())
              .filter(p -> Selectors.matches(sel, p.labels()))
              .filter(p -> p.live())
              .map(p -> new WorkloadView.Pod(p.uid(), p.name(), p.ready()))
              .sorted(java.util.Comparator.comparing(WorkloadView.Pod::name))
              .toList();
    }
    return new WorkloadView(
        w.getKind(),
        w.getMetadata().getName(),
        Workloads.replicas(w),
        Workloads.rolloutInProgress(w),
        pods,
        lastWake(w.getMetadata().getAnnotations()));
  }

  static boolean live(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return p.getMetadata().getDeletionTimestamp() == null
        && !"Succeeded".equals(phase)
        && !"Failed".equals(phase);
  }

  static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static Instant lastWake(Map<String, String> ann) {
    String v = ann == null ? null : ann.get(SleepAnnotations.WOKEN_AT);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      // An unreadable wake time must not block sleeping forever; treat as no recent wake.
      return null;
    }
  }
}
