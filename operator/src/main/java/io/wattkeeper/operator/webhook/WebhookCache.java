package io.wattkeeper.operator.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.operator.idle.Workloads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The informer caches the webhook answers from: budgets (with the status the operator wrote),
 * Deployments and StatefulSets (for /scale requests, which carry no labels). The admission path
 * never calls the API server.
 */
@ApplicationScoped
public class WebhookCache {

  private static final Logger LOG = Logger.getLogger(WebhookCache.class);

  private final KubernetesClient client;
  private final WebhookConfig config;
  private volatile SharedIndexInformer<EnergyBudget> budgets;
  private volatile SharedIndexInformer<Deployment> deployments;
  private volatile SharedIndexInformer<StatefulSet> statefulSets;

  public WebhookCache(KubernetesClient client, WebhookConfig config) {
    this.client = client;
    this.config = config;
  }

  void start(@Observes StartupEvent e) {
    if (!config.enabled()) {
      return;
    }
    budgets = client.resources(EnergyBudget.class).inAnyNamespace().inform();
    deployments = client.apps().deployments().inAnyNamespace().inform();
    statefulSets = client.apps().statefulSets().inAnyNamespace().inform();
    LOG.info("admission webhook caches started");
  }

  void stop(@Observes ShutdownEvent e) {
    for (SharedIndexInformer<?> i :
        new SharedIndexInformer<?>[] {budgets, deployments, statefulSets}) {
      if (i != null) {
        i.close();
      }
    }
  }

  public boolean ready() {
    return budgets != null
        && budgets.hasSynced()
        && deployments.hasSynced()
        && statefulSets.hasSynced();
  }

  public List<EnergyBudget> budgets(String namespace) {
    return budgets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  public AdmissionDecider.WorkloadLookup.Labels workload(
      String kind, String namespace, String name) {
    SharedIndexInformer<? extends HasMetadata> inf =
        "Deployment".equals(kind) ? deployments : statefulSets;
    HasMetadata w = inf.getStore().getByKey(namespace + "/" + name);
    if (w == null) {
      return null;
    }
    Map<String, String> own =
        w.getMetadata().getLabels() == null ? Map.of() : w.getMetadata().getLabels();
    return new AdmissionDecider.WorkloadLookup.Labels(own, Workloads.templateLabels(w));
  }
}
