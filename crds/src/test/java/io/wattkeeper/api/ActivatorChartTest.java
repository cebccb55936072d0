package io.wattkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The activator's chart parts: two replicas, its Service, least-privilege RBAC, operator env. */
class ActivatorChartTest {

  static Optional<JsonNode> find(List<JsonNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.get("kind").asText().equals(kind))
        .filter(d -> d.at("/metadata/name").asText().equals(name))
        .findFirst();
  }

  @Test
  void rendersTheActivatorWithLeastPrivilege() throws IOException {
    List<JsonNode> docs = WebhookChartTest.render(t -> t);
    JsonNode d = find(docs, "Deployment", "wk-wattkeeper-activator").orElseThrow();
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(d.at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo("wk-wattkeeper-activator");
    assertThat(d.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(d.at("/spec/template/spec/containers/0/env").toString())
        .contains(
            "WATTKEEPER_ACTIVATOR_MAX_PENDING",
            "\"100\"",
            "WATTKEEPER_ACTIVATOR_WAKE_TIMEOUT",
            "\"5m\"");
    assertThat(find(docs, "Service", "wk-wattkeeper-activator")).isPresent();
    assertThat(find(docs, "PodDisruptionBudget", "wk-wattkeeper-activator")).isPresent();

    JsonNode role = find(docs, "ClusterRole", "wk-wattkeeper-activator").orElseThrow();
    assertThat(role.toString()).doesNotContain("\"*\"", "delete", "update", "create\",\"patch");
    for (JsonNode rule : role.get("rules")) {
      String res = rule.get("resources").toString();
      String verbs = rule.get("verbs").toString();
      if (res.contains("endpointslices") || res.contains("energybudgets")) {
        assertThat(verbs).doesNotContain("patch", "create");
      }
      if (res.contains("deployments")) {
        assertThat(verbs).isEqualTo("[\"get\",\"patch\"]");
      }
    }
    JsonNode routes = find(docs, "ClusterRole", "wk-wattkeeper-operator-activation").orElseThrow();
    for (JsonNode rule : routes.get("rules")) {
      if (rule.get("resources").toString().contains("services")) {
        assertThat(rule.get("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\"]");
      }
    }
    JsonNode operator = find(docs, "Deployment", "wk-wattkeeper-operator").orElseThrow();
    assertThat(operator.at("/spec/template/spec/containers/0/env").toString())
        .contains("WATTKEEPER_ACTIVATOR_SERVICE", "wk-wattkeeper-activator")
        .contains("WATTKEEPER_ACTIVATOR_NAMESPACE", "wattkeeper");
  }

  @Test
  void disabledRendersNoActivator() throws IOException {
    List<JsonNode> docs = WebhookChartTest.render(t -> t.set("activator.enabled", "false"));
    assertThat(docs).noneMatch(d -> d.at("/metadata/name").asText().contains("activator"));
    JsonNode operator = find(docs, "Deployment", "wk-wattkeeper-operator").orElseThrow();
    assertThat(operator.at("/spec/template/spec/containers/0/env").toString())
        .contains("WATTKEEPER_ACTIVATOR_ENABLED\",\"value\":\"false\"");
  }
}
