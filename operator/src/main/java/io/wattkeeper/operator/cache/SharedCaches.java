package io.wattkeeper.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * The reconcilers' informer caches, handed to readers outside them (the admission webhook) so that
 * no kind is watched and cached twice: budgets from the ledger reconciler's primary cache,
 * Deployments and StatefulSets from the actions reconciler's event sources; NodeEnergyReports from
 * the ledger reconciler's event source (the actions reconciler's own report informer keeps keys
 * only, so every report is held once).
 */
@ApplicationScoped
public class SharedCaches {

  private volatile IndexerResourceCache<EnergyBudget> budgets;
  private volatile InformerEventSource<Deployment, EnergyBudget> deployments;
  private volatile InformerEventSource<StatefulSet, EnergyBudget> statefulSets;
  private volatile InformerEventSource<NodeEnergyReport, EnergyBudget> reports;

  public void budgets(IndexerResourceCache<EnergyBudget> cache) {
    this.budgets = cache;
  }

  public void workloads(
      InformerEventSource<Deployment, EnergyBudget> deployments,
      InformerEventSource<StatefulSet, EnergyBudget> statefulSets) {
    this.deployments = deployments;
    this.statefulSets = statefulSets;
  }

  public void reports(InformerEventSource<NodeEnergyReport, EnergyBudget> source) {
    this.reports = source;
  }

  /**
   * Every NodeEnergyReport as the ledger reconciler's informer holds it; empty when that informer
   * is not there (then no report is known).
   */
  public List<NodeEnergyReport> reports() {
    var r = reports;
    return r == null ? List.of() : r.list().toList();
  }

  /** Whether every cache is there and its informer runs. */
  public boolean ready() {
    var d = deployments;
    var s = statefulSets;
    return budgets != null && d != null && s != null && d.isRunning() && s.isRunning();
  }

  public List<EnergyBudget> budgets(String namespace) {
    var b = budgets;
    return b == null ? List.of() : b.list(namespace).toList();
  }

  /** A Deployment or StatefulSet by kind, namespace and name. */
  public Optional<? extends HasMetadata> workload(String kind, String namespace, String name) {
    var source =
        "Deployment".equals(kind) ? deployments : "StatefulSet".equals(kind) ? statefulSets : null;
    return source == null ? Optional.empty() : source.get(new ResourceID(name, namespace));
  }
}
