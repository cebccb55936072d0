package io.wattkeeper.operator.annotate;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.operator.budget.LedgerService;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Counts the operator's API writes (requests recorded by the mock server) over one simulated hour
 * of reports every 30 s, with the default settings: 10 pods that have run for 3 hours (steady
 * state) and 10 pods that start at the beginning of the hour (the worst case: their cumulative
 * energy grows by more than 1% every minute during their first 100 minutes).
 */
@QuarkusTest
@WithKubernetesTestServer
class ApiWriteRateTest {

  static final String NS = "rate";
  static final String NODE = "rate-n1";
  static final Instant T0 = Instant.parse("2026-09-20T08:00:00Z");
  static final int PODS = 10;
  static final double WATTS = 100;

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject LedgerService ledger;
  @KubernetesTestServer KubernetesServer server;

  List<RecordedRequest> drain() throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.getKubernetesMockServer().takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      out.add(r);
    }
    return out;
  }

  @Test
  void writesPerPodHourStayWithinTheBudget() throws InterruptedException {
    clock.set(T0);
    Fixtures f = new Fixtures(client);
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of());
    List<Pod> old = new ArrayList<>();
    List<Pod> fresh = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      old.add(f.pod(NS, "old-" + i, NODE, Map.of("app", "svc")));
      fresh.add(f.pod(NS, "new-" + i, NODE, Map.of("app", "svc")));
    }
    f.budget(
        NS,
        "b",
        new EnergyBudgetSpec(
            null,
            null,
            new EnergyBudgetSpec.Limits("1MWh", null, null),
            List.of(80),
            null,
            null,
            null));
    f.awaitReconciled(NS, "b");
    drain();

    // One pod-hour is the half-open hour [T0, T0 + 3600 s): 120 reports, the last at 3570 s.
    int steps = 120;
    for (int s = 0; s < steps; s++) {
      Instant t = T0.plusSeconds(30L * s);
      clock.set(t);
      NodeEnergyReportStatus.PodEnergy[] pods = new NodeEnergyReportStatus.PodEnergy[2 * PODS];
      for (int i = 0; i < PODS; i++) {
        double oldJ = WATTS * (3 * 3600 + 30.0 * s);
        pods[i] = energy(old.get(i), oldJ, 0, WATTS);
        pods[PODS + i] = energy(fresh.get(i), WATTS * 30.0 * s, 0, WATTS);
      }
      f.report(NODE, "e", s + 1, t, pods);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ledger.lastReport(NODE).map(t::equals).orElse(false));
    }
    // Let the last reconciliation finish its writes: budget status is written at most once a
    // minute, so it shows at least the usage of the report one minute before the last.
    int settled = steps - 3;
    double atLeastWh = 2 * PODS * WATTS * 30.0 * settled / 3600.0 + PODS * WATTS * 3;
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> f.budget(NS, "b").getStatus().getUsed().getEnergyWh() >= atLeastWh - 0.5);
    Thread.sleep(500);

    Map<String, Integer> perPod = new HashMap<>();
    int status = 0;
    int events = 0;
    int other = 0;
    for (RecordedRequest r : drain()) {
      String m = r.getMethod();
      String p = r.getPath();
      if (m.equals("GET") || !p.contains("/namespaces/" + NS + "/")) {
        continue;
      }
      if (p.contains("/pods/")) {
        perPod.merge(p.substring(p.lastIndexOf('/') + 1).replaceAll("\\?.*", ""), 1, Integer::sum);
      } else if (p.contains("/energybudgets/")) {
        status++;
      } else if (p.contains("/events")) {
        events++;
      } else {
        other++;
      }
    }
    int oldWrites =
        old.stream().mapToInt(p -> perPod.getOrDefault(p.getMetadata().getName(), 0)).sum();
    int newWrites =
        fresh.stream().mapToInt(p -> perPod.getOrDefault(p.getMetadata().getName(), 0)).sum();
    double shared = (status + events + other) / (2.0 * PODS);
    double steady = oldWrites / (double) PODS + shared;
    double worst = newWrites / (double) PODS + shared;
    System.out.printf(
        "API writes in one hour, %d pods, reports every 30 s: steady-state pods %.1f annotation writes/pod, new pods %.1f/pod; budget status %d, events %d, other %d (%.1f per pod); total per pod-hour: steady %.1f, worst %.1f%n",
        2 * PODS,
        oldWrites / (double) PODS,
        newWrites / (double) PODS,
        status,
        events,
        other,
        shared,
        steady,
        worst);
    // At most once per annotationInterval (60 s) per pod, whatever the data does.
    assertThat(perPod.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(60));
    assertThat(steady).isLessThanOrEqualTo(60);
    assertThat(oldWrites).isPositive();
    assertThat(status).isPositive();
  }
}
