package io.wattkeeper.operator.idle;

import static io.wattkeeper.operator.idle.Scenario.Sample.active;
import static io.wattkeeper.operator.idle.Scenario.Sample.quiet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.SleepingWorkload;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Idle scale-to-zero end to end: reports over (fake) time, /scale writes, wake by annotation. */
@QuarkusTest
@WithKubernetesTestServer
class IdleScaleToZeroTest {

  static final Duration INTERVAL = Duration.ofSeconds(30);
  static final Duration AFTER = Duration.ofMinutes(5);

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  static EnergyBudgetSpec idleSpec() {
    return new EnergyBudgetSpec(
        null,
        null,
        null,
        null,
        null,
        null,
        new EnergyBudgetSpec.Idle(
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("wattkeeper.io/role", "inference"))
                .build(),
            "5m",
            5.0,
            0.05,
            1024.0,
            "10m",
            null));
  }

  @Test
  void idleWorkloadSleepsWithinAfterPlusOneIntervalAndWakesToExactReplicas() {
    Scenario s = new Scenario(client, clock, "idle-basic");
    s.budget("idle", idleSpec());
    s.deployment("llm", 3, Map.of("wattkeeper.io/role", "inference"));
    s.deployment("other", 2, Map.of("wattkeeper.io/role", "batch"));
    List<Pod> pods = s.pods("llm", 3, true);
    List<Pod> otherPods = s.pods("other", 2, true);

    // Busy for a while, then the last active report.
    for (int i = 0; i < 4; i++) {
      clock.advance(INTERVAL);
      s.report("node-idle-basic", samples(pods, true, otherPods), null);
    }
    Instant lastActive = clock.instant();
    Instant sleptAt = null;
    for (int i = 0; i < 20 && sleptAt == null; i++) {
      clock.advance(INTERVAL);
      s.report("node-idle-basic", samples(pods, false, otherPods), null);
      boolean due = !clock.instant().isBefore(lastActive.plus(AFTER));
      if (due) {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> s.deployment("llm").getSpec().getReplicas() == 0);
        sleptAt = clock.instant();
      } else {
        await()
            .during(Duration.ofMillis(400))
            .atMost(Duration.ofSeconds(2))
            .until(() -> s.deployment("llm").getSpec().getReplicas() == 3);
      }
    }
    assertThat(sleptAt).isNotNull();
    assertThat(Duration.between(lastActive, sleptAt)).isLessThanOrEqualTo(AFTER.plus(INTERVAL));

    Deployment asleep = s.deployment("llm");
    assertThat(Scenario.annotations(asleep))
        .containsEntry(SleepAnnotations.REPLICAS_BEFORE_SLEEP, "3")
        .containsEntry(SleepAnnotations.HOLDERS, "idle/idle");
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions() // status.idle is written just after the scale: it may not be there yet
        .untilAsserted(
            () -> {
              EnergyBudget b = s.budget("idle");
              List<SleepingWorkload> sl = b.getStatus().getIdle().getSleeping();
              assertThat(sl).hasSize(1);
              assertThat(sl.get(0).getName()).isEqualTo("llm");
              assertThat(sl.get(0).getPreviousReplicas()).isEqualTo(3);
              assertThat(sl.get(0).getVia()).isEqualTo("replicas");
              assertThat(sl.get(0).getIdleWatts()).isEqualTo(180.0);
            });
    assertThat(s.events("llm")).anyMatch(e -> e.getReason().equals("Sleeping"));
    assertThat(s.events("idle")).anyMatch(e -> e.getReason().equals("Sleeping"));
    assertThat(s.deployment("other").getSpec().getReplicas()).isEqualTo(2);

    // An hour asleep: about 180 W x 1 h saved (estimate).
    s.deletePods("llm");
    for (int i = 0; i < 120; i++) {
      clock.advance(INTERVAL);
      if (i % 20 == 0) {
        s.report("node-idle-basic", samples(List.of(), false, otherPods), null);
      }
    }
    s.report("node-idle-basic", samples(List.of(), false, otherPods), null);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(s.budget("idle").getStatus().getIdle().getEnergySavedWh())
                    .isBetween(150.0, 185.0));

    s.annotate(Deployment.class, "llm", SleepAnnotations.WAKE, "now");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              Deployment d = s.deployment("llm");
              assertThat(d.getSpec().getReplicas()).isEqualTo(3);
              assertThat(Scenario.annotations(d))
                  .doesNotContainKeys(
                      SleepAnnotations.WAKE,
                      SleepAnnotations.REPLICAS_BEFORE_SLEEP,
                      SleepAnnotations.HOLDERS);
              assertThat(Scenario.annotations(d)).containsKey(SleepAnnotations.WOKEN_AT);
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(s.budget("idle").getStatus().getIdle().getSleeping()).isEmpty());
    assertThat(s.events("llm")).anyMatch(e -> e.getReason().equals("Woken"));
  }

  static List<Scenario.Sample> samples(List<Pod> pods, boolean busy, List<Pod> others) {
    List<Scenario.Sample> out = new java.util.ArrayList<>();
    for (Pod p : pods) {
      out.add(busy ? active(p) : quiet(p));
    }
    for (Pod p : others) {
      out.add(active(p));
    }
    return out;
  }
}
