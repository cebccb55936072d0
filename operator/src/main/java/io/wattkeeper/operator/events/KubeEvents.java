package io.wattkeeper.operator.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wattkeeper.api.validation.Echo;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Writes Kubernetes Events (core/v1) on workloads and budgets: the one Event writer of the
 * operator. An Event is a notification, never a precondition of an action: a failure is logged.
 */
@ApplicationScoped
public class KubeEvents {

  private static final Logger LOG = Logger.getLogger(KubeEvents.class);
  public static final String COMPONENT = "wattkeeper-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public KubeEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata on, String reason, String message) {
    record(on, "Normal", reason, message);
  }

  public void warning(HasMetadata on, String reason, String message) {
    record(on, "Warning", reason, message);
  }

  public void record(HasMetadata on, String type, String reason, String message) {
    // metav1.Time is RFC 3339 with whole seconds.
    String now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    // Events of cluster-scoped objects (NodeEnergyReport) live in "default", as kubectl expects.
    String ns =
        on.getMetadata().getNamespace() == null ? "default" : on.getMetadata().getNamespace();
    String name =
        on.getMetadata().getName()
            + "."
            + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(on.getApiVersion())
                  .withKind(on.getKind())
                  .withName(on.getMetadata().getName())
                  .withNamespace(on.getMetadata().getNamespace())
                  .withUid(on.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(Echo.message(message))
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      // An Event is a notification, never a precondition of an action: log and go on.
      LOG.warnf(
          "could not record event %s on %s %s/%s: %s",
          reason,
          on.getKind(),
          on.getMetadata().getNamespace(),
          on.getMetadata().getName(),
          e.getMessage());
    }
  }
}
