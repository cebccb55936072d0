package io.wattkeeper.operator.ledger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.api.validation.ValidationResult;
import io.wattkeeper.operator.carbon.ZoneResolver;
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
    return validation.computeIfAbsent(key(b), k -> BudgetValidator.validate(b.getSpec()));
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
    Optional<Pod> p = pods.get(namespace, name);
    if (p.isEmpty() || (uid != null && !uid.equals(p.get().getMetadata().getUid()))) {
      return null;
    }
    Map<String, String> l = p.get().getMetadata().getLabels();
    return l == null ? Map.of() : l;
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
        pods.inNamespace(b.namespace())
            .filter(p -> !finished(p))
            .filter(p -> Selectors.matches(b.policy().selector(), p.getMetadata().getLabels()))
            .count();
  }

  static boolean finished(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }
}
