package io.wattkeeper.operator.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.Controller;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.operator.budget.EnergyBudgetLedgerReconciler;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A dead watch fails liveness, so the kubelet restarts the operator instead of leaving it running
 * blind (before: readiness DOWN, liveness UP, forever). Its own profile: it kills an informer, and
 * the application of the other tests must not share that.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(DeadInformerTest.Isolated.class)
class DeadInformerTest {

  public static class Isolated implements QuarkusTestProfile {}

  @Inject Operator operator;

  @Test
  void liveUntilAnInformerDiesThenDown() {
    given().get("/q/health/live").then().statusCode(200);
    Controller<?> c =
        (Controller<?>)
            operator.getRuntimeInfo().getRegisteredController(EnergyBudgetLedgerReconciler.NAME);
    var nodes = c.getEventSourceManager().getEventSourceFor(Node.class, "ledger-nodes");
    nodes.stop();
    given()
        .get("/q/health/live")
        .then()
        .statusCode(503)
        .body(containsString("ledger-nodes"))
        .body(containsString("stopped"));
  }
}
