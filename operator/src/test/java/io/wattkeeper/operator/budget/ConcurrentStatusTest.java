package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The enforcement reconciler writes status.idle and status.enforcement; this reconciler's status
 * writes must leave them alone, and show them in display.actions.
 */
@QuarkusTest
@WithKubernetesTestServer
class ConcurrentStatusTest {

  static final String NS = "shared-status";
  static final String NODE = "shared-n1";
  static final Instant T0 = Instant.parse("2026-09-19T08:00:00Z");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @Test
  void idleAndEnforcementWrittenByTheOtherReconcilerSurviveOurWrites() {
    Fixtures f = new Fixtures(client);
    clock.set(T0); // the clock is shared: set it before any object exists
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of());
    Pod pod = f.pod(NS, "llm", NODE, Map.of("app", "llm"));
    f.budget(
        NS,
        "b",
        new EnergyBudgetSpec(
            null,
            null,
            new EnergyBudgetSpec.Limits("1kWh", null, null),
            List.of(50),
            null,
            null,
            null));
    f.awaitReconciled(NS, "b");
    clock.set(T0);
    f.report(NODE, "e", 1, T0, energy(pod, 36_000, 0, 10));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(f.budget(NS, "b").getStatus().getUsed().getEnergyWh()).isEqualTo(10.0));

    // The other reconciler writes its fields, the way it must: a JSON patch of only those.
    client
        .resources(EnergyBudget.class)
        .inNamespace(NS)
        .withName("b")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/status/idle\",\"value\":{\"sleeping\":[{\"kind\":\"Deployment\",\"name\":\"vllm\",\"previousReplicas\":2,\"via\":\"replicas\"}],\"energySavedWh\":12.5}},"
                + "{\"op\":\"add\",\"path\":\"/status/enforcement\",\"value\":{\"activeActions\":[\"DenyNewPods\"],\"since\":\"2026-09-19T08:00:30Z\"}}]");

    for (int i = 2; i <= 4; i++) {
      Instant t = T0.plusSeconds(60L * (i - 1));
      clock.set(t);
      f.report(NODE, "e", i, t, energy(pod, 36_000.0 * 20 * i, 0, 10));
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "b").getStatus();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(800.0);
              assertThat(s.getPhase()).isEqualTo("Warning");
              assertThat(s.getIdle().getSleeping()).hasSize(1);
              assertThat(s.getIdle().getSleeping().get(0).getPreviousReplicas()).isEqualTo(2);
              assertThat(s.getIdle().getEnergySavedWh()).isEqualTo(12.5);
              assertThat(s.getEnforcement().getActiveActions()).containsExactly("DenyNewPods");
              assertThat(s.getDisplay().getActions()).isEqualTo("DenyNewPods,Sleeping:1");
              // Lists we write are replaced whole, never appended (the mock appends on merge).
              assertThat(s.getConditions()).hasSize(4);
            });
  }
}
