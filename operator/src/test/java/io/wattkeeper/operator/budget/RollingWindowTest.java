package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
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

/** A rolling 2-hour window: usage older than the window drops out; nothing resets. */
@QuarkusTest
@WithKubernetesTestServer
class RollingWindowTest {

  static final String NS = "rolling";
  static final String NODE = "rolling-n1";
  static final Instant T0 = Instant.parse("2026-09-21T08:00:00Z");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @Test
  void usageOlderThanTheWindowDropsOut() {
    Fixtures f = new Fixtures(client);
    clock.set(T0);
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of());
    Pod pod = f.pod(NS, "p", NODE, Map.of());
    f.budget(
        NS,
        "two-hours",
        new EnergyBudgetSpec(
            null,
            new EnergyBudgetSpec.Period("Rolling", null, "2h", null),
            new EnergyBudgetSpec.Limits("1kWh", null, null),
            List.of(80),
            null,
            null,
            null));
    f.awaitReconciled(NS, "two-hours");
    f.report(NODE, "e", 1, T0, energy(pod, 100 * 3600, 0, 100));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(f.budget(NS, "two-hours").getStatus().getUsed().getEnergyWh())
                    .isEqualTo(100.0));
    Instant t1 = T0.plusSeconds(3600);
    clock.set(t1);
    f.report(NODE, "e", 2, t1, energy(pod, 200 * 3600, 0, 100));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(f.budget(NS, "two-hours").getStatus().getUsed().getEnergyWh())
                    .isEqualTo(200.0));
    Instant t2 = T0.plusSeconds(9000); // 2.5 h: the first 100 Wh are out of the window
    clock.set(t2);
    f.report(NODE, "e", 3, t2, energy(pod, 250 * 3600, 0, 100));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "two-hours").getStatus();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(150.0);
              assertThat(s.getDisplay().getPeriod()).isEqualTo("Rolling 2h");
              assertThat(s.getDisplay().getResetsAt()).isEqualTo("rolling 2h");
              assertThat(s.getPeriod().getEnd()).isEqualTo("2026-09-21T10:30:00Z");
              assertThat(s.getHistory()).isNull();
            });
  }
}
