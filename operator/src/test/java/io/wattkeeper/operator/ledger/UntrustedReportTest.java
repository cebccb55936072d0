package io.wattkeeper.operator.ledger;

import static io.restassured.RestAssured.given;
import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.operator.enforce.EnforcementScenarioTest;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.testing.FakeAuth;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 12 end to end through the real ledger reconciler: a report written as node
 * A's that lists team B's pod with 1 MJ, a timestamp in 2099, sequence 2^63-1, counters of 1e308
 * and an entry without a namespace. Team B's budget and Deployment stay untouched, team A's pod is
 * charged exactly what its honest counters say, and each refusal is said in an Event on the report
 * and in {@code wattkeeper_ledger_refused_total}.
 */
@QuarkusTest
@WithKubernetesTestServer
class UntrustedReportTest {

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject RefusedReports refused;

  /**
   * Writes a forged report and waits until the ledger has refused it: the ledger reads the latest
   * version of each report, so an honest one written too soon after would hide it.
   */
  void forged(ReportChecks.Reason reason, Runnable write) {
    double before = refused.count(reason);
    write.run();
    await().atMost(Duration.ofSeconds(20)).until(() -> refused.count(reason) > before);
  }

  @Test
  void forgedReportsChargeNothingTheyCannotProveAndAreSaid() {
    Fixtures f = new Fixtures(client);
    Scenario b = new Scenario(client, clock, "untrusted-b").onNode("ut-node-b");
    b.deployment("svc", 2, EnforcementScenarioTest.SCALABLE);
    Pod podB = b.pods("svc", 1, true).get(0);
    b.budget("team", EnforcementScenarioTest.spec("Enforce", true, "100Wh"));
    Scenario a = new Scenario(client, clock, "untrusted-a").onNode("ut-node-a");
    Pod podA = a.pods("train", 1, true).get(0);
    a.budget("team", EnforcementScenarioTest.spec("Enforce", true, "100kWh"));

    Instant t = clock.instant();
    f.report("ut-node-a", "e1", 1, t, energy(podA, 0, 0, 100));
    f.report("ut-node-b", "e1", 1, t, energy(podB, 0, 0, 100));
    a.awaitStatus("team", st -> st.getMatchedPods() != null && st.getMatchedPods() == 1);
    b.awaitStatus("team", st -> st.getMatchedPods() != null && st.getMatchedPods() == 1);
    String periodA = a.budget("team").getStatus().getPeriod().getStart();
    fx = f;
    honestB = podB;

    // Node A's report: its own pod at 10 Wh, team B's pod at 1 MJ, an entry with no namespace.
    t = step(t);
    PodEnergy noNamespace = energy(podA, 500, 0, 1).setUid("uid-x").setNamespace(null);
    Instant t2 = t;
    forged(
        ReportChecks.Reason.POD_NOT_ON_NODE,
        () ->
            f.report(
                "ut-node-a",
                "e1",
                2,
                t2,
                energy(podA, 36_000, 0, 100),
                energy(podB, 1e6, 0, 100),
                noNamespace));
    awaitUsed(a, wh -> wh == 10.0);

    // 2099, then sequence 2^63-1: both refused, neither locks the node out nor moves the period.
    t = step(t);
    forged(
        ReportChecks.Reason.CLOCK_SKEW,
        () ->
            f.report(
                "ut-node-a",
                "e1",
                3,
                Instant.parse("2099-01-01T00:00:00Z"),
                energy(podA, 1e9, 0, 1)));
    Instant t3 = step(t);
    forged(
        ReportChecks.Reason.SEQUENCE,
        () -> f.report("ut-node-a", "e1", Long.MAX_VALUE, t3, energy(podA, 2e9, 0, 1)));
    t = t3;
    t = step(t);
    f.report("ut-node-a", "e1", 3, t, energy(podA, 72_000, 0, 100));
    awaitUsed(a, wh -> wh == 20.0);

    // Counters of 1e308 are refused and the base kept: the next honest report adds 10 Wh.
    t = step(t);
    Instant t4 = t;
    forged(
        ReportChecks.Reason.IMPOSSIBLE_DELTA,
        () -> f.report("ut-node-a", "e1", 4, t4, energy(podA, 1e308, 0, 100)));
    t = step(t);
    f.report("ut-node-a", "e1", 5, t, energy(podA, 108_000, 0, 100));
    EnergyBudgetStatus sa = awaitUsed(a, wh -> wh == 30.0).getStatus();
    assertThat(sa.getPeriod().getStart()).isEqualTo(periodA);
    assertThat(sa.getPhase()).isEqualTo("Ok");

    // Team B: nothing charged, never Exceeded, its Deployment untouched.
    EnergyBudgetStatus sb = b.budget("team").getStatus();
    assertThat(sb.getUsed().getEnergyWh()).isZero();
    assertThat(sb.getPhase()).isEqualTo("Ok");
    assertThat(b.deployment("svc").getSpec().getReplicas()).isEqualTo(2);
    assertThat(f.get(podB).getMetadata().getAnnotations())
        .containsEntry(io.wattkeeper.api.v1alpha1.Api.ANNOTATION_ENERGY_WH, "0");

    // Said: Events on the report (cluster-scoped: namespace "default") and the counter.
    List<Event> events =
        f.events("default").stream()
            .filter(e -> "ut-node-a".equals(e.getInvolvedObject().getName()))
            .toList();
    assertThat(events).extracting(Event::getReason).contains("ReportEntryRefused", "ReportRefused");
    assertThat(events)
        .extracting(Event::getMessage)
        .anyMatch(m -> m.contains("untrusted-b/" + podB.getMetadata().getName()))
        .anyMatch(m -> m.contains("2099"))
        .anyMatch(m -> m.contains("9223372036854775807"))
        .anyMatch(m -> m.contains("has no namespace"));
    assertThat(events)
        .extracting(Event::getInvolvedObject)
        .allMatch(o -> "NodeEnergyReport".equals(o.getKind()));
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
    for (String reason :
        List.of(
            "pod_not_on_node", "clock_skew", "sequence", "impossible_delta", "malformed_entry")) {
      assertThat(metrics)
          .containsPattern("wattkeeper_ledger_refused_total\\{reason=\"" + reason + "\"} [1-9]");
    }
  }

  @Test
  void aReportNotNamedAfterANodeIsRefused() {
    Fixtures f = new Fixtures(client);
    Scenario s = new Scenario(client, clock, "untrusted-ghost").onNode("ut-node-ghost");
    Pod pod = s.pods("svc", 1, true).get(0);
    s.budget("team", EnforcementScenarioTest.spec("Enforce", true, "100Wh"));
    s.awaitStatus("team", st -> st.getPhase() != null);
    // No Node "ut-node-ghost" exists: a report in its name is not believed.
    Instant t = clock.instant();
    f.writeReportOnly("ut-node-ghost", "e1", 1, t, energy(pod, 0, 0, 1));
    f.writeReportOnly("ut-node-ghost", "e1", 2, t.plusSeconds(30), energy(pod, 1e6, 0, 1));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                f.events("default").stream()
                    .anyMatch(
                        e ->
                            "ut-node-ghost".equals(e.getInvolvedObject().getName())
                                && "ReportRefused".equals(e.getReason())
                                && e.getMessage().contains("no Node")));
    assertThat(
            s.budget("team").getStatus().getUsed() == null
                || s.budget("team").getStatus().getUsed().getEnergyWh() == 0)
        .isTrue();
  }

  private Fixtures fx;
  private Pod honestB;
  private long seqB = 1;

  /**
   * A minute on (status takes new usage at most once a minute of operator time); node B's agent
   * keeps reporting its pod honestly at zero.
   */
  Instant step(Instant t) {
    Instant next = t.plusSeconds(61);
    clock.set(next);
    fx.report("ut-node-b", "e1", ++seqB, next, energy(honestB, 0, 0, 100));
    return next;
  }

  static EnergyBudget awaitUsed(Scenario s, Predicate<Double> wh) {
    return s.awaitStatus("team", st -> st.getUsed() != null && wh.test(st.getUsed().getEnergyWh()));
  }
}
