package io.wattkeeper.operator.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.operator.enforce.EnforcementScenarioTest;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook over real HTTP with real AdmissionReview v1 JSON, answering from budgets the real
 * ledger set Exceeded.
 */
@QuarkusTest
@WithKubernetesTestServer
public class AdmissionWebhookTest {

  static final String PATH = "/admission/validate";

  @TestHTTPResource(value = PATH, tls = true)
  URL tlsUrl;

  static int tlsPort;

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  /** The reset time the ledger shows for the wh-enforce budget. */
  static String resets;

  /**
   * Once for the class: a budget per mode whose pod used 12 kWh of a 10 kWh limit; the real ledger
   * sets it Exceeded and the actions reconciler puts DenyNewPods in force.
   */
  @BeforeEach
  void budgets() {
    tlsPort = tlsUrl.getPort();
    if (resets != null) {
      return;
    }
    for (String mode : List.of("Enforce", "Warn")) {
      String ns = "wh-" + mode.toLowerCase();
      Scenario s = new Scenario(client, clock, ns);
      s.deployment("llm", 1, Map.of());
      Pod pod = s.pods("llm", 1, true).get(0);
      EnergyBudgetSpec spec = EnforcementScenarioTest.spec(mode, true, "10kWh");
      s.budget(
          "team",
          new EnergyBudgetSpec(
              null,
              spec.period(),
              spec.limits(),
              spec.warnAt(),
              null,
              new EnergyBudgetSpec.Enforcement(mode, List.of("DenyNewPods"), null, null, true),
              null));
      EnergyBudget b =
          s.exceed("team", "node-" + ns, List.of(Scenario.Sample.active(pod)), null, 12_000);
      assertThat(b.getStatus().getDisplay().getEnergy()).isEqualTo("12kWh/10kWh");
      s.awaitStatus(
          "team",
          st ->
              st.getEnforcement() != null
                  && st.getEnforcement().getActiveActions() != null
                  && st.getEnforcement().getActiveActions().size() == 1);
      if (mode.equals("Enforce")) {
        resets = b.getStatus().getDisplay().getResetsAt();
        // The ledger's form: the period end in the budget's zone.
        assertThat(resets)
            .isEqualTo(
                OffsetDateTime.parse(b.getStatus().getPeriod().getEnd())
                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                    + " UTC");
      }
    }
    new Scenario(client, clock, "wh-free");
    // The webhook's own cache catches up with the status just written (slow on a loaded 2-core CI).
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !post(podCreate("wh-enforce", Map.of())).getBoolean("response.allowed"));
  }

  @Test
  void podCreationInScopeIsDeniedWithAQuotaStyleMessage() {
    JsonPath r = post(podCreate("wh-enforce", Map.of("app", "x")));
    assertThat(r.getString("apiVersion")).isEqualTo("admission.k8s.io/v1");
    assertThat(r.getString("kind")).isEqualTo("AdmissionReview");
    assertThat(r.getString("response.uid")).isEqualTo("uid-1");
    assertThat(r.getBoolean("response.allowed")).isFalse();
    assertThat(r.getInt("response.status.code")).isEqualTo(403);
    assertThat(r.getString("response.status.message"))
        .isEqualTo(
            "pods \"web-1\" is forbidden: exceeded energy budget wh-enforce/team: used 12kWh, limit 10kWh, resets "
                + resets);
  }

  @Test
  void warnModeAllowsWithAWarning() {
    JsonPath r = post(podCreate("wh-warn", Map.of()));
    assertThat(r.getBoolean("response.allowed")).isTrue();
    assertThat(r.getList("response.warnings", String.class))
        .singleElement()
        .asString()
        .contains("exceeded energy budget wh-warn/team");
  }

  @Test
  void exemptPodsNamespacesAndTheOperatorItselfAreAllowed() {
    assertThat(
            post(podCreate("wh-enforce", Map.of("wattkeeper.io/exempt", "true")))
                .getBoolean("response.allowed"))
        .isTrue();
    assertThat(post(podCreate("kube-system", Map.of())).getBoolean("response.allowed")).isTrue();
    assertThat(post(podCreate("wattkeeper", Map.of())).getBoolean("response.allowed")).isTrue();
    assertThat(post(podCreate("wh-free", Map.of())).getBoolean("response.allowed")).isTrue();
    assertThat(post(podCreate("wh-free", Map.of())).getList("response.warnings")).isNull();
    String byOperator =
        podCreate("wh-enforce", Map.of())
            .replace(
                "\"operation\"",
                "\"userInfo\":{\"username\":\"system:serviceaccount:wattkeeper:wk-operator\"},\"operation\"");
    assertThat(post(byOperator).getBoolean("response.allowed")).isTrue();
  }

  @Test
  void replicaIncreasesAreDeniedAlsoThroughTheScaleSubresource() {
    JsonPath up = post(scale("wh-enforce", "llm", 1, 3));
    assertThat(up.getBoolean("response.allowed")).isFalse();
    assertThat(up.getString("response.status.message"))
        .startsWith(
            "deployments.apps \"llm\" (replicas 1 to 3) is forbidden: exceeded energy budget wh-enforce/team");
    assertThat(post(scale("wh-enforce", "llm", 3, 1)).getBoolean("response.allowed")).isTrue();
    assertThat(post(deploymentUpdate("wh-enforce", 1, 2)).getBoolean("response.allowed")).isFalse();
    assertThat(post(deploymentUpdate("wh-enforce", 2, 2)).getBoolean("response.allowed")).isTrue();
  }

  @Test
  void malformedReviewsAreRejectedWithBadRequest() {
    assertThat(status("{\"kind\":\"AdmissionReview\"}")).isEqualTo(400);
    assertThat(status("[]")).isEqualTo(400);
    assertThat(status("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}"))
        .isEqualTo(400);
  }

  @Test
  void onlyAdmissionReviewV1IsAnswered() {
    String v1 = podCreate("wh-free", Map.of());
    String v1beta1 = v1.replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1");
    String garbageKind = v1.replace("\"kind\":\"AdmissionReview\"", "\"kind\":\"TokenReview\"");
    assertThat(status(v1beta1)).isEqualTo(400);
    assertThat(status(garbageKind)).isEqualTo(400);
    String body = tls().contentType("application/json").body(v1beta1).post(PATH).asString();
    assertThat(body).contains("apiVersion 'admission.k8s.io/v1beta1'");
    assertThat(post(v1).getString("apiVersion")).isEqualTo("admission.k8s.io/v1");
  }

  @Test
  void theWebhookIsServedOverTlsOnlyAndItsPortServesNothingElse() {
    // The plain port never answers the webhook...
    given()
        .contentType("application/json")
        .body(podCreate("wh-free", Map.of()))
        .post(PATH)
        .then()
        .statusCode(404);
    // ...and the TLS port answers nothing but the webhook: no metrics, export or health there.
    tls().get("/q/metrics").then().statusCode(404);
    tls().get("/q/health/live").then().statusCode(404);
    tls().get("/api/v1/namespaces/wh-enforce/energybudgets/team/usage.csv").then().statusCode(404);
    given().get("/q/health/live").then().statusCode(200);
  }

  /** RestAssured against the TLS listener (the test certificate is self-signed). */
  static RequestSpecification tls() {
    return given().relaxedHTTPSValidation().baseUri("https://localhost").port(tlsPort);
  }

  static int status(String body) {
    return tls().contentType("application/json").body(body).post(PATH).statusCode();
  }

  static JsonPath post(String body) {
    return tls()
        .contentType("application/json")
        .body(body)
        .post(PATH)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  public static String podCreate(String ns, Map<String, String> labels) {
    StringBuilder l = new StringBuilder();
    labels.forEach(
        (k, v) ->
            l.append(l.length() == 0 ? "" : ",")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"uid-1",
         "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
         "requestKind":{"group":"","version":"v1","kind":"Pod"},"name":"web-1","namespace":"%s","operation":"CREATE",
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"%s","labels":{%s}},
           "spec":{"containers":[{"name":"c","image":"nginx"}]}},"oldObject":null,"dryRun":false}}
        """
        .formatted(ns, ns, l);
  }

  public static String scale(String ns, String name, int from, int to) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"uid-2",
         "kind":{"group":"autoscaling","version":"v1","kind":"Scale"},
         "resource":{"group":"apps","version":"v1","resource":"deployments"},"subResource":"scale",
         "name":"%s","namespace":"%s","operation":"UPDATE",
         "object":{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"%s","namespace":"%s"},"spec":{"replicas":%d}},
         "oldObject":{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"%s","namespace":"%s"},"spec":{"replicas":%d}}}}
        """
        .formatted(name, ns, name, ns, to, name, ns, from);
  }

  static String deploymentUpdate(String ns, int from, int to) {
    String d =
        """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"llm","namespace":"%s"},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"llm"}},"template":{"metadata":{"labels":{"app":"llm"}}}}}""";
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"uid-3",
         "resource":{"group":"apps","version":"v1","resource":"deployments"},"name":"llm","namespace":"%s",
         "operation":"UPDATE","object":%s,"oldObject":%s}}
        """
        .formatted(ns, d.formatted(ns, to), d.formatted(ns, from));
  }
}
