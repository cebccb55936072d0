package io.wattkeeper.operator.annotate;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
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
 * Annotation writes slowed to 4 requests a second: budget accounting must not wait for them, the
 * bound must hold at the API server, and a pod whose write is still queued gets only its latest
 * value.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(SlowAnnotationsTest.Slow.class)
class SlowAnnotationsTest {

  public static class Slow implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "wattkeeper.annotate.max-writes-per-second", "4",
          "wattkeeper.annotate.concurrency", "2");
    }
  }

  static final String NS = "slow";
  static final String NODE = "slow-n1";
  static final Instant T0 = Instant.parse("2026-09-21T08:00:00Z");
  static final int PODS = 40;
  static final double WATTS = 100;

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject AnnotationWriter writer;
  @KubernetesTestServer KubernetesServer server;

  List<RecordedRequest> drain() throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.getKubernetesMockServer().takeRequest(20, TimeUnit.MILLISECONDS)) != null) {
      out.add(r);
    }
    return out;
  }

  static long podPatches(List<RecordedRequest> rs) {
    return rs.stream()
        .filter(r -> r.getMethod().equals("PATCH") && r.getPath().contains("/pods/"))
        .count();
  }

  PodEnergy[] counters(List<Pod> pods, double seconds) {
    return pods.stream().map(p -> energy(p, WATTS * seconds, 0, WATTS)).toArray(PodEnergy[]::new);
  }

  @Test
  void accountingGoesOnWhileWritesQueueAndTheRateHolds() throws InterruptedException {
    clock.set(T0);
    Fixtures f = new Fixtures(client);
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of());
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      pods.add(f.pod(NS, "p-" + i, NODE, Map.of("app", "svc")));
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
    List<RecordedRequest> seen = new ArrayList<>(drain());

    f.report(NODE, "e", 1, T0, counters(pods, 0));
    // Each report's pods are queued before the next report comes: queued again, each is written
    // once, with the figures of the newest report at the time of its write.
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending() >= PODS - 8);
    Instant t1 = T0.plusSeconds(60);
    clock.set(t1);
    f.report(NODE, "e", 2, t1, counters(pods, 60));
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.replaced() >= PODS / 2);
    Instant t2 = T0.plusSeconds(120);
    clock.set(t2);
    f.report(NODE, "e", 3, t2, counters(pods, 120));
    double total = PODS * WATTS * 120 / 3600.0; // 133.333 Wh

    // The budget shows every report's energy while most pods still wait for their annotations.
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> Math.abs(f.budget(NS, "b").getStatus().getUsed().getEnergyWh() - total) < 1e-3);
    assertThat(writer.pending())
        .as("annotation writes still queued when the budget was complete")
        .isGreaterThan(PODS / 2);

    // The bound at the API server: pod patches in a 3 s window while the queue is full.
    seen.addAll(drain());
    long before = podPatches(seen);
    long windowStart = System.nanoTime();
    Thread.sleep(3000);
    List<RecordedRequest> window = drain();
    double seconds = (System.nanoTime() - windowStart) / 1e9;
    seen.addAll(window);
    assertThat(podPatches(window))
        .as("pod patches in %.1f s at 4/s", seconds)
        .isLessThanOrEqualTo((long) Math.ceil(4 * seconds) + 4)
        .isPositive();
    assertThat(before).isLessThanOrEqualTo(PODS);

    // Every pod ends with the latest figures, and most never got the older ones.
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                assertThat(pods)
                    .allSatisfy(
                        p ->
                            assertThat(f.get(p).getMetadata().getAnnotations())
                                .containsEntry(Api.ANNOTATION_ENERGY_WH, "3.333")));
    seen.addAll(drain());
    Map<String, Integer> perPod = new HashMap<>();
    seen.stream()
        .filter(r -> r.getMethod().equals("PATCH") && r.getPath().contains("/pods/"))
        .forEach(r -> perPod.merge(r.getPath().replaceAll(".*/pods/|\\?.*", ""), 1, Integer::sum));
    int writes = perPod.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        "slow annotations: %d pods, 3 reports, %d pod patches (%.2f per pod), %d pods queued again"
            + " before their write%n",
        PODS, writes, writes / (double) PODS, writer.replaced());
    assertThat(writes)
        .as("latest value wins: far fewer than one write per pod per report")
        .isLessThan(2 * PODS);
  }
}
