package io.wattkeeper.activator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.logging.Logger;

/** Events on workloads (core/v1). A notification only: a failed write is logged, never fatal. */
public final class ActivatorEvents {

  private static final Logger LOG = Logger.getLogger(ActivatorEvents.class.getName());
  public static final String COMPONENT = "wattkeeper-activator";
  private final KubernetesClient client;
  private final Clock clock;

  public ActivatorEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * @param seen the workload as last read (for its uid), or null
   */
  public void record(WorkloadRef w, HasMetadata seen, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String name = w.name() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try {
      client
          .v1()
          .events()
          .inNamespace(w.namespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(w.namespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion("apps/v1")
                  .withKind(w.kind())
                  .withName(w.name())
                  .withNamespace(w.namespace())
                  .withUid(seen == null ? null : seen.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
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
      LOG.warning("could not record event " + reason + " on " + w + ": " + e.getMessage());
    }
  }
}
