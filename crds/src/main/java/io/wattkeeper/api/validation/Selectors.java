package io.wattkeeper.api.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Label selector matching in code. The API server does this too, but the Fabric8 mock server
 * ignores set-based expressions, and informer caches are filtered locally anyway.
 */
public final class Selectors {

  private Selectors() {}

  /**
   * Whether {@code labels} satisfy {@code selector}. A {@code null} selector matches everything
   * (pod selectors: "absent = every pod in the namespace"); use {@link #matchesWorkload} where an
   * absent selector must match nothing.
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Workload selectors: absent or empty matches nothing, never "every workload". */
  public static boolean matchesWorkload(LabelSelector selector, Map<String, String> labels) {
    return !BudgetValidator.isEmpty(selector) && matches(selector, labels);
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String v = labels.get(r.getKey());
    return switch (r.getOperator()) {
      case "In" -> v != null && values.contains(v);
      case "NotIn" -> v == null || !values.contains(v);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      // Unknown operators were refused by validation; never match on them.
      default -> false;
    };
  }
}
