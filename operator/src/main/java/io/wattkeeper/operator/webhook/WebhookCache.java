package io.wattkeeper.operator.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.operator.cache.SharedCaches;
import io.wattkeeper.operator.idle.Workloads;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * What the webhook answers from: budgets (with the status the operator wrote), Deployments and
 * StatefulSets (for /scale requests, which carry no labels), all read from the reconcilers' own
 * informer caches (no second watch). The admission path never calls the API server.
 */
@ApplicationScoped
public class WebhookCache {

  private final SharedCaches caches;

  public WebhookCache(SharedCaches caches) {
    this.caches = caches;
  }

  public boolean ready() {
    return caches.ready();
  }

  public List<EnergyBudget> budgets(String namespace) {
    return caches.budgets(namespace);
  }

  public AdmissionDecider.WorkloadLookup.Labels workload(
      String kind, String namespace, String name) {
    HasMetadata w = caches.workload(kind, namespace, name).orElse(null);
    if (w == null) {
      return null;
    }
    Map<String, String> own =
        w.getMetadata().getLabels() == null ? Map.of() : w.getMetadata().getLabels();
    return new AdmissionDecider.WorkloadLookup.Labels(own, Workloads.templateLabels(w));
  }
}
