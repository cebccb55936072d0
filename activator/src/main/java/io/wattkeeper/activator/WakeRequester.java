package io.wattkeeper.activator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.api.activation.ActivationNames;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the operator to wake a workload by writing {@code wattkeeper.io/wake} on it. The write is
 * conditional on the resourceVersion just read and on the sleep annotation still being there, so of
 * two replicas racing, one writes and the other sees the request (one wake, not two). The
 * operator's Deployment/StatefulSet informer sees the write at once: no poll in the wake path.
 */
public final class WakeRequester {

  /** What a wake request found and did. */
  public sealed interface Outcome {
    /** The workload as read (for Events); null when gone. */
    HasMetadata workload();
  }

  /** This replica wrote the wake request. */
  public record Requested(HasMetadata workload) implements Outcome {}

  /** A wake was already asked for (by another replica or a user). */
  public record AlreadyRequested(HasMetadata workload, String by) implements Outcome {}

  /** The workload is not asleep (waking, or awake with its pods not Ready yet). */
  public record NotAsleep(HasMetadata workload) implements Outcome {}

  /** Enforcement holds it asleep; the message names the budget. */
  public record Refused(HasMetadata workload, String message) implements Outcome {}

  /** The workload does not exist. */
  public record Gone(HasMetadata workload) implements Outcome {}

  private static final int ATTEMPTS = 4;
  private final KubernetesClient client;
  private final String requester;

  public WakeRequester(KubernetesClient client, String replica) {
    this.client = client;
    this.requester = ActivationNames.WAKE_BY_ACTIVATOR + replica;
  }

  /**
   * @throws KubernetesClientException when the API cannot be reached (the caller retries)
   */
  public Outcome request(WorkloadRef w) {
    for (int attempt = 1; ; attempt++) {
      Resource<? extends HasMetadata> r = resource(w);
      HasMetadata cur = r.get();
      if (cur == null) {
        return new Gone(null);
      }
      Map<String, String> ann = annotations(cur);
      String asleep = ann.get(Api.ANNOTATION_REPLICAS_BEFORE_SLEEP);
      if (asleep == null) {
        return new NotAsleep(cur);
      }
      Optional<String> refusal =
          BudgetGuard.refusal(w.namespace(), ann, name -> budget(w.namespace(), name));
      if (refusal.isPresent()) {
        return new Refused(cur, refusal.get());
      }
      if (ann.containsKey(Api.ANNOTATION_WAKE)) {
        return new AlreadyRequested(cur, ann.get(Api.ANNOTATION_WAKE));
      }
      try {
        r.patch(PatchContext.of(PatchType.JSON), wakePatch(cur, asleep));
        return new Requested(cur);
      } catch (KubernetesClientException e) {
        boolean lostRace =
            e.getCode() == HttpURLConnection.HTTP_CONFLICT
                || e.getCode() == 422; // a failed JSON patch "test" op
        if (!lostRace || attempt >= ATTEMPTS) {
          throw e;
        }
        // Someone changed the workload since our read: read again and decide again.
      }
    }
  }

  String wakePatch(HasMetadata cur, String asleepValue) {
    String sleepKey = escape(Api.ANNOTATION_REPLICAS_BEFORE_SLEEP);
    return "[{\"op\":\"test\",\"path\":\"/metadata/annotations/"
        + sleepKey
        + "\",\"value\":"
        + quote(asleepValue)
        + "},{\"op\":\"add\",\"path\":\"/metadata/annotations/"
        + escape(Api.ANNOTATION_WAKE)
        + "\",\"value\":"
        + quote(requester)
        + "},{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":"
        + quote(cur.getMetadata().getResourceVersion())
        + "}]";
  }

  private EnergyBudget budget(String namespace, String name) {
    return client.resources(EnergyBudget.class).inNamespace(namespace).withName(name).get();
  }

  Resource<? extends HasMetadata> resource(WorkloadRef w) {
    return "StatefulSet".equals(w.kind())
        ? client.apps().statefulSets().inNamespace(w.namespace()).withName(w.name())
        : client.apps().deployments().inNamespace(w.namespace()).withName(w.name());
  }

  static Map<String, String> annotations(HasMetadata o) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  static Class<? extends HasMetadata> type(WorkloadRef w) {
    return "StatefulSet".equals(w.kind()) ? StatefulSet.class : Deployment.class;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
