package io.wattkeeper.operator.serde;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.operator.testing.FakeAuth;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Objects a real API server's schema would refuse, written anyway (CRDs get edited, versions skew):
 * each becomes that object's own problem, said where its owner looks, and the operator's watches go
 * on for everyone else.
 */
@QuarkusTest
@WithKubernetesTestServer
class BadInputTest {

  // The mock serves no discovery documents: say what the kind is.
  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext REPORTS =
      io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.fromResourceType(
          io.wattkeeper.api.v1alpha1.NodeEnergyReport.class);

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  GenericKubernetesResource raw(String kind, String ns, String name, Map<String, Object> body) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion("wattkeeper.io/v1alpha1");
    r.setKind(kind);
    r.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ns)
            .build());
    body.forEach(r::setAdditionalProperty);
    return r;
  }

  static EnergyBudgetSpec simple(String energy) {
    return new EnergyBudgetSpec(
        null, null, new EnergyBudgetSpec.Limits(energy, null, null), List.of(80), null, null, null);
  }

  static Condition valid(EnergyBudget b) {
    return b.getStatus().getConditions().stream()
        .filter(c -> "Valid".equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aBudgetThatDoesNotFitTheModelIsInvalidAndTheWatchGoesOn() {
    Fixtures f = new Fixtures(client);
    f.namespace("bad-budget");
    client
        .genericKubernetesResources("wattkeeper.io/v1alpha1", "EnergyBudget")
        .inNamespace("bad-budget")
        .resource(
            raw(
                "EnergyBudget",
                "bad-budget",
                "broken",
                Map.of(
                    "spec",
                    Map.of("warnAt", List.of(150, -1, "abc"), "limits", Map.of("energy", "1kWh")))))
        .create();
    EnergyBudget broken =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> f.budget("bad-budget", "broken"),
                b -> b.getStatus() != null && "Invalid".equals(b.getStatus().getPhase()));
    assertThat(valid(broken).getMessage()).contains("spec.warnAt[2]").contains("abc");
    // The watch is alive: a budget created afterwards is reconciled.
    f.budget("bad-budget", "fine", simple("1kWh"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> f.budget("bad-budget", "fine"),
            b -> b.getStatus() != null && "Ok".equals(b.getStatus().getPhase()));
    // Nothing of the user's spec was lost by our writes (status patches, finalizer).
    GenericKubernetesResource stored =
        client
            .genericKubernetesResources("wattkeeper.io/v1alpha1", "EnergyBudget")
            .inNamespace("bad-budget")
            .withName("broken")
            .get();
    assertThat(stored.getAdditionalProperties().get("spec").toString()).contains("abc");
    FakeAuth.install(server);
    String metrics =
        given()
            .auth()
            .oauth2(FakeAuth.CLUSTER_READER)
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(metrics)
        .containsPattern("wattkeeper_unreadable_objects_total\\{kind=\"EnergyBudget\"} [1-9]");
  }

  @Test
  void aReportWithATextCounterIsSkippedSaidAndTheNextOneCounts() {
    Fixtures f = new Fixtures(client);
    f.namespace("bad-report");
    f.node("bad-node", Map.of(), Map.of());
    Pod pod = f.pod("bad-report", "p", "bad-node", Map.of("app", "p"));
    f.budget("bad-report", "team", simple("1kWh"));
    f.awaitReconciled("bad-report", "team");
    Instant t = clock.instant();
    f.report("bad-node", "e1", 1, t, Fixtures.energy(pod, 0, 0, 10));
    // The agent (or someone) writes a counter as text: the whole status is unreadable.
    GenericKubernetesResource bad =
        client.genericKubernetesResources(REPORTS).withName("bad-node").get();
    bad.setAdditionalProperty(
        "status",
        Map.of(
            "timestamp",
            t.plusSeconds(30).toString(),
            "agent",
            Map.of("counterEpoch", "e1", "sequence", 2),
            "pods",
            List.of(
                Map.of(
                    "uid", pod.getMetadata().getUid(),
                    "namespace", "bad-report",
                    "name", "p",
                    "cpuJoules", "abc"))));
    client.genericKubernetesResources(REPORTS).resource(bad).updateStatus();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                f.events("default").stream()
                    .anyMatch(
                        e ->
                            "bad-node".equals(e.getInvolvedObject().getName())
                                && "ObjectUnreadable".equals(e.getReason())
                                && e.getMessage().contains("status.pods[0].cpuJoules")));
    // The next honest report is read and charged: 3600 J = 1 Wh since the last good one.
    clock.set(t.plusSeconds(61));
    f.report("bad-node", "e1", 3, t.plusSeconds(61), Fixtures.energy(pod, 3600, 0, 10));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> f.budget("bad-report", "team").getStatus(),
            s -> s.getUsed() != null && s.getUsed().getEnergyWh() == 1.0);
  }

  @Test
  void hugeLimitsAndStringsAreInvalidWithShortMessages() {
    Fixtures f = new Fixtures(client);
    f.namespace("bad-sizes");
    String huge = "1" + "0".repeat(400) + " kWh";
    f.budget("bad-sizes", "huge", simple(huge));
    EnergyBudget b =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> f.budget("bad-sizes", "huge"),
                x -> x.getStatus() != null && "Invalid".equals(x.getStatus().getPhase()));
    assertThat(valid(b).getMessage()).contains("spec.limits.energy").contains("maximum");

    String mb = "Z".repeat(1_000_000);
    f.budget(
        "bad-sizes",
        "zone",
        new EnergyBudgetSpec(
            null,
            new EnergyBudgetSpec.Period("Calendar", "Month", null, mb),
            new EnergyBudgetSpec.Limits("1kWh", null, null),
            null,
            new EnergyBudgetSpec.Accounting(
                null, new EnergyBudgetSpec.CarbonIntensityOverride(mb, null), null),
            null,
            null));
    EnergyBudget z =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> f.budget("bad-sizes", "zone"),
                x -> x.getStatus() != null && "Invalid".equals(x.getStatus().getPhase()));
    assertThat(valid(z).getMessage())
        .contains("spec.period.timeZone")
        .contains("spec.accounting.carbonIntensity.zone")
        .hasSizeLessThanOrEqualTo(1024);
    assertThat(client.getKubernetesSerialization().asJson(z.getStatus())).hasSizeLessThan(4096);
    assertThat(f.eventMessages("bad-sizes", "EnergyBudgetInvalid"))
        .isNotEmpty()
        .allMatch(m -> m.length() <= 1024);
  }
}
