package io.wattkeeper.operator.budget;

import static io.restassured.RestAssured.given;
import static io.wattkeeper.operator.testing.Fixtures.energy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.operator.testing.FakeAuth;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scripted reports with request and token counts, through the mock API server: the per-request and
 * per-1k-token figures on the pod and the budget equal ΔE/ΔR over the same windows.
 */
@QuarkusTest
@WithKubernetesTestServer
class FunctionalUnitFlowTest {
  static final String NS = "units";
  static final String NODE = "units-n1";
  static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  static PodEnergy served(Pod p, double cpuJ, double gpuJ, Double requests, Double tokens) {
    return energy(p, cpuJ, gpuJ, 500)
        .setRequests(requests)
        .setPromptTokens(requests == null ? null : requests * 10)
        .setGeneratedTokens(tokens)
        .setUnitsProfile("vllm");
  }

  Map<String, String> annotations(Fixtures f, Pod p) {
    Map<String, String> a = f.get(p).getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  @Test
  void perRequestAndPerTokenFiguresAreEnergyOverUnitsInTheSameWindows() {
    FakeAuth.install(server);
    Fixtures f = new Fixtures(client);
    clock.set(T0);
    f.namespace(NS);
    f.node(NODE, Map.of("topology.kubernetes.io/region", "eu-west-3"), Map.of());
    Pod llm = f.pod(NS, "llm", NODE, Map.of("app", "llm"));
    f.budget(
        NS,
        "inference",
        new EnergyBudgetSpec(
            new LabelSelectorBuilder().withMatchLabels(Map.of("app", "llm")).build(),
            new EnergyBudgetSpec.Period("Calendar", "Month", null, "Europe/Berlin"),
            new EnergyBudgetSpec.Limits("10kWh", null, null),
            List.of(50, 80),
            null,
            null,
            null));
    double fr = CarbonIntensityTable.builtIn().lookup("eu-west-3").orElseThrow().gramsPerKWh();

    // Baseline: the counts so far are matched to no energy.
    f.report(NODE, "e1", 1, T0, served(llm, 0, 0, 100.0, 10_000.0));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> f.budget(NS, "inference").getStatus() != null);

    // 20 Wh (72 kJ) for 50 requests and 10,000 generated tokens.
    Instant t1 = T0.plusSeconds(60);
    clock.set(t1);
    f.report(NODE, "e1", 2, t1, served(llm, 36_000, 36_000, 150.0, 20_000.0));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "inference").getStatus();
              EnergyBudgetStatus.FunctionalUnits u = s.getFunctionalUnits();
              assertThat(u.getRequests()).isEqualTo(50.0);
              assertThat(u.getGeneratedTokens()).isEqualTo(10_000.0);
              assertThat(u.getEnergyPerRequestWh()).isEqualTo(20.0 / 50);
              assertThat(u.getEnergyPer1kTokensWh()).isEqualTo(20.0 / 10_000 * 1000);
              assertThat(u.getCo2ePer1kTokensGrams())
                  .isCloseTo(20.0 / 10_000 * 1000 / 1000 * fr, within(1e-6));
              assertThat(u.getIdle()).isNull();
              assertThat(s.getDisplay().getPerRequest()).isEqualTo("0.4 Wh");
              assertThat(s.getDisplay().getPer1kTokens()).isEqualTo("2 Wh");
              Map<String, String> a = annotations(f, llm);
              assertThat(a)
                  .containsEntry(
                      Api.ANNOTATION_ENERGY_PER_REQUEST_WH, "interval=0.4 cumulative=0.4")
                  .containsEntry(Api.ANNOTATION_ENERGY_PER_1K_TOKENS_WH, "interval=2 cumulative=2");
              assertThat(a.get(Api.ANNOTATION_CO2E_PER_1K_TOKENS_GRAMS))
                  .startsWith("interval=")
                  .contains("cumulative=");
            });

    // 10 Wh more, no request served: the interval is idle, and the idle energy raises the
    // cumulative cost per request (30 Wh / 50), never an infinite or zero figure.
    Instant t2 = t1.plusSeconds(60);
    clock.set(t2);
    f.report(NODE, "e1", 3, t2, served(llm, 72_000, 36_000, 150.0, 20_000.0));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(annotations(f, llm))
                  .containsEntry(
                      Api.ANNOTATION_ENERGY_PER_REQUEST_WH, "interval=idle cumulative=0.6")
                  .containsEntry(
                      Api.ANNOTATION_ENERGY_PER_1K_TOKENS_WH, "interval=idle cumulative=3");
              EnergyBudgetStatus.FunctionalUnits u =
                  f.budget(NS, "inference").getStatus().getFunctionalUnits();
              assertThat(u.getEnergyPerRequestWh()).isEqualTo(30.0 / 50);
            });

    // A failed scrape (counts unknown) for 10 Wh, then 10 Wh more with 50 requests: the 20 Wh of
    // both reports are matched to those 50 requests.
    Instant t3 = t2.plusSeconds(60);
    clock.set(t3);
    f.report(NODE, "e1", 4, t3, served(llm, 108_000, 36_000, null, null));
    Instant t4 = t3.plusSeconds(60);
    clock.set(t4);
    f.report(NODE, "e1", 5, t4, served(llm, 144_000, 36_000, 200.0, 30_000.0));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus.FunctionalUnits u =
                  f.budget(NS, "inference").getStatus().getFunctionalUnits();
              assertThat(u.getRequests()).isEqualTo(100.0);
              assertThat(u.getEnergyPerRequestWh()).isEqualTo(50.0 / 100);
              assertThat(u.getEnergyPer1kTokensWh()).isEqualTo(50.0 / 20_000 * 1000);
              assertThat(annotations(f, llm))
                  .containsEntry(
                      Api.ANNOTATION_ENERGY_PER_REQUEST_WH, "interval=0.4 cumulative=0.5");
            });

    // A count that goes backwards is refused: that window is matched to nothing.
    Instant t5 = t4.plusSeconds(60);
    clock.set(t5);
    f.report(NODE, "e1", 6, t5, served(llm, 180_000, 36_000, 120.0, 25_000.0));
    Instant t6 = t5.plusSeconds(60);
    clock.set(t6);
    f.report(NODE, "e1", 7, t6, served(llm, 216_000, 36_000, 170.0, 35_000.0));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus s = f.budget(NS, "inference").getStatus();
              assertThat(s.getUsed().getEnergyWh()).isEqualTo(70.0);
              EnergyBudgetStatus.FunctionalUnits u = s.getFunctionalUnits();
              // 50 Wh / 100 before; then 10 Wh for 50 requests and 10,000 tokens
              assertThat(u.getRequests()).isEqualTo(150.0);
              assertThat(u.getEnergyPerRequestWh()).isEqualTo(60.0 / 150);
              assertThat(u.getEnergyPer1kTokensWh()).isEqualTo(60.0 / 30_000 * 1000);
            });

    String metrics =
        given()
            .auth()
            .oauth2(FakeAuth.CLUSTER_READER)
            .get("/q/metrics")
            .then()
            .extract()
            .asString();
    assertThat(metrics)
        .contains(
            "wattkeeper_budget_energy_per_request_wh{budget=\"inference\",namespace=\"units\"} 0.4")
        .contains(
            "wattkeeper_budget_energy_per_1k_tokens_wh{budget=\"inference\",namespace=\"units\"} 2.0")
        .contains("wattkeeper_budget_requests{budget=\"inference\",namespace=\"units\"} 150.0");
    String csv =
        given()
            .auth()
            .oauth2(FakeAuth.CLUSTER_READER)
            .get("/api/v1/namespaces/units/energybudgets/inference/usage.csv?extended=true")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(csv.split("\n")[0]).endsWith(",pod,requests,generated_tokens");
    assertThat(csv.split("\n")[1]).endsWith(",llm,150,30000");
  }
}
