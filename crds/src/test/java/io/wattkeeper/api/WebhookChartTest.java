package io.wattkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The DenyNewPods admission webhook in the chart: fail-open, scoped, with TLS either way. */
class WebhookChartTest {

  static List<JsonNode> render(UnaryOperator<TemplateCommand> values) throws IOException {
    String out =
        values
            .apply(
                new Helm(ChartTest.CHART)
                    .template()
                    .withName("wk")
                    .withNamespace("wattkeeper")
                    .set("webhook.reuseCertificate", "false"))
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
    return docs;
  }

  static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.get("kind").asText().equals(kind)).findFirst().orElse(null);
  }

  @Test
  void defaultsRenderAFailOpenWebhookWithAHelmGeneratedCertificate() throws IOException {
    List<JsonNode> docs = render(t -> t);
    JsonNode vwc = kind(docs, "ValidatingWebhookConfiguration");
    JsonNode hook = vwc.at("/webhooks/0");
    assertThat(hook.get("failurePolicy").asText()).isEqualTo("Ignore");
    assertThat(hook.get("timeoutSeconds").asInt()).isEqualTo(5);
    assertThat(hook.at("/clientConfig/service/path").asText()).isEqualTo("/admission/validate");
    assertThat(hook.at("/namespaceSelector/matchExpressions/0/values").toString())
        .contains("kube-system")
        .contains("wattkeeper");
    assertThat(hook.at("/objectSelector/matchExpressions/0/key").asText())
        .isEqualTo("wattkeeper.io/exempt");
    assertThat(hook.get("rules").toString())
        .contains("deployments/scale")
        .contains("statefulsets/scale")
        .contains("pods");
    String ca = new String(Base64.getDecoder().decode(hook.at("/clientConfig/caBundle").asText()));
    assertThat(ca).startsWith("-----BEGIN CERTIFICATE-----");
    JsonNode secret = kind(docs, "Secret");
    assertThat(secret.at("/data/tls.crt").asText()).isNotEmpty();
    assertThat(secret.at("/data/ca.crt").asText())
        .isEqualTo(hook.at("/clientConfig/caBundle").asText());
    JsonNode deployment =
        docs.stream()
            .filter(d -> d.get("kind").asText().equals("Deployment"))
            .filter(d -> d.at("/metadata/name").asText().endsWith("-operator"))
            .findFirst()
            .get();
    assertThat(deployment.toString())
        .contains("QUARKUS_HTTP_SSL_CERTIFICATE_FILES")
        .contains("webhook-tls");
    JsonNode service =
        docs.stream()
            .filter(d -> d.get("kind").asText().equals("Service"))
            .filter(d -> d.at("/metadata/name").asText().endsWith("-operator"))
            .findFirst()
            .get();
    assertThat(service.at("/spec/ports").toString()).contains("\"port\":443");
  }

  @Test
  void certManagerInjectsTheCaInstead() throws IOException {
    List<JsonNode> docs = render(t -> t.set("webhook.certManager.enabled", "true"));
    JsonNode vwc = kind(docs, "ValidatingWebhookConfiguration");
    assertThat(vwc.at("/metadata/annotations/cert-manager.io~1inject-ca-from").asText())
        .isEqualTo("wattkeeper/wk-wattkeeper-webhook");
    assertThat(vwc.at("/webhooks/0/clientConfig/caBundle").isMissingNode()).isTrue();
    assertThat(kind(docs, "Certificate")).isNotNull();
    assertThat(kind(docs, "Issuer")).isNotNull();
  }

  @Test
  void disabledRendersNoWebhook() throws IOException {
    List<JsonNode> docs = render(t -> t.set("webhook.enabled", "false"));
    assertThat(kind(docs, "ValidatingWebhookConfiguration")).isNull();
    assertThat(
            docs.stream()
                .filter(d -> d.get("kind").asText().equals("Deployment"))
                .filter(d -> d.at("/metadata/name").asText().endsWith("-operator"))
                .findFirst()
                .get()
                .toString())
        .doesNotContain("webhook-tls")
        .contains("WATTKEEPER_WEBHOOK_ENABLED");
  }
}
