package io.wattkeeper.activator;

import static io.wattkeeper.activator.Harness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.wattkeeper.api.activation.ActivationNames;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bounds: maxPendingConnections per workload and the wake timeout. */
@EnableKubernetesMockClient(crud = true)
class LimitsTest {

  KubernetesClient client;
  Harness h;

  @BeforeEach
  void setUp() {
    h = new Harness(client);
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  @Test
  void beyondThePendingLimitHttpGets503WithRetryAfterAndOtherProtocolsAreClosed() throws Exception {
    int port = Harness.freePort();
    h.sleepingDeployment("inference", Map.of());
    h.activatorSlice("inference", "http", port, "inference");
    Activator a = h.activator(Harness.config().withMaxPending(2));
    h.awaitListening(a, port);
    WorkloadRef w = new WorkloadRef(NS, "Deployment", "inference");
    // The backend never comes: two connections are held...
    try (Client c1 = new Client(port, Client.httpGet("/a"));
        Client c2 = new Client(port, Client.httpGet("/b"))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> a.metrics().held(w) == 2);
      // ...the third HTTP request is answered at once...
      try (Client c3 = new Client(port, Client.httpGet("/c"))) {
        String answer = c3.readAll();
        assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
        assertThat(answer).contains("\r\nRetry-After: 30\r\n");
        assertThat(answer).contains("maxPendingConnections=2");
      }
      // ...and a gRPC client (HTTP/2 preface) is closed without an HTTP/1 answer.
      try (Client c4 = new Client(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")) {
        assertThat(c4.readAll()).isEmpty();
      }
      assertThat(a.metrics().held(w)).isEqualTo(2);
      assertThat(a.metrics().rejectedCount(w, Activator.PENDING_LIMIT)).isEqualTo(2);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(h.eventMessages("ColdStartOverflow"))
                    .singleElement()
                    .asString()
                    .contains("maxPendingConnections=2"));
    assertThat(a.metrics().render())
        .contains(
            "wattkeeper_activator_rejected_connections_total{namespace=\"default\",workload=\"deployment/inference\",reason=\"pending_limit\"} 2");
  }

  @Test
  void afterTheWakeTimeoutHttpGets503AndOtherProtocolsAreClosed() throws Exception {
    int port = Harness.freePort();
    // The per-workload timeout annotation overrides the 5-minute default.
    h.sleepingDeployment("slow", Map.of(ActivationNames.ANNOTATION_WAKE_TIMEOUT, "1s"));
    h.activatorSlice("slow", "http", port, "slow");
    Activator a = h.activator(Harness.config());
    h.awaitListening(a, port);
    WorkloadRef w = new WorkloadRef(NS, "Deployment", "slow");
    long start = System.nanoTime();
    try (Client http = new Client(port, Client.httpGet("/"));
        Client raw = new Client(port, new byte[] {0x16, 0x03, 0x01, 0x00, 0x05})) {
      String answer = http.readAll();
      double waited = (System.nanoTime() - start) / 1e9;
      assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
      assertThat(answer).contains("\r\nRetry-After: 30\r\n", "no Ready endpoint", "within 1s");
      assertThat(waited).isGreaterThanOrEqualTo(1.0).isLessThan(10.0);
      assertThat(raw.readAll()).isEmpty();
    }
    assertThat(a.metrics().rejectedCount(w, Activator.TIMEOUT)).isEqualTo(2);
    assertThat(a.metrics().held(w)).isZero();
    assertThat(h.wakeValue("slow")).isEqualTo("activator/r1");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(h.eventMessages("ColdStartTimeout"))
                    .singleElement()
                    .asString()
                    .contains("wake timeout 1s"));
  }
}
