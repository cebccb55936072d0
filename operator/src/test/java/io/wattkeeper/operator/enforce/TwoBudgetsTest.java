package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.idle.SleepAnnotations;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A workload matched by two budgets wakes only when no budget still wants it asleep. */
@QuarkusTest
@WithKubernetesTestServer
class TwoBudgetsTest {

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @Test
  void wakesOnlyWhenNoBudgetHoldsItAsleep() {
    Scenario s = new Scenario(client, clock, "two-budgets");
    Map<String, String> labels =
        Map.of("wattkeeper.io/role", "inference", "wattkeeper.io/scale-on-budget", "true");
    s.deployment("llm", 3, labels);
    List<Pod> pods = s.pods("llm", 3, true);
    s.budget(
        "idle",
        new EnergyBudgetSpec(
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
                null,
                null,
                null,
                null,
                null)));
    s.budget("team", EnforcementScenarioTest.spec("Enforce", true, "10kWh"));
    for (int i = 0; i < 14; i++) {
      clock.advance(Duration.ofSeconds(30));
      s.report("node-two-budgets", pods.stream().map(Scenario.Sample::quiet).toList(), null);
    }
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("llm").getSpec().getReplicas() == 0);
    // The pods used 12 kWh of the enforcing budget's 10 kWh: the real ledger says Exceeded.
    List<Scenario.Sample> quiet = pods.stream().map(Scenario.Sample::quiet).toList();
    s.exceed("team", "node-two-budgets", quiet, null, 4_000);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(Scenario.annotations(s.deployment("llm")).get(SleepAnnotations.HOLDERS))
                    .contains("idle/idle")
                    .contains("enforce/team"));

    // The idle budget goes away; the enforcing one still wants it asleep.
    client.resource(s.budget("idle")).delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.budget("idle")).isNull();
              assertThat(Scenario.annotations(s.deployment("llm")))
                  .containsEntry(SleepAnnotations.HOLDERS, "enforce/team");
            });
    assertThat(s.deployment("llm").getSpec().getReplicas()).isZero();

    // Period reset: no budget holds it any more; exact previous count.
    s.rollOver("team", "node-two-budgets", Scenario.Sample.energyWh(quiet, 4_000), null);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("llm").getSpec().getReplicas() == 3);
  }
}
