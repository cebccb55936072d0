package io.wattkeeper.operator.enforce;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.api.validation.ValidationResult;
import io.wattkeeper.operator.cache.KeysOnlyStore;
import io.wattkeeper.operator.cache.SharedCaches;
import io.wattkeeper.operator.idle.IdleConfig;
import io.wattkeeper.operator.idle.IdleController;
import io.wattkeeper.operator.idle.PodSampleStore;
import io.wattkeeper.operator.idle.Workloads;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The second reconciler on EnergyBudget ("energybudget-actions"): idle scale-to-zero and budget
 * enforcement. Writes only {@code status.idle} and {@code status.enforcement}; reads the phase and
 * period the ledger reconciler leaves. Its finalizer guarantees that deleting a budget wakes what
 * it put to sleep and removes its GPU caps.
 *
 * <p>Not generation-aware: the ledger's status changes (phase Exceeded) must trigger it.
 */
@ControllerConfiguration(
    name = ActionsReconciler.NAME,
    finalizerName = "wattkeeper.io/actions",
    generationAwareEventProcessing = false)
public class ActionsReconciler implements Reconciler<EnergyBudget>, Cleaner<EnergyBudget> {

  public static final String NAME = "energybudget-actions";
  private static final Logger LOG = Logger.getLogger(ActionsReconciler.class);

  private final IdleController idle;
  private final EnforcementController enforcement;
  private final ActionsStatusWriter statusWriter;
  private final PodSampleStore store;
  private final IdleConfig idleConfig;
  private final io.wattkeeper.operator.events.KubeEvents events;
  private final EnforceConfig enforceConfig;
  private final SharedCaches sharedCaches;

  private InformerEventSource<NodeEnergyReport, EnergyBudget> reports;
  private InformerEventSource<Deployment, EnergyBudget> deployments;
  private InformerEventSource<StatefulSet, EnergyBudget> statefulSets;

  public ActionsReconciler(
      IdleController idle,
      EnforcementController enforcement,
      ActionsStatusWriter statusWriter,
      PodSampleStore store,
      IdleConfig idleConfig,
      EnforceConfig enforceConfig,
      io.wattkeeper.operator.events.KubeEvents events,
      SharedCaches sharedCaches) {
    this.idle = idle;
    this.enforcement = enforcement;
    this.statusWriter = statusWriter;
    this.store = store;
    this.idleConfig = idleConfig;
    this.events = events;
    this.enforceConfig = enforceConfig;
    this.sharedCaches = sharedCaches;
  }

  @Override
  public List<EventSource<?, EnergyBudget>> prepareEventSources(
      EventSourceContext<EnergyBudget> ctx) {
    reports =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NodeEnergyReport.class, EnergyBudget.class)
                .withName("actions-reports")
                // Events only: the reports themselves are read from the ledger's informer.
                .withItemStore(new KeysOnlyStore<>(NodeEnergyReport::new))
                .withSecondaryToPrimaryMapper(
                    r -> {
                      // Every report version passes here once: record its samples before the
                      // informer cache moves on to the next one.
                      // Asked once per namespace, not once per pod of the report.
                      Map<String, Boolean> wanted = new HashMap<>();
                      store.ingest(
                          r,
                          ns ->
                              ns != null
                                  && wanted.computeIfAbsent(
                                      ns,
                                      n ->
                                          ctx.getPrimaryCache()
                                              .list(n)
                                              .anyMatch(ActionsReconciler::evaluatesIdle)));
                      Set<String> namespaces =
                          r.getStatus() == null || r.getStatus().getPods() == null
                              ? Set.of()
                              : r.getStatus().getPods().stream()
                                  .map(p -> p.getNamespace())
                                  .filter(Objects::nonNull)
                                  .collect(Collectors.toSet());
                      return namespaces.stream()
                          .flatMap(ns -> ctx.getPrimaryCache().list(ns))
                          .map(ResourceID::fromResource)
                          .collect(Collectors.toSet());
                    })
                .build(),
            ctx);
    deployments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, EnergyBudget.class)
                .withName("actions-deployments")
                .withSecondaryToPrimaryMapper(w -> budgetsInNamespace(ctx, w))
                .build(),
            ctx);
    statefulSets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(StatefulSet.class, EnergyBudget.class)
                .withName("actions-statefulsets")
                .withSecondaryToPrimaryMapper(w -> budgetsInNamespace(ctx, w))
                .build(),
            ctx);
    sharedCaches.workloads(deployments, statefulSets);
    return List.of(reports, deployments, statefulSets);
  }

  private static Set<ResourceID> budgetsInNamespace(
      EventSourceContext<EnergyBudget> ctx, HasMetadata w) {
    return ctx.getPrimaryCache()
        .list(w.getMetadata().getNamespace())
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<EnergyBudget> reconcile(EnergyBudget b, Context<EnergyBudget> ctx) {
    ValidationResult v = BudgetValidator.validate(b);
    if (!v.valid()) {
      // The ledger reconciler reports Invalid with the message; taking no action is our part.
      LOG.debugf(
          "budget %s/%s is invalid; no action: %s",
          b.getMetadata().getNamespace(), b.getMetadata().getName(), v.message());
      return UpdateControl.<EnergyBudget>noUpdate().rescheduleAfter(enforceConfig.resyncInterval());
    }
    BudgetPolicy policy = v.policy();
    store.prune();
    String ns = b.getMetadata().getNamespace();
    List<HasMetadata> workloads = workloads(ns);
    Set<String> handled = idle.handleWakeRequests(b, workloads, w -> selected(policy, w));
    List<HasMetadata> rest =
        workloads.stream().filter(w -> !handled.contains(Workloads.key(w))).toList();
    EnergyBudgetStatus.EnforcementStatus enf =
        enforcement.reconcile(b, policy, rest, sharedCaches.reports());
    List<RuntimeException> failures = new ArrayList<>();
    EnergyBudgetStatus.IdleStatus idleStatus = idle.reconcile(b, policy.idle(), rest, failures);
    statusWriter.write(b, idleStatus, enf);
    if (!failures.isEmpty()) {
      // Status is written for the workloads that went through; retry the rest.
      throw failures.get(0);
    }
    return UpdateControl.<EnergyBudget>noUpdate().rescheduleAfter(idleConfig.resyncInterval());
  }

  /** Whether the budget needs pod activity history (idle section, or ScaleToZero onlyIdle). */
  static boolean evaluatesIdle(EnergyBudget b) {
    EnergyBudgetSpec spec = b.getSpec();
    return spec != null
        && (spec.idle() != null
            || (spec.enforcement() != null
                && spec.enforcement().scaleToZero() != null
                && Boolean.TRUE.equals(spec.enforcement().scaleToZero().onlyIdle())));
  }

  private static boolean selected(BudgetPolicy p, HasMetadata w) {
    var labels = w.getMetadata().getLabels();
    return (p.idle() != null && Selectors.matchesWorkload(p.idle().workloadSelector(), labels))
        || Selectors.matchesWorkload(p.enforcement().scaleToZeroSelector(), labels);
  }

  private List<HasMetadata> workloads(String ns) {
    List<HasMetadata> out = new ArrayList<>();
    deployments.list(ns, d -> true).forEach(out::add);
    statefulSets.list(ns, s -> true).forEach(out::add);
    out.sort(Comparator.comparing(Workloads::key));
    return out;
  }

  @Override
  public DeleteControl cleanup(EnergyBudget b, Context<EnergyBudget> ctx) {
    String ns = b.getMetadata().getNamespace();
    List<HasMetadata> workloads = workloads(ns);
    idle.releaseAll(b, workloads, "budget deleted");
    enforcement.undo(b, workloads, sharedCaches.reports(), "budget deleted");
    if (b.getStatus() != null && EnforcementDecision.inForce(b.getStatus().getEnforcement())) {
      events.normal(b, "BudgetActionsUndone", "all enforcement actions undone: budget deleted");
    }
    LOG.infof(
        "budget %s/%s deleted: its sleeping workloads are released and GPU caps removed",
        ns, b.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }
}
