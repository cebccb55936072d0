package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budgets with bad fields end Invalid with a clear message; the valid one next to them works. */
@QuarkusTest
@WithKubernetesTestServer
class InvalidBudgetTest {

  static final String NS = "invalid";
  static final String NODE = "invalid-n1";
  static final Instant T0 = Instant.parse("2026-09-18T08:00:00Z");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  static EnergyBudgetSpec spec(
      String energy, String zone, io.fabric8.kubernetes.api.model.LabelSelector sel) {
    return new EnergyBudgetSpec(
        sel,
        new EnergyBudgetSpec.Period("Calendar", "Month", null, zone),
        new EnergyBudgetSpec.Limits(energy, null, null),
        List.of(80),
        null,
        null,
        null);
  }

  static Condition valid(EnergyBudget b) {
    return b.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Valid"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void badBudgetsAreInvalidWithAClearMessageAndNothingElseBreaks() {
    Fixtures f = new Fixtures(client);
    clock.set(T0); // the clock is shared: set it before any object exists
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of());
    Pod pod = f.pod(NS, "p", NODE, Map.of("app", "p"));
    f.budget(NS, "bad-unit", spec("500 kwh", "UTC", null));
    f.budget(NS, "bad-zone", spec("1kWh", "Mars/Olympus", null));
    f.budget(
        NS,
        "bad-selector",
        spec(
            "1kWh",
            "UTC",
            new LabelSelectorBuilder()
                .withMatchExpressions(
                    new LabelSelectorRequirementBuilder()
                        .withKey("app")
                        .withOperator("Maybe")
                        .withValues("p")
                        .build())
                .build()));
    f.budget(NS, "good", spec("1kWh", "UTC", null));
    f.awaitReconciled(NS, "good");
    clock.set(T0);
    f.report(NODE, "e", 1, T0, energy(pod, 36_000, 0, 10));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudget unit = f.budget(NS, "bad-unit");
              assertThat(unit.getStatus().getPhase()).isEqualTo("Invalid");
              assertThat(valid(unit).getStatus()).isEqualTo("False");
              assertThat(valid(unit).getMessage())
                  .contains("spec.limits.energy")
                  .contains("500 kwh")
                  .contains("kWh");
              assertThat(valid(f.budget(NS, "bad-zone")).getMessage())
                  .contains("spec.period.timeZone")
                  .contains("Mars/Olympus");
              assertThat(valid(f.budget(NS, "bad-selector")).getMessage())
                  .contains("spec.selector.matchExpressions[0].operator");
              assertThat(f.budget(NS, "bad-zone").getStatus().getUsed()).isNull();
              assertThat(f.budget(NS, "good").getStatus().getPhase()).isEqualTo("Ok");
              assertThat(f.budget(NS, "good").getStatus().getUsed().getEnergyWh()).isEqualTo(10.0);
              assertThat(f.eventMessages(NS, "EnergyBudgetInvalid"))
                  .hasSize(3)
                  .anySatisfy(
                      m ->
                          assertThat(m)
                              .startsWith(
                                  "invalid energy budget invalid/bad-unit: spec.limits.energy"));
            });
    // Fixing the spec takes effect at once.
    client
        .resources(EnergyBudget.class)
        .inNamespace(NS)
        .withName("bad-unit")
        .edit(
            b -> {
              b.setSpec(spec("500kWh", "UTC", null));
              return b;
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudget b = f.budget(NS, "bad-unit");
              assertThat(b.getStatus().getPhase()).isEqualTo("Ok");
              assertThat(b.getStatus().getObservedGeneration())
                  .isEqualTo(b.getMetadata().getGeneration());
              assertThat(valid(b).getStatus()).isEqualTo("True");
              assertThat(b.getStatus().getDisplay().getEnergy()).isEqualTo("0Wh/500kWh");
            });
  }
}
