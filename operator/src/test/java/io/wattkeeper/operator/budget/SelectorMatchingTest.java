package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pod charged to two budgets, and a selector with set-based expressions (which the mock server
 * would ignore in a query: matching is done in code).
 */
@QuarkusTest
@WithKubernetesTestServer
class SelectorMatchingTest {

  static final String NS = "match";
  static final String NODE = "match-n1";
  static final Instant T0 = Instant.parse("2026-09-17T08:00:00Z");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject LedgerService ledger;

  static EnergyBudgetSpec spec(io.fabric8.kubernetes.api.model.LabelSelector s) {
    return new EnergyBudgetSpec(
        s,
        new EnergyBudgetSpec.Period("Calendar", "Week", null, "UTC"),
        new EnergyBudgetSpec.Limits("1MWh", null, null),
        null,
        null,
        null,
        null);
  }

  @Test
  void eachBudgetChargesExactlyThePodsItsSelectorMatches() {
    Fixtures f = new Fixtures(client);
    clock.set(T0); // the clock is shared: set it before any object exists
    f.namespace(NS);
    f.node(NODE, Map.of(), Map.of());
    Pod both =
        f.pod(
            NS,
            "llm-online",
            NODE,
            Map.of("team", "ml", "app", "llm", "gpu", "a100", "tier", "online"));
    Pod teamOnly =
        f.pod(
            NS,
            "llm-batch",
            NODE,
            Map.of("team", "ml", "app", "llm", "gpu", "a100", "tier", "batch"));
    Pod exprOnly = f.pod(NS, "vision", NODE, Map.of("app", "vision", "gpu", "t4"));
    Pod none = f.pod(NS, "web", NODE, Map.of("team", "web", "app", "llm"));
    f.budget(
        NS,
        "by-team",
        spec(new LabelSelectorBuilder().withMatchLabels(Map.of("team", "ml")).build()));
    f.budget(
        NS,
        "by-expr",
        spec(
            new LabelSelectorBuilder()
                .withMatchExpressions(
                    new LabelSelectorRequirementBuilder()
                        .withKey("app")
                        .withOperator("In")
                        .withValues("llm", "vision")
                        .build(),
                    new LabelSelectorRequirementBuilder()
                        .withKey("tier")
                        .withOperator("NotIn")
                        .withValues("batch")
                        .build(),
                    new LabelSelectorRequirementBuilder()
                        .withKey("gpu")
                        .withOperator("Exists")
                        .build())
                .build()));
    f.awaitReconciled(NS, "by-expr");
    clock.set(T0);
    // First report of a new node: everything in it is new energy. 1, 2, 4 and 8 Wh.
    f.report(
        NODE,
        "e",
        1,
        T0,
        energy(both, 3600, 0, 10),
        energy(teamOnly, 7200, 0, 10),
        energy(exprOnly, 0, 14400, 10),
        energy(none, 28800, 0, 10));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus team = f.budget(NS, "by-team").getStatus();
              EnergyBudgetStatus expr = f.budget(NS, "by-expr").getStatus();
              assertThat(team.getUsed().getEnergyWh()).isEqualTo(3.0);
              assertThat(team.getMatchedPods()).isEqualTo(2);
              assertThat(expr.getUsed().getEnergyWh()).isEqualTo(5.0);
              assertThat(expr.getUsed().getGpuWh()).isEqualTo(4.0);
              assertThat(expr.getMatchedPods()).isEqualTo(2);
              assertThat(f.get(both).getMetadata().getAnnotations())
                  .containsEntry(Api.ANNOTATION_BUDGETS, "match/by-expr,match/by-team");
              assertThat(f.get(teamOnly).getMetadata().getAnnotations())
                  .containsEntry(Api.ANNOTATION_BUDGETS, "match/by-team");
              assertThat(f.get(exprOnly).getMetadata().getAnnotations())
                  .containsEntry(Api.ANNOTATION_BUDGETS, "match/by-expr");
              assertThat(f.get(none).getMetadata().getAnnotations())
                  .doesNotContainKey(Api.ANNOTATION_BUDGETS)
                  .containsEntry(Api.ANNOTATION_ENERGY_WH, "8");
            });
    // Energy is charged to the budgets matching at sample time: a relabelled pod moves its
    // future energy, not its past.
    client
        .pods()
        .inNamespace(NS)
        .withName("llm-batch")
        .edit(
            p -> {
              p.getMetadata().getLabels().put("tier", "online");
              return p;
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(f.budget(NS, "by-expr").getStatus().getMatchedPods()).isEqualTo(3));
    Instant t1 = T0.plusSeconds(60);
    clock.set(t1);
    f.report(
        NODE,
        "e",
        2,
        t1,
        energy(both, 3600, 0, 10),
        energy(teamOnly, 10800, 0, 10),
        energy(exprOnly, 0, 14400, 10),
        energy(none, 28800, 0, 10));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(f.budget(NS, "by-team").getStatus().getUsed().getEnergyWh())
                  .isEqualTo(4.0);
              assertThat(f.budget(NS, "by-expr").getStatus().getUsed().getEnergyWh())
                  .isEqualTo(6.0);
            });
  }
}
