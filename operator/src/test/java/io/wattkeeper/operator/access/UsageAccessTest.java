package io.wattkeeper.operator.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.operator.testing.FakeAuth;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Usage data over HTTP needs a token the API server authenticates (TokenReview) and {@code get
 * energybudgets} where the data lies (SubjectAccessReview), both asked through the operator's real
 * client of the mock API server, which answers like kube-apiserver for a few known tokens.
 */
@QuarkusTest
@WithKubernetesTestServer
class UsageAccessTest {

  static final String CSV = "/api/v1/namespaces/access-a/energybudgets/team/usage.csv";
  static final String OTHER_CSV = "/api/v1/namespaces/access-b/energybudgets/team/usage.csv";

  @KubernetesTestServer KubernetesServer server;

  @BeforeEach
  void auth() {
    FakeAuth.install(server);
  }

  @Test
  void noTokenIs401WithAChallenge() {
    for (String path : new String[] {"/q/metrics", CSV}) {
      given()
          .get(path)
          .then()
          .statusCode(401)
          .header("WWW-Authenticate", "Bearer realm=\"wattkeeper\"");
    }
    given().header("Authorization", "Basic YTpi").get("/q/metrics").then().statusCode(401);
  }

  @Test
  void aTokenTheApiServerDoesNotKnowIs401() {
    String body =
        given().auth().oauth2("forged").get(CSV).then().statusCode(401).extract().asString();
    assertThat(body).contains("invalid bearer token");
  }

  @Test
  void aNamespaceReaderGetsItsNamespaceOnly() {
    // Allowed through: the budget does not exist, so the export itself answers 404.
    given().auth().oauth2(FakeAuth.TEAM_READER).get(CSV).then().statusCode(404);
    String other =
        given()
            .auth()
            .oauth2(FakeAuth.TEAM_READER)
            .get(OTHER_CSV)
            .then()
            .statusCode(403)
            .extract()
            .asString();
    assertThat(other)
        .contains("alice may not get energybudgets.wattkeeper.io/team in namespace access-b");
    // Metrics hold every namespace's usage: they need the right cluster-wide.
    given().auth().oauth2(FakeAuth.TEAM_READER).get("/q/metrics").then().statusCode(403);
    given().auth().oauth2(FakeAuth.NOBODY).get(CSV).then().statusCode(403);
  }

  @Test
  void theSubjectAccessReviewAsksForTheBudgetInItsNamespaceOrClusterWide() {
    FakeAuth.SAR_SPECS.clear();
    given().auth().oauth2(FakeAuth.NOBODY).get(OTHER_CSV).then().statusCode(403);
    given().auth().oauth2(FakeAuth.NOBODY).get("/q/metrics").then().statusCode(403);
    assertThat(FakeAuth.SAR_SPECS).hasSize(2);
    JsonNode csv = FakeAuth.SAR_SPECS.get(0);
    assertThat(csv.get("user").asText()).isEqualTo("bob");
    assertThat(csv.at("/resourceAttributes/namespace").asText()).isEqualTo("access-b");
    assertThat(csv.at("/resourceAttributes/name").asText()).isEqualTo("team");
    assertThat(csv.at("/resourceAttributes/verb").asText()).isEqualTo("get");
    JsonNode metrics = FakeAuth.SAR_SPECS.get(1);
    assertThat(metrics.at("/resourceAttributes/namespace").isMissingNode()).isTrue();
  }

  @Test
  void aClusterReaderScrapesMetricsAndAnswersAreCached() {
    String body =
        given()
            .auth()
            .oauth2(FakeAuth.CLUSTER_READER)
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(body).contains("# TYPE jvm_");
    int before = FakeAuth.SAR_SPECS.size();
    given().auth().oauth2(FakeAuth.CLUSTER_READER).get("/q/metrics").then().statusCode(200);
    assertThat(FakeAuth.SAR_SPECS).hasSize(before);
  }

  @Test
  void anApiServerOutageFailsClosedWith503() {
    given().auth().oauth2(FakeAuth.BROKEN).get(CSV).then().statusCode(503);
  }

  @Test
  void healthProbesStayOpen() {
    given().get("/q/health/live").then().statusCode(200);
  }
}
