package io.wattkeeper.operator.budget;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.operator.carbon.CarbonConfig;
import io.wattkeeper.operator.ledger.ClusterView;
import io.wattkeeper.operator.ledger.LedgerService;
import io.wattkeeper.operator.metrics.LedgerMetrics;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The main EnergyBudget reconciler: brings the ledger up to date, evaluates the budget, writes the
 * status fields it owns (never status.idle or status.enforcement), records phase Events, updates
 * metrics and pod annotations. No finalizer: nothing to undo when a budget goes.
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
  @Inject StatusWriter statusWriter;
  @Inject BudgetEvents events;
  @Inject LedgerMetrics metrics;
  @Inject CarbonConfig carbon;
  @Inject Clock clock;

  private InformerEventSource<NodeEnergyReport, EnergyBudget> reports;
  private InformerEventSource<Pod, EnergyBudget> pods;
  private InformerEventSource<Node, EnergyBudget> nodes;
  private IndexerResourceCache<EnergyBudget> budgets;

  @Override
  public List<EventSource<?, EnergyBudget>> prepareEventSources(
      EventSourceContext<EnergyBudget> context) {
    budgets = context.getPrimaryCache();
    reports =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NodeEnergyReport.class, EnergyBudget.class)
                .withName("ledger-reports")
                .withSecondaryToPrimaryMapper(r -> allBudgets())
                .build(),
            context);
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, EnergyBudget.class)
                .withName("ledger-pods")
                .withSecondaryToPrimaryMapper(p -> budgetsIn(p.getMetadata().getNamespace()))
                // Our own annotation writes must not wake every budget: labels and phase matter.
                .withOnUpdateFilter(
                    (newPod, oldPod) ->
                        !Objects.equals(
                                newPod.getMetadata().getLabels(), oldPod.getMetadata().getLabels())
                            || !Objects.equals(phase(newPod), phase(oldPod)))
                .build(),
            context);
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, EnergyBudget.class)
                .withName("ledger-nodes")
                .withSecondaryToPrimaryMapper(n -> Set.of())
                .build(),
            context);
    return List.of(reports, pods, nodes);
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

  private static String phase(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  /** The cluster as the caches show it now. */
  public ClusterView view() {
    return new ClusterView(
        () -> reports.list(),
        new ClusterView.Pods() {
          @Override
          public Optional<Pod> get(String namespace, String name) {
            return pods.get(new ResourceID(name, namespace));
          }

          @Override
          public Stream<Pod> inNamespace(String namespace) {
            return pods.list(namespace, p -> true);
          }

          @Override
          public Stream<Pod> all() {
            return pods.list();
          }
        },
        name -> nodes.get(new ResourceID(name)),
        budgets.list().toList(),
        carbon.defaultZone());
  }

  @Override
  public UpdateControl<EnergyBudget> reconcile(EnergyBudget budget, Context<EnergyBudget> context) {
    ClusterView view = view();
    ledger.catchUp(view);
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
    ledger.annotate(view);
    return UpdateControl.<EnergyBudget>noUpdate().rescheduleAfter(next(e, wait));
  }

  private Duration next(BudgetEvaluator.Evaluation e, Optional<Duration> wait) {
    Duration next = MAX_WAIT;
    if (wait.isPresent() && wait.get().compareTo(next) < 0) {
      next = wait.get();
    }
    if (e.status().getPeriod() != null && e.status().getPeriod().getEnd() != null) {
      Instant end = OffsetDateTime.parse(e.status().getPeriod().getEnd()).toInstant();
      Duration toEnd = Duration.between(clock.instant(), end);
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
