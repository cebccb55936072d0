package io.wattkeeper.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.validation.BudgetPolicy.Action;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.operator.enforce.BudgetMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides an AdmissionReview request for DenyNewPods: pod creation and replica increases of
 * Deployments and StatefulSets (also through {@code /scale}) in the scope of a budget whose
 * DenyNewPods is in force. Pure: the budgets and workload labels come from the caller's cache.
 */
public final class AdmissionDecider {

  static final String DENY = Action.DenyNewPods.name();
  static final String DENY_WARN = DENY + "(Warn)";

  private final String operatorNamespace;
  private final Set<String> exemptNamespaces;

  public AdmissionDecider(String operatorNamespace, List<String> exemptNamespaces) {
    this.operatorNamespace = operatorNamespace;
    this.exemptNamespaces = Set.copyOf(exemptNamespaces);
  }

  /**
   * @param budgets the budgets of a namespace
   * @param workloadTemplateLabels "kind/name" to the pod template labels, {@code null} if unknown
   */
  public AdmissionDecision decide(
      JsonNode request,
      Function<String, List<EnergyBudget>> budgets,
      WorkloadLookup workloadTemplateLabels) {
    String ns = request.path("namespace").asText("");
    if (ns.isEmpty() || ns.equals(operatorNamespace) || exemptNamespaces.contains(ns)) {
      return AdmissionDecision.allow();
    }
    if (request
        .path("userInfo")
        .path("username")
        .asText("")
        .startsWith("system:serviceaccount:" + operatorNamespace + ":")) {
      // The operator's own wake-ups must never be blocked by the budgets it enforces.
      return AdmissionDecision.allow();
    }
    String resource = request.path("resource").path("resource").asText("");
    String sub = request.path("subResource").asText("");
    String op = request.path("operation").asText("");
    JsonNode obj = request.path("object");
    String name = request.path("name").asText("");
    Map<String, String> labels;
    String what;
    if (resource.equals("pods") && sub.isEmpty() && op.equals("CREATE")) {
      labels = labels(obj.path("metadata").path("labels"));
      if ("true".equals(labels.get(Api.LABEL_EXEMPT))) {
        return AdmissionDecision.allow();
      }
      if (name.isEmpty()) {
        name =
            obj.path("metadata")
                .path("name")
                .asText(obj.path("metadata").path("generateName").asText(""));
      }
      what = "pods \"" + name + "\"";
    } else if ((resource.equals("deployments") || resource.equals("statefulsets"))
        && (op.equals("UPDATE") || op.equals("CREATE"))) {
      int next = replicas(obj);
      int prev = op.equals("CREATE") ? 0 : replicas(request.path("oldObject"));
      if (next <= prev) {
        return AdmissionDecision.allow();
      }
      String kind = resource.equals("deployments") ? "Deployment" : "StatefulSet";
      if (sub.equals("scale")) {
        WorkloadLookup.Labels l = workloadTemplateLabels.find(kind, ns, name);
        if (l == null) {
          return AdmissionDecision.allow(
              List.of(
                  "wattkeeper: "
                      + kind
                      + " "
                      + ns
                      + "/"
                      + name
                      + " is not in the operator's cache; energy budgets not checked"));
        }
        if ("true".equals(l.own().get(Api.LABEL_EXEMPT))) {
          return AdmissionDecision.allow();
        }
        labels = l.template();
      } else if (sub.isEmpty()) {
        if ("true".equals(labels(obj.path("metadata").path("labels")).get(Api.LABEL_EXEMPT))) {
          return AdmissionDecision.allow();
        }
        labels = labels(obj.path("spec").path("template").path("metadata").path("labels"));
      } else {
        return AdmissionDecision.allow();
      }
      what = resource + ".apps \"" + name + "\" (replicas " + prev + " to " + next + ")";
    } else {
      return AdmissionDecision.allow();
    }
    List<String> warnings = new ArrayList<>();
    String denial = null;
    for (EnergyBudget b : budgets.apply(ns)) {
      List<String> active = activeActions(b);
      boolean enforce = active.contains(DENY);
      boolean warn = active.contains(DENY_WARN);
      if (!(enforce || warn)
          || !Selectors.matches(b.getSpec() == null ? null : b.getSpec().selector(), labels)) {
        continue;
      }
      String msg = BudgetMessage.exceeded(b);
      if (enforce && denial == null) {
        denial = what + " is forbidden: " + msg;
      } else if (warn) {
        warnings.add(what + " would be forbidden (budget in Warn mode): " + msg);
      }
    }
    return denial == null
        ? AdmissionDecision.allow(warnings)
        : AdmissionDecision.deny(denial, warnings);
  }

  private static List<String> activeActions(EnergyBudget b) {
    if (b.getStatus() == null
        || b.getStatus().getEnforcement() == null
        || b.getStatus().getEnforcement().getActiveActions() == null) {
      return List.of();
    }
    return b.getStatus().getEnforcement().getActiveActions();
  }

  static int replicas(JsonNode obj) {
    JsonNode r = obj.path("spec").path("replicas");
    // Absent replicas default to one for both kinds (the Scale always has it).
    return r.isMissingNode() || r.isNull() ? 1 : r.asInt();
  }

  static Map<String, String> labels(JsonNode n) {
    Map<String, String> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** Labels of a cached workload. */
  public interface WorkloadLookup {
    /**
     * @return {@code null} when the workload is not in the cache
     */
    Labels find(String kind, String namespace, String name);

    /** The workload's own labels and its pod template's. */
    record Labels(Map<String, String> own, Map<String, String> template) {}
  }
}
