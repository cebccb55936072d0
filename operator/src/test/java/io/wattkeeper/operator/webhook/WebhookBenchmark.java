package io.wattkeeper.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.operator.enforce.EnforcementScenarioTest;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Admission latency from the cache: a load loop of real HTTP AdmissionReview POSTs against the
 * running application, percentiles computed. Not part of the default test run (tag benchmark);
 * figures are recorded in docs/actions.md, never asserted.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl operator test -Dwattkeeper.excludedGroups=none
 * -Dtest=WebhookBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@QuarkusTest
@WithKubernetesTestServer
class WebhookBenchmark {

  static final int BUDGET_NAMESPACES = 50;
  static final int WARMUP = 5_000;
  static final int REQUESTS = 50_000;

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @TestHTTPResource(value = "/admission/validate", tls = true)
  URL url;

  @Test
  void admissionLatency() throws Exception {
    // Many budgets in the cache; one namespace where DenyNewPods is in force.
    for (int i = 0; i < BUDGET_NAMESPACES; i++) {
      Scenario s = new Scenario(client, clock, "bench-" + i);
      EnergyBudgetSpec spec = EnforcementScenarioTest.spec("Enforce", true, "10kWh");
      s.budget(
          "team",
          new EnergyBudgetSpec(
              null,
              spec.period(),
              spec.limits(),
              null,
              null,
              new EnergyBudgetSpec.Enforcement("Enforce", List.of("DenyNewPods"), null, null, true),
              null));
      s.deployment("llm", 1, Map.of());
    }
    Scenario hot = new Scenario(client, clock, "bench-0");
    // Its pod used 12 kWh of 10: the real ledger sets it Exceeded.
    Pod pod = hot.pods("llm", 1, true).get(0);
    hot.exceed("team", "node-bench-0", List.of(Scenario.Sample.active(pod)), null, 12_000);
    String denied = AdmissionWebhookTest.podCreate("bench-0", Map.of("app", "x"));
    String allowed = AdmissionWebhookTest.podCreate("bench-7", Map.of("app", "x"));
    String scale = AdmissionWebhookTest.scale("bench-0", "llm", 1, 3);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(testCertificateTrust())
            .build();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> send(http, denied).contains("\"allowed\":false"));

    String[] bodies = {denied, allowed, scale};
    for (int i = 0; i < WARMUP; i++) {
      send(http, bodies[i % 3]);
    }
    long[] nanos = new long[REQUESTS];
    int deniedCount = 0;
    long start = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      long t = System.nanoTime();
      String r = send(http, bodies[i % 3]);
      nanos[i] = System.nanoTime() - t;
      if (r.contains("\"allowed\":false")) {
        deniedCount++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(nanos);
    String result =
        String.format(
            Locale.ROOT,
            "webhook admission latency over HTTP, %d requests (pods CREATE denied/allowed, deployments/scale denied),"
                + " %d budgets cached: p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms, %.0f req/s",
            REQUESTS,
            BUDGET_NAMESPACES,
            ms(nanos, 0.50),
            ms(nanos, 0.90),
            ms(nanos, 0.99),
            ms(nanos, 0.999),
            nanos[nanos.length - 1] / 1e6,
            REQUESTS / seconds);
    System.out.println("BENCHMARK " + result);
    Files.writeString(Path.of("target", "webhook-benchmark.txt"), result + System.lineSeparator());
    // Correctness, not speed: two of three request kinds are denied.
    assertThat(deniedCount).isEqualTo(REQUESTS - REQUESTS / 3 - (REQUESTS % 3 > 1 ? 1 : 0));
  }

  private String send(HttpClient http, String body) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url.toString()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  /**
   * Trusts the test listener's certificate (src/test/resources/tls), as the API server's caBundle
   * does.
   */
  static javax.net.ssl.SSLContext testCertificateTrust() throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (var in = WebhookBenchmark.class.getResourceAsStream("/tls/test-webhook.crt")) {
      ks.setCertificateEntry(
          "webhook",
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
