package io.wattkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart lints strictly and renders with default values (helm-java embeds Helm 3). */
class ChartTest {

  static final Path CHART = CrdFilesTest.ROOT.resolve("helm/wattkeeper");

  @Test
  void lintsStrict() {
    LintResult r = new Helm(CHART).lint().strict().call();
    assertThat(r.isFailed()).withFailMessage("helm lint --strict: %s", r.getMessages()).isFalse();
  }

  @Test
  void rendersWithDefaults() throws IOException {
    String out =
        new Helm(CHART)
            .template()
            .withName("wk")
            .withNamespace("wattkeeper")
            .set("webhook.reuseCertificate", "false") // helm-java cannot lookup offline
            .call();
    List<JsonNode> docs = new ArrayList<>();
    for (String doc : out.split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        JsonNode n = CrdFilesTest.YAML.readTree(doc);
        if (n != null && n.has("kind")) {
          docs.add(n);
        }
      }
    }
    List<String> kinds = docs.stream().map(d -> d.get("kind").asText()).toList();
    assertThat(kinds)
        .contains("Deployment", "DaemonSet", "ServiceAccount", "ClusterRole", "ClusterRoleBinding");
    JsonNode operatorRole =
        docs.stream()
            .filter(d -> d.get("kind").asText().equals("ClusterRole"))
            .filter(d -> d.at("/metadata/name").asText().endsWith("-operator"))
            .findFirst()
            .orElseThrow();
    // Least privilege: no wildcards, and the operator can never delete pods.
    assertThat(operatorRole.toString()).doesNotContain("\"*\"");
    for (JsonNode rule : operatorRole.get("rules")) {
      if (rule.get("resources").toString().contains("\"pods\"")) {
        assertThat(rule.get("verbs").toString()).doesNotContain("delete");
      }
    }
    // Leader election: replicas roll one at a time, the Lease is granted in the release namespace.
    JsonNode operator =
        docs.stream()
            .filter(d -> d.get("kind").asText().equals("Deployment"))
            .filter(d -> d.at("/metadata/name").asText().endsWith("-operator"))
            .findFirst()
            .orElseThrow();
    assertThat(operator.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(operator.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(operatorRole.toString()).doesNotContain("leases");
    JsonNode agent =
        docs.stream().filter(d -> d.get("kind").asText().equals("DaemonSet")).findFirst().get();
    assertThat(agent.at("/spec/template/spec/containers/0/env").toString()).contains("NODE_NAME");
  }
}
