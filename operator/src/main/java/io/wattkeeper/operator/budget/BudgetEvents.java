package io.wattkeeper.operator.budget;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.jboss.logging.Logger;

/** Records Kubernetes Events (core/v1) on a budget. A failed Event is logged, never fatal. */
@ApplicationScoped
public class BudgetEvents {

  private static final Logger LOG = Logger.getLogger(BudgetEvents.class);
  static final String COMPONENT = "wattkeeper-operator";

  @Inject KubernetesClient client;
  @Inject Clock clock;

  public void record(EnergyBudget b, BudgetEvent e) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String ns = b.getMetadata().getNamespace();
    Event ev =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(
                b.getMetadata().getName()
                    + "."
                    + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT))
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(b.getApiVersion())
            .withKind(b.getKind())
            .withNamespace(ns)
            .withName(b.getMetadata().getName())
            .withUid(b.getMetadata().getUid())
            .endInvolvedObject()
            .withType(e.type())
            .withReason(e.reason())
            .withMessage(e.message())
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(ev).create();
    } catch (KubernetesClientException ex) {
      LOG.warnf(
          "could not record Event %s on %s/%s: %s",
          e.reason(), ns, b.getMetadata().getName(), ex.getMessage());
    }
  }
}
