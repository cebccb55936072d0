package io.wattkeeper.operator.idle;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Map;
import java.util.Objects;

/** Reads Deployments and StatefulSets uniformly; the two kinds the operator may scale. */
public final class Workloads {

  private Workloads() {}

  public static Class<? extends HasMetadata> type(String kind) {
    return switch (kind) {
      case "Deployment" -> Deployment.class;
      case "StatefulSet" -> StatefulSet.class;
      default -> throw new IllegalArgumentException("not a scalable workload kind: " + kind);
    };
  }

  public static int replicas(HasMetadata w) {
    Integer r =
        w instanceof Deployment d
            ? d.getSpec() == null ? null : d.getSpec().getReplicas()
            : ((StatefulSet) w).getSpec() == null
                ? null
                : ((StatefulSet) w).getSpec().getReplicas();
    // Both kinds default to one replica when the field is absent.
    return r == null ? 1 : r;
  }

  public static LabelSelector podSelector(HasMetadata w) {
    if (w instanceof Deployment d) {
      return d.getSpec() == null ? null : d.getSpec().getSelector();
    }
    StatefulSet s = (StatefulSet) w;
    return s.getSpec() == null ? null : s.getSpec().getSelector();
  }

  public static Map<String, String> templateLabels(HasMetadata w) {
    PodTemplateSpec t =
        w instanceof Deployment d
            ? d.getSpec() == null ? null : d.getSpec().getTemplate()
            : ((StatefulSet) w).getSpec() == null
                ? null
                : ((StatefulSet) w).getSpec().getTemplate();
    return t == null || t.getMetadata() == null || t.getMetadata().getLabels() == null
        ? Map.of()
        : t.getMetadata().getLabels();
  }

  /**
   * True while the workload controller has not caught up with the spec: generation not observed, or
   * not all replicas updated, or old replicas still around.
   */
  public static boolean rolloutInProgress(HasMetadata w) {
    int desired = replicas(w);
    Long generation = w.getMetadata().getGeneration();
    if (w instanceof Deployment d) {
      var st = d.getStatus();
      if (st == null) {
        return desired > 0;
      }
      return (generation != null && !Objects.equals(st.getObservedGeneration(), generation))
          || nz(st.getUpdatedReplicas()) < desired
          || nz(st.getReplicas()) > nz(st.getUpdatedReplicas());
    }
    var st = ((StatefulSet) w).getStatus();
    if (st == null) {
      return desired > 0;
    }
    return (generation != null && !Objects.equals(st.getObservedGeneration(), generation))
        || (st.getUpdateRevision() != null
            && !Objects.equals(st.getCurrentRevision(), st.getUpdateRevision()))
        || nz(st.getUpdatedReplicas()) < desired;
  }

  public static String key(HasMetadata w) {
    return w.getKind() + "/" + w.getMetadata().getName();
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }
}
