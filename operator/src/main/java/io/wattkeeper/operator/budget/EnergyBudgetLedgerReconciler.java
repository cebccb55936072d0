package io.wattkeeper.operator.budget;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.ValidationResult;
import io.wattkeeper.operator.cache.PodCache;
import io.wattkeeper.operator.cache.SharedCaches;
import io.wattkeeper.operator.carbon.CarbonConfig;
import io.wattkeeper.operator.ledger.CachedPods;
import io.wattkeeper.operator.ledger.ClusterView;
import io.wattkeeper.operator.ledger.RefusedReports;
import io.wattkeeper.operator.metrics.LedgerMetrics;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The main EnergyBudget reconciler: brings the ledger up to date, evaluates the budget, writes the
 * status fields it owns (never status.idle or status.enforcement), records phase Events, updates
 * metrics (pod annotations are written apart, by the annotate package's writer). No finalizer:
 * nothing to undo when a budget goes.
 *
 * <p>Every report update reconciles every budget (the ledger skips reports already seen), pod label
 * changes reconcile the budgets of that namespace, and {@code maxReconciliationInterval} makes
 * period rollovers and forecasts happen without any event.
 */
@ControllerConfiguration(
    name = EnergyBudgetLedgerReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 60, timeUnit = TimeUnit.SECONDS))
public class EnergyBudgetLedgerReconciler implements Reconciler<EnergyBudget> {

  public static final String NAME = "energybudget-ledger";
  private static final Logger LOG = Logger.getLogger(EnergyBudgetLedgerReconciler.class);
  private static final Duration MAX_WAIT = Duration.ofSeconds(60);

  @Inject LedgerService ledger;
  @Inject RefusedReports refused;
  @Inject StatusWriter statusWriter;
  @Inject BudgetEvents events;
  @Inject LedgerMetrics metrics;
  @Inject CarbonConfig carbon;
  @Inject Clock clock;
  @Inject PodCache pods;
  @Inject SharedCaches sharedCaches;

  // Volatile: the standby's timer reads them (viewWhenSynced).
  private volatile InformerEventSource<NodeEnergyReport, EnergyBudget> reports;
  private volatile InformerEventSource<Node, EnergyBudget> nodes;
  private volatile IndexerResourceCache<EnergyBudget> budgets;

  @Override
  public List<EventSource<?, EnergyBudget>> prepareEventSources(
      EventSourceContext<EnergyBudget> context) {
    budgets = context.getPrimaryCache();
    sharedCaches.budgets(budgets);
    reports =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NodeEnergyReport.class, EnergyBudget.class)
                .withName("ledger-reports")
                .withSecondaryToPrimaryMapper(r -> allBudgets())
                .build(),
            context);
    sharedCaches.reports(reports);
    // The shared slim pod cache (one pod informer for the whole operator): a pod that appears,
    // goes, or changes labels or phase reconciles the budgets of its namespace.
    pods.start();
    SimpleInboundEventSource<EnergyBudget> podEvents =
        new SimpleInboundEventSource<>("ledger-pods");
    pods.onChange(
        ns -> {
          if (podEvents.isRunning()) {
            budgetsIn(ns).forEach(podEvents::propagateEvent);
          }
        });
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, EnergyBudget.class)
                .withName("ledger-nodes")
                .withSecondaryToPrimaryMapper(n -> Set.of())
                .build(),
            context);
    return List.of(reports, podEvents, nodes);
  }

  private Set<ResourceID> allBudgets() {
    return budgets.list().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private Set<ResourceID> budgetsIn(String namespace) {
    return budgets
        .list(b -> namespace.equals(b.getMetadata().getNamespace()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** The cluster as the caches show it now. */
  public ClusterView view() {
    return new ClusterView(
        () -> reports.list(),
        new CachedPods(pods),
        name -> nodes.get(new ResourceID(name)),
        budgets.list().toList(),
        carbon.defaultZone(),
        this::validate);
  }

  /**
   * The view once every cache it reads has started and synced (the standby's mirror must not take a
   * half-filled pod cache for the cluster: pods missing there lose their checkpoints).
   */
  public Optional<ClusterView> viewWhenSynced() {
    var r = reports;
    var n = nodes;
    boolean synced =
        budgets != null
            && r != null
            && n != null
            && r.isRunning()
            && n.isRunning()
            && pods.synced();
    return synced ? Optional.of(view()) : Optional.empty();
  }

  private record Validated(Long generation, ValidationResult result) {}

  // Every reconciliation sees every budget: validate each spec once per generation.
  private final Map<String, Validated> validated = new ConcurrentHashMap<>();

  private ValidationResult validate(EnergyBudget b) {
    String uid = b.getMetadata().getUid() == null ? ClusterView.key(b) : b.getMetadata().getUid();
    Long gen = b.getMetadata().getGeneration();
    Validated v = validated.get(uid);
    if (v == null || gen == null || !gen.equals(v.generation())) {
      v = new Validated(gen, BudgetValidator.validate(b));
      if (validated.size() > 10_000) {
        validated.clear(); // deleted budgets: bound the cache simply
      }
      validated.put(uid, v);
    }
    return v.result();
  }

  @Override
  public UpdateControl<EnergyBudget> reconcile(EnergyBudget budget, Context<EnergyBudget> context) {
    ClusterView view = view();
    ledger.catchUp(view);
    refused.flush();
    BudgetEvaluator.Evaluation e = ledger.evaluate(budget, view);
    Optional<Duration> wait = ledger.holdBack(budget, e);
    if (wait.isEmpty()) {
      boolean wrote = statusWriter.write(budget, e.status(), e.fields());
      LOG.debugf(
          "budget %s: phase %s, status %s",
          ClusterView.key(budget), e.phase(), wrote ? "written" : "unchanged");
      ledger.written(budget, e);
      if (e.event() != null) {
        events.record(budget, e.event());
      }
    }
    metrics.budget(
        budget.getMetadata().getNamespace(),
        budget.getMetadata().getName(),
        e.status(),
        view.validation(budget).valid() ? view.validation(budget).policy().currency() : null);
    // status.idle is the idle controller's: read from the budget as cached, not from the ledger.
    metrics.idle(
        budget.getMetadata().getNamespace(),
        budget.getMetadata().getName(),
        budget.getStatus() == null ? null : budget.getStatus().getIdle());
    return UpdateControl.<EnergyBudget>noUpdate().rescheduleAfter(next(e, wait));
  }

  private Duration next(BudgetEvaluator.Evaluation e, Optional<Duration> wait) {
    Duration next = MAX_WAIT;
    if (wait.isPresent() && wait.get().compareTo(next) < 0) {
      next = wait.get();
    }
    if (e.resetsAt() != null) {
      // Wake up just after the calendar period ends, to roll over without waiting for data.
      Duration toEnd = Duration.between(clock.instant(), e.resetsAt());
      if (!toEnd.isNegative() && toEnd.compareTo(next) < 0) {
        next = toEnd.plusSeconds(1);
      }
    }
    return next.isNegative() || next.isZero() ? Duration.ofSeconds(1) : next;
  }

  @Override
  public ErrorStatusUpdateControl<EnergyBudget> updateErrorStatus(
      EnergyBudget resource, Context<EnergyBudget> context, Exception e) {
    metrics.reconcileError();
    LOG.warnf(e, "ledger reconciliation of %s failed; retrying", ClusterView.key(resource));
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }
}
