package io.wattkeeper.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionDeciderTest {

  static final ObjectMapper JSON = new ObjectMapper();
  final AdmissionDecider decider = new AdmissionDecider("wattkeeper", List.of("kube-system"));

  static EnergyBudget budget(String name, String action, Map<String, String> selector) {
    EnergyBudget b = new EnergyBudget();
    b.getMetadata().setName(name);
    b.getMetadata().setNamespace("ml");
    b.setSpec(
        new EnergyBudgetSpec(
            selector == null ? null : new LabelSelectorBuilder().withMatchLabels(selector).build(),
            null,
            new EnergyBudgetSpec.Limits("10kWh", null, null),
            null,
            null,
            null,
            null));
    b.setStatus(
        new EnergyBudgetStatus()
            .setPercentUsed(new EnergyBudgetStatus.PercentUsed().setEnergy(120.0))
            .setDisplay(
                new EnergyBudgetStatus.Display()
                    .setEnergy("12kWh/10kWh")
                    .setResetsAt("2026-04-01 00:00 UTC"))
            .setEnforcement(
                action == null
                    ? null
                    : new EnergyBudgetStatus.EnforcementStatus()
                        .setActiveActions(List.of(action))));
    return b;
  }

  JsonNode pod(String ns, Map<String, String> labels) {
    return JSON.valueToTree(
        Map.of(
            "uid",
            "u",
            "namespace",
            ns,
            "operation",
            "CREATE",
            "resource",
            Map.of("resource", "pods"),
            "object",
            Map.of("metadata", Map.of("generateName", "web-", "labels", labels))));
  }

  AdmissionDecision decide(JsonNode req, EnergyBudget... budgets) {
    return decider.decide(req, ns -> List.of(budgets), (k, ns, n) -> null);
  }

  @Test
  void deniesInScopeOnlyAndTheMostRestrictiveWins() {
    AdmissionDecision d =
        decide(
            pod("ml", Map.of("team", "a")),
            budget("warn", "DenyNewPods(Warn)", null),
            budget("deny", "DenyNewPods", Map.of("team", "a")),
            budget("dry", "DenyNewPods(DryRun)", null),
            budget("other", "DenyNewPods", Map.of("team", "b")));
    assertThat(d.allowed()).isFalse();
    assertThat(d.message())
        .isEqualTo(
            "pods \"web-\" is forbidden: exceeded energy budget ml/deny: used 12kWh, limit 10kWh, resets 2026-04-01 00:00 UTC");
    assertThat(d.warnings()).singleElement().asString().contains("ml/warn");
  }

  @Test
  void allowsOutsideScopeAndExemptions() {
    assertThat(
            decide(
                    pod("ml", Map.of("team", "b")),
                    budget("deny", "DenyNewPods", Map.of("team", "a")))
                .allowed())
        .isTrue();
    assertThat(
            decide(
                    pod("ml", Map.of("wattkeeper.io/exempt", "true")),
                    budget("deny", "DenyNewPods", null))
                .allowed())
        .isTrue();
    assertThat(decide(pod("kube-system", Map.of()), budget("deny", "DenyNewPods", null)).allowed())
        .isTrue();
    assertThat(decide(pod("wattkeeper", Map.of()), budget("deny", "DenyNewPods", null)).allowed())
        .isTrue();
    assertThat(decide(pod("ml", Map.of()), budget("none", null, null)).allowed()).isTrue();
  }

  @Test
  void scaleRequestsUseTheCachedTemplateLabelsAndUnknownWorkloadsAreAllowedWithAWarning() {
    JsonNode scale =
        JSON.valueToTree(
            Map.of(
                "uid",
                "u",
                "namespace",
                "ml",
                "name",
                "llm",
                "operation",
                "UPDATE",
                "subResource",
                "scale",
                "resource",
                Map.of("resource", "deployments"),
                "object",
                Map.of("spec", Map.of("replicas", 2)),
                "oldObject",
                Map.of("spec", Map.of("replicas", 0))));
    EnergyBudget deny = budget("deny", "DenyNewPods", Map.of("team", "a"));
    AdmissionDecision unknown = decider.decide(scale, ns -> List.of(deny), (k, ns, n) -> null);
    assertThat(unknown.allowed()).isTrue();
    assertThat(unknown.warnings())
        .singleElement()
        .asString()
        .contains("not in the operator's cache");
    AdmissionDecision denied =
        decider.decide(
            scale,
            ns -> List.of(deny),
            (k, ns, n) ->
                new AdmissionDecider.WorkloadLookup.Labels(Map.of(), Map.of("team", "a")));
    assertThat(denied.allowed()).isFalse();
    AdmissionDecision exempt =
        decider.decide(
            scale,
            ns -> List.of(deny),
            (k, ns, n) ->
                new AdmissionDecider.WorkloadLookup.Labels(
                    Map.of("wattkeeper.io/exempt", "true"), Map.of("team", "a")));
    assertThat(exempt.allowed()).isTrue();
  }

  @Test
  void otherOperationsAreNotChecked() {
    JsonNode delete =
        JSON.valueToTree(
            Map.of(
                "uid",
                "u",
                "namespace",
                "ml",
                "operation",
                "DELETE",
                "resource",
                Map.of("resource", "pods")));
    assertThat(decide(delete, budget("deny", "DenyNewPods", null)).allowed()).isTrue();
  }
}
