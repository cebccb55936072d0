package io.wattkeeper.operator.ledger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.api.validation.ValidationResult;
import io.wattkeeper.operator.carbon.ZoneResolver;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The cluster as the informer caches show it, for one pass of the ledger. Lookups go through
 * functions so that the reconciler can hand in its JOSDK caches and tests their own objects.
 */
public final class ClusterView implements Ledger.Cluster {

  /** Pod lookup by namespace and name. */
  public interface Pods {
    Optional<Pod> get(String namespace, String name);

    Stream<Pod> inNamespace(String namespace);

    Stream<Pod> all();

    /** The labels of the pod if it has this uid (any, when null); null when not cached. */
    default Map<String, String> labels(String namespace, String name, String uid) {
      return get(namespace, name)
          .filter(p -> uid == null || uid.equals(p.getMetadata().getUid()))
          .map(
              p ->
                  p.getMetadata().getLabels() == null
                      ? Map.<String, String>of()
                      : p.getMetadata().getLabels())
          .orElse(null);
    }

    /** Labels of the pods in the namespace that have not finished (Succeeded or Failed). */
    default Stream<Map<String, String>> unfinishedLabels(String namespace) {
      return inNamespace(namespace)
          .filter(p -> !finished(p))
          .map(
              p ->
                  p.getMetadata().getLabels() == null
                      ? Map.<String, String>of()
                      : p.getMetadata().getLabels());
    }
  }

  private final Supplier<Stream<NodeEnergyReport>> reports;
  private final Pods pods;
  private final Function<String, Optional<Node>> nodes;
  private final List<EnergyBudget> budgets;
  private final Optional<String> defaultZone;
  private final Map<String, List<Ledger.BudgetRef>> byNamespace = new HashMap<>();
  private final Map<String, ValidationResult> validation = new HashMap<>();

  /** {@code validator} lets the caller cache validation per budget generation. */
  public ClusterView(
      Supplier<Stream<NodeEnergyReport>> reports,
      Pods pods,
      Function<String, Optional<Node>> nodes,
      List<EnergyBudget> budgets,
      Optional<String> defaultZone,
      Function<EnergyBudget, ValidationResult> validator) {
    this.reports = reports;
    this.pods = pods;
    this.nodes = nodes;
    this.budgets = budgets;
    this.defaultZone = defaultZone;
    for (EnergyBudget b : budgets) {
      ValidationResult v = validator.apply(b);
      validation.put(key(b), v);
      if (v.valid()) {
        byNamespace
            .computeIfAbsent(b.getMetadata().getNamespace(), k -> new ArrayList<>())
            .add(
                new Ledger.BudgetRef(
                    b.getMetadata().getNamespace(),
                    b.getMetadata().getName(),
                    v.policy(),
                    b.getStatus()));
      }
    }
    byNamespace.values().forEach(l -> l.sort(Comparator.comparing(Ledger.BudgetRef::name)));
  }

  public static String key(EnergyBudget b) {
    return b.getMetadata().getNamespace() + "/" + b.getMetadata().getName();
  }

  public Stream<NodeEnergyReport> reports() {
    return reports.get();
  }

  public Pods pods() {
    return pods;
  }

  public List<EnergyBudget> budgets() {
    return budgets;
  }

  public ValidationResult validation(EnergyBudget b) {
    return validation.computeIfAbsent(key(b), k -> BudgetValidator.validate(b));
  }

  public Optional<Ledger.BudgetRef> ref(EnergyBudget b) {
    return budgetsIn(b.getMetadata().getNamespace()).stream()
        .filter(r -> r.name().equals(b.getMetadata().getName()))
        .findFirst();
  }

  @Override
  public Map<String, String> podLabels(String namespace, String name, String uid) {
    if (namespace == null || name == null) {
      return null;
    }
    return pods.labels(namespace, name, uid);
  }

  /** The report checks' view: Nodes and pod placement from the same caches. */
  public ReportChecks.Cluster placements() {
    return new ReportChecks.Cluster() {
      @Override
      public boolean nodeExists(String node) {
        return node != null && nodes.apply(node).isPresent();
      }

      @Override
      public Optional<ReportChecks.Placement> pod(String namespace, String name) {
        return pods.get(namespace, name).map(ClusterView::placement);
      }
    };
  }

  static ReportChecks.Placement placement(Pod p) {
    String started = p.getStatus() == null ? null : p.getStatus().getStartTime();
    if (started == null) {
      started = p.getMetadata().getCreationTimestamp();
    }
    Instant at = null;
    try {
      at = started == null ? null : OffsetDateTime.parse(started).toInstant();
    } catch (DateTimeParseException e) {
      // unknown start: the checks then bound by the report interval only
    }
    return new ReportChecks.Placement(
        p.getMetadata().getUid(), p.getSpec() == null ? null : p.getSpec().getNodeName(), at);
  }

  @Override
  public Instant podStart(String namespace, String name, String uid) {
    if (namespace == null || name == null) {
      return null;
    }
    Optional<Pod> p = pods.get(namespace, name);
    if (p.isEmpty() || (uid != null && !uid.equals(p.get().getMetadata().getUid()))) {
      return null;
    }
    // The kubelet's start time; else the creation time, which is never later than the start.
    String start = p.get().getStatus() == null ? null : p.get().getStatus().getStartTime();
    if (start == null) {
      start = p.get().getMetadata().getCreationTimestamp();
    }
    try {
      return start == null ? null : OffsetDateTime.parse(start).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public Optional<String> nodeZone(String node) {
    Optional<Node> n = nodes.apply(node);
    return ZoneResolver.zoneOf(
        n.map(x -> x.getMetadata().getAnnotations()).orElse(null),
        n.map(x -> x.getMetadata().getLabels()).orElse(null),
        defaultZone);
  }

  @Override
  public List<Ledger.BudgetRef> budgetsIn(String namespace) {
    return byNamespace.getOrDefault(namespace, List.of());
  }

  /** Running (not finished) pods in the budget's namespace that its selector matches. */
  public int matchedPods(Ledger.BudgetRef b) {
    return (int)
        pods.unfinishedLabels(b.namespace())
            .filter(l -> Selectors.matches(b.policy().selector(), l))
            .count();
  }

  static boolean finished(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }
}
