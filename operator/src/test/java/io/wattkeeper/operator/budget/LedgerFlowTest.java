package io.wattkeeper.operator.budget;

import static io.restassured.RestAssured.given;
import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.operator.export.CodeCarbonCsv;
import io.wattkeeper.operator.testing.FakeAuth;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reports arriving over time produce pod annotations, budget status, Events, metrics, CSV. */
@QuarkusTest
@WithKubernetesTestServer
class LedgerFlowTest {

  static final String NS = "flow";
  static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @Test
  void reportsOverTimeBecomeAnnotationsStatusEventsMetricsAndCsv() throws java.io.IOException {
    FakeAuth.install(server);
    Fixtures f = new Fixtures(client);
    clock.set(T0); // the clock is shared: set it before any object exists
    f.namespace(NS);
    f.node("flow-n1", Map.of("topology.kubernetes.io/region", "eu-west-3"), Map.of());
    Pod pod = f.pod(NS, "trainer", "flow-n1", Map.of("app", "trainer"));
    Pod other = f.pod(NS, "web", "flow-n1", Map.of("app", "web"));
    f.budget(
        NS,
        "team",
        new EnergyBudgetSpec(
            new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .withMatchLabels(Map.of("app", "trainer"))
                .build(),
            new EnergyBudgetSpec.Period("Calendar", "Month", null, "Europe/Berlin"),
            new EnergyBudgetSpec.Limits("1kWh", null, null),
            List.of(50, 80),
            new EnergyBudgetSpec.Accounting(
                null, null, new EnergyBudgetSpec.Pricing("EUR", "0.30")),
            null,
            null));
    double fr = CarbonIntensityTable.builtIn().lookup("eu-west-3").orElseThrow().gramsPerKWh();

    clock.set(T0);
    f.report("flow-n1", "e1", 1, T0, energy(pod, 0, 0, 0), energy(other, 0, 0, 0));
    // Status is written at most every 15 s of operator time: let the first write happen at T0.
    await().atMost(Duration.ofSeconds(20)).until(() -> f.budget(NS, "team").getStatus() != null);
    // 50 Wh: 30 from the CPU, 20 from the GPU.
    Instant t1 = T0.plusSeconds(60);
    clock.set(t1);
    f.report(
        "flow-n1", "e1", 2, t1, energy(pod, 108_000, 72_000, 3000), energy(other, 36_000, 0, 600));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "team").getStatus();
              assertThat(s).isNotNull();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(50.0);
              assertThat(s.getUsed().getCpuWh()).isEqualTo(30.0);
              assertThat(s.getUsed().getGpuWh()).isEqualTo(20.0);
              assertThat(s.getUsed().getCo2eGrams()).isCloseTo(0.05 * fr, within(0.001));
              assertThat(s.getUsed().getCost()).isEqualTo("0.015");
              assertThat(s.getPhase()).isEqualTo("Ok");
              assertThat(s.getMatchedPods()).isEqualTo(1);
              assertThat(s.getDisplay().getEnergy()).isEqualTo("50Wh/1kWh");
              assertThat(s.getDisplay().getIntensity())
                  .isEqualTo(Math.round(fr) + " g/kWh eu-west-3");
              assertThat(s.getDataQuality().getMeasuredFraction()).isEqualTo(1.0);
              Map<String, String> a = f.get(pod).getMetadata().getAnnotations();
              assertThat(a).containsEntry(Api.ANNOTATION_ENERGY_WH, "50");
              assertThat(a).containsEntry(Api.ANNOTATION_BUDGETS, "flow/team");
              assertThat(a).containsEntry(Api.ANNOTATION_COST, "0.015 EUR");
              assertThat(a).containsEntry(Api.ANNOTATION_POWER_WATTS, "3000");
              assertThat(a).containsEntry(Api.ANNOTATION_MEASURED_FRACTION, "1");
              assertThat(a).containsEntry(Api.ANNOTATION_UPDATED_AT, t1.toString());
              assertThat(a.get(Api.ANNOTATION_CARBON_INTENSITY))
                  .startsWith(Math.round(fr) + " gCO2e/kWh; eu-west-3; ");
              assertThat(a).doesNotContainKey(Api.ANNOTATION_BUDGET_STATE);
              // A pod no budget selects still gets its own figures.
              assertThat(f.get(other).getMetadata().getAnnotations())
                  .containsEntry(Api.ANNOTATION_ENERGY_WH, "10")
                  .doesNotContainKey(Api.ANNOTATION_BUDGETS);
            });

    // 600 Wh: past 50%.
    Instant t2 = t1.plusSeconds(120);
    clock.set(t2);
    f.report(
        "flow-n1",
        "e1",
        3,
        t2,
        energy(pod, 1_296_000, 864_000, 3000),
        energy(other, 36_000, 0, 600));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudget b = f.budget(NS, "team");
              assertThat(b.getStatus().getPhase()).isEqualTo("Warning");
              assertThat(b.getStatus().getMaxPercentUsed()).isEqualTo(60);
              assertThat(f.eventMessages(NS, "EnergyBudgetThreshold"))
                  .containsExactly(
                      "energy budget flow/team reached 50% of its energy limit: used 600Wh, limit 1kWh, resets 2026-10-01 00:00 CEST");
              assertThat(f.get(pod).getMetadata().getAnnotations())
                  .containsEntry(Api.ANNOTATION_BUDGET_STATE, "warning")
                  .containsEntry(Api.ANNOTATION_ENERGY_WH, "600");
            });

    // 1.1 kWh: exceeded.
    Instant t3 = t2.plusSeconds(120);
    clock.set(t3);
    f.report(
        "flow-n1",
        "e1",
        4,
        t3,
        energy(pod, 2_376_000, 1_584_000, 3000),
        energy(other, 36_000, 0, 600));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudget b = f.budget(NS, "team");
              assertThat(b.getStatus().getPhase()).isEqualTo("Exceeded");
              assertThat(b.getStatus().getDisplay().getEnergy()).isEqualTo("1.1kWh/1kWh");
              assertThat(b.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Exceeded");
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getObservedGeneration())
                            .isEqualTo(b.getMetadata().getGeneration());
                      });
              assertThat(f.eventMessages(NS, "EnergyBudgetExceeded"))
                  .containsExactly(
                      "exceeded energy budget flow/team: used 1.1kWh, limit 1kWh, resets 2026-10-01 00:00 CEST");
              assertThat(f.get(pod).getMetadata().getAnnotations())
                  .containsEntry(Api.ANNOTATION_BUDGET_STATE, "exceeded");
            });

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
        .contains(
            "wattkeeper_budget_used_ratio{budget=\"team\",dimension=\"energy\",namespace=\"flow\"} 1.1");
    assertThat(metrics)
        .contains(
            "wattkeeper_budget_phase{budget=\"team\",namespace=\"flow\",phase=\"Exceeded\"} 1.0");
    assertThat(metrics)
        .contains("wattkeeper_budget_energy_wh{budget=\"team\",namespace=\"flow\"} 1100.0");
    assertThat(metrics).contains("wattkeeper_ledger_lag_seconds");
    assertThat(metrics)
        .containsPattern(
            "wattkeeper_budget_measured_fraction\\{budget=\"team\",namespace=\"flow\"\\}"
                + " (0\\.|1\\.0|NaN)");
    assertThat(metrics)
        .contains("wattkeeper_budget_sleeping_workloads{budget=\"team\",namespace=\"flow\"} 0.0");
    assertThat(metrics).contains("wattkeeper_reconcile_errors_total");
    // Every operator series the chart's alerts and dashboard query is in a live scrape.
    Set<String> queried = new TreeSet<>();
    for (Path chartFile :
        List.of(
            Path.of("../helm/wattkeeper/dashboards/wattkeeper.json"),
            Path.of("../helm/wattkeeper/templates/monitoring.yaml"))) {
      Matcher m =
          Pattern.compile("wattkeeper_(budget|ledger|reconcile)_[a-z0-9_]+")
              .matcher(Files.readString(chartFile));
      while (m.find()) {
        queried.add(m.group());
      }
    }
    assertThat(queried).contains("wattkeeper_budget_energy_wh", "wattkeeper_ledger_lag_seconds");
    for (String name : queried) {
      assertThat(metrics).as("a series the chart queries").containsPattern("(?m)^" + name + "[{ ]");
    }

    String csv =
        given()
            .auth()
            .oauth2(FakeAuth.TEAM_READER)
            .get("/api/v1/namespaces/flow/energybudgets/team/usage.csv")
            .then()
            .statusCode(200)
            .contentType("text/csv")
            .extract()
            .asString();
    String[] lines = csv.split("\n");
    assertThat(lines[0]).isEqualTo(String.join(",", CodeCarbonCsv.HEADER));
    assertThat(lines).hasSize(2);
    String[] row = lines[1].split(",", -1);
    assertThat(row).hasSize(CodeCarbonCsv.HEADER.size());
    assertThat(row[1]).isEqualTo("flow/team");
    assertThat(row[2]).isEqualTo(pod.getMetadata().getUid());
    assertThat(row[13]).isEqualTo("1.1"); // energy_consumed, kWh
    given()
        .auth()
        .oauth2(FakeAuth.TEAM_READER)
        .get("/api/v1/namespaces/flow/energybudgets/nope/usage.csv")
        .then()
        .statusCode(404);
  }
}
