package io.wattkeeper.activator;

import static io.wattkeeper.activator.Harness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.wattkeeper.api.activation.ActivationNames;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may wake what, and how often: enforcement refuses, idle wakes, two replicas ask once. */
@EnableKubernetesMockClient(crud = true)
class WakeRequestTest {

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

  private void exceededBudget(String name, String mode) {
    EnergyBudget b = new EnergyBudget();
    b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    b.setSpec(
        new EnergyBudgetSpec(
            null,
            null,
            new EnergyBudgetSpec.Limits("10kWh", null, null),
            null,
            null,
            new EnergyBudgetSpec.Enforcement(
                mode,
                List.of("ScaleToZero"),
                new EnergyBudgetSpec.ScaleToZero(
                    new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "llm")).build(),
                    false),
                null,
                true),
            null));
    b.setStatus(new EnergyBudgetStatus().setPhase(ActivationNames.PHASE_EXCEEDED));
    client.resource(b).create();
  }

  @Test
  void enforcementSleepOfAnExceededBudgetIsNotWokenByTraffic() throws Exception {
    int port = Harness.freePort();
    exceededBudget("team", "Enforce");
    h.sleepingDeployment(
        "inference", Map.of(ActivationNames.ANNOTATION_SLEEP_HOLDERS, "idle/team,enforce/team"));
    h.activatorSlice("inference", "http", port, "inference");
    Activator a = h.activator(Harness.config());
    h.awaitListening(a, port);
    WorkloadRef w = new WorkloadRef(NS, "Deployment", "inference");

    try (Client c = new Client(port, Client.httpGet("/"))) {
      String answer = c.readAll();
      assertThat(answer)
          .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
          .contains("Retry-After: ");
      assertThat(answer).contains("EnergyBudget default/team is Exceeded and enforces ScaleToZero");
    }
    // Within the re-check window a second request is refused without asking the API again.
    try (Client c = new Client(port, Client.httpGet("/again"))) {
      assertThat(c.readAll()).contains("EnergyBudget default/team");
    }
    assertThat(h.wakeValue("inference")).isNull();
    assertThat(a.metrics().wakes(w)).isZero();
    assertThat(a.metrics().rejectedCount(w, Activator.BUDGET)).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(h.eventMessages("WakeRefused"))
                    .singleElement()
                    .asString()
                    .contains("EnergyBudget default/team"));
  }

  @Test
  void idleSleepWakesEvenWhileTheBudgetIsExceeded() throws Exception {
    int port = Harness.freePort();
    exceededBudget("team", "Enforce");
    h.sleepingDeployment(
        "inference", Map.of(ActivationNames.ANNOTATION_SLEEP_HOLDERS, "idle/team"));
    h.activatorSlice("inference", "http", port, "inference");
    Activator a = h.activator(Harness.config());
    h.awaitListening(a, port);
    try (Client c = new Client(port, Client.httpGet("/"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> h.wakeValue("inference") != null);
    }
    assertThat(h.wakeValue("inference")).isEqualTo("activator/r1");
  }

  @Test
  void warnModeDoesNotRefuse() throws Exception {
    exceededBudget("team", "Warn");
    h.sleepingDeployment(
        "inference", Map.of(ActivationNames.ANNOTATION_SLEEP_HOLDERS, "enforce/team"));
    WakeRequester r = new WakeRequester(client, "r1");
    assertThat(r.request(new WorkloadRef(NS, "Deployment", "inference")))
        .isInstanceOf(WakeRequester.Requested.class);
  }

  @Test
  void twoReplicasAskForOneWake() throws Exception {
    int port = Harness.freePort();
    h.sleepingDeployment("inference", Map.of());
    h.activatorSlice("inference", "http", port, "inference");
    // Two replicas on two loopback addresses, the same reserved port (as two pods would).
    Activator a1 = h.activator(ActivatorConfig.defaults().withBind("127.0.0.1", -1, "r1"));
    Activator a2 =
        new Activator(
                client,
                ActivatorConfig.defaults().withBind("127.0.0.2", -1, "r2"),
                Clock.systemUTC())
            .start();
    h.closeLater(a2);
    h.awaitListening(a1, port);
    h.awaitListening(a2, port);
    AtomicInteger wakeWrites = new AtomicInteger();
    Watch watch =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("inference")
            .watch(
                new Watcher<>() {
                  boolean seen;

                  @Override
                  public synchronized void eventReceived(Action action, Deployment d) {
                    var ann = d.getMetadata().getAnnotations();
                    boolean has = ann != null && ann.containsKey("wattkeeper.io/wake");
                    if (has && !seen) {
                      wakeWrites.incrementAndGet();
                    }
                    if (action == Action.MODIFIED) {
                      seen = has;
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    h.closeLater(watch);
    WorkloadRef w = new WorkloadRef(NS, "Deployment", "inference");
    java.net.Socket s1 = new java.net.Socket("127.0.0.1", port);
    java.net.Socket s2 = new java.net.Socket("127.0.0.2", port);
    h.closeLater(s1);
    h.closeLater(s2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a1.metrics().held(w) == 1 && a2.metrics().held(w) == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.wakeValue("inference") != null);
    // Both replicas have read and decided by now: one of them wrote, the other saw the request.
    await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(a1.metrics().wakes(w) + a2.metrics().wakes(w)).isEqualTo(1);
    assertThat(wakeWrites.get()).isEqualTo(1);
    assertThat(h.eventMessages("Waking")).hasSize(1);
  }

  @Test
  void aWriteBasedOnAStaleReadIsRejectedAndTheRereadSeesTheOtherRequest() {
    Deployment stale = h.sleepingDeployment("inference", Map.of());
    // The other replica wrote its wake request after our read.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("inference")
        .edit(
            x -> {
              x.getMetadata().getAnnotations().put("wattkeeper.io/wake", "activator/r2");
              return x;
            });
    WakeRequester r = new WakeRequester(client, "r1");
    assertThatThrownBy(
            () ->
                client
                    .apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("inference")
                    .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                        r.wakePatch(stale, "2")))
        .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .satisfies(
            e ->
                assertThat(((io.fabric8.kubernetes.client.KubernetesClientException) e).getCode())
                    .isIn(409, 422));
    WakeRequester.Outcome o = r.request(new WorkloadRef(NS, "Deployment", "inference"));
    assertThat(o).isInstanceOf(WakeRequester.AlreadyRequested.class);
    assertThat(((WakeRequester.AlreadyRequested) o).by()).isEqualTo("activator/r2");
    assertThat(h.wakeValue("inference")).isEqualTo("activator/r2");
  }

  @Test
  void aHeldConnectionOutlivesAnOperatorThatIsAwayWhenTheWakeIsAsked() throws Exception {
    int port = Harness.freePort();
    int backend = Harness.freePort();
    h.sleepingDeployment("inference", Map.of());
    h.activatorSlice("inference", "http", port, "inference");
    Activator a = h.activator(Harness.config());
    h.awaitListening(a, port);
    try (Client c = new Client(port, Client.httpGet("/late"))) {
      // No operator yet (restarting): the request stays on the workload, the client is held.
      await().atMost(Duration.ofSeconds(10)).until(() -> h.wakeValue("inference") != null);
      Thread.sleep(2000);
      assertThat(a.metrics().held(new WorkloadRef(NS, "Deployment", "inference"))).isEqualTo(1);
      // The operator is back: it finds the request on its first look and wakes the workload.
      h.onWake(
          "inference",
          by -> {
            try {
              com.sun.net.httpserver.HttpServer s =
                  com.sun.net.httpserver.HttpServer.create(
                      new java.net.InetSocketAddress("127.0.0.1", backend), 0);
              s.createContext(
                  "/",
                  x -> {
                    byte[] b = "late but here".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    x.getResponseHeaders().set("Connection", "close");
                    x.sendResponseHeaders(200, b.length);
                    try (java.io.OutputStream o = x.getResponseBody()) {
                      o.write(b);
                    }
                  });
              s.start();
              h.closeLater(() -> s.stop(0));
              h.readyEndpoint("inference", "http", backend);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      String answer = c.readAll();
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("late but here");
    }
  }
}
