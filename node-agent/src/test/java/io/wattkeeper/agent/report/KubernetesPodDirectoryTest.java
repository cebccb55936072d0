package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.wattkeeper.agent.kube.KubeApi;
import io.wattkeeper.agent.kube.KubeEndpoint;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pod list-then-watch against the Fabric8 mock API server (CRUD mode, websocket watches): this
 * node's pods only, pods created and deleted after the start followed, static pods keyed by their
 * config hash, and a watch error answered by a fresh list.
 */
class KubernetesPodDirectoryTest {
  KubernetesServer server;
  KubernetesClient client;
  KubeApi api;

  @BeforeEach
  void start() {
    server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
    server.before();
    client = server.getClient();
    String url = client.getMasterUrl().toString();
    api =
        new KubeApi(
            new KubeEndpoint(
                URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url),
                Path.of("/nonexistent/token"),
                Path.of("/nonexistent/ca.crt")),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    api.close();
    server.after();
  }

  static Map<String, Object> event(String json) throws java.io.IOException {
    return io.wattkeeper.agent.json.Json.object(
        io.wattkeeper.agent.json.Json.parse(
            json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static Pod pod(String ns, String name, String node, String cpu) {
    var b =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .addNewContainer()
            .withName("c")
            .withImage("x")
            .withNewResources()
            .endResources()
            .endContainer()
            .endSpec();
    if (cpu != null) {
      b.editSpec()
          .editFirstContainer()
          .editResources()
          .addToRequests("cpu", new Quantity(cpu))
          .endResources()
          .endContainer()
          .endSpec();
    }
    return b.build();
  }

  @Test
  void followsThisNodesPodsAsTheyComeAndGo() {
    String mine =
        client.resource(pod("ml", "infer", "node-a", "500m")).create().getMetadata().getUid();
    client.resource(pod("ml", "elsewhere", "node-b", "1")).create();
    try (var pods = new KubernetesPodDirectory(api, "node-a", false)) {
      await().atMost(Duration.ofSeconds(10)).until(pods::synced);
      assertThat(pods.byUid()).containsOnlyKeys(mine);
      assertThat(pods.byUid().get(mine)).isEqualTo(new PodMeta(mine, "ml", "infer", 0.5));

      String late =
          client.resource(pod("ml", "late", "node-a", null)).create().getMetadata().getUid();
      client.resource(pod("ml", "late-elsewhere", "node-b", null)).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> pods.byUid().containsKey(late));
      assertThat(pods.byUid()).containsOnlyKeys(mine, late);

      client.pods().inNamespace("ml").withName("infer").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> !pods.byUid().containsKey(mine));
      assertThat(pods.byUid()).containsOnlyKeys(late);
      assertThat(pods.lastError()).isNull();
    }
  }

  @Test
  void listAndWatchCarryTheBearerToken(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path token = java.nio.file.Files.writeString(dir.resolve("token"), "t0k\n");
    String url = client.getMasterUrl().toString();
    try (KubeApi withToken =
            new KubeApi(
                new KubeEndpoint(
                    URI.create(url.substring(0, url.length() - 1)), token, dir.resolve("ca.crt")),
                Clock.systemUTC());
        var pods = new KubernetesPodDirectory(withToken, "node-a", false)) {
      await().atMost(Duration.ofSeconds(10)).until(pods::synced);
      String late =
          client.resource(pod("ml", "late", "node-a", null)).create().getMetadata().getUid();
      await().atMost(Duration.ofSeconds(10)).until(() -> pods.byUid().containsKey(late));
    }
    var requests = new java.util.ArrayList<io.fabric8.mockwebserver.http.RecordedRequest>();
    int n = server.getKubernetesMockServer().getRequestCount();
    for (int i = 0; i < n; i++) {
      requests.add(
          server.getKubernetesMockServer().takeRequest(1, java.util.concurrent.TimeUnit.SECONDS));
    }
    assertThat(requests)
        .filteredOn(r -> r != null && r.getPath().startsWith("/api/v1/pods?"))
        .extracting(r -> r.getPath().contains("watch=true") + " " + r.getHeader("Authorization"))
        .contains("false Bearer t0k", "true Bearer t0k");
    // API servers refuse a websocket handshake without Origin (403); Fabric8 sends it too.
    assertThat(requests)
        .filteredOn(r -> r != null && r.getPath().contains("watch=true"))
        .extracting(r -> r.getHeader("Origin"))
        .containsOnly(url.substring(0, url.length() - 1));
  }

  @Test
  void aStaticPodIsKeyedByItsConfigHashAndRemovedByIt() {
    Pod mirror =
        new PodBuilder(pod("kube-system", "etcd-node-a", "node-a", "100m"))
            .editMetadata()
            .addToAnnotations("kubernetes.io/config.mirror", "6f9c5b1e8d7a")
            .endMetadata()
            .build();
    client.resource(mirror).create();
    try (var pods = new KubernetesPodDirectory(api, "node-a", false)) {
      await().atMost(Duration.ofSeconds(10)).until(pods::synced);
      assertThat(pods.byUid()).containsOnlyKeys("6f9c5b1e8d7a");
      client.pods().inNamespace("kube-system").withName("etcd-node-a").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> pods.byUid().isEmpty());
    }
  }

  @Test
  void watchEventsThatEndTheStream() throws Exception {
    try (var pods = new KubernetesPodDirectory(api, "node-a", false)) {
      ObjectMapper json = new ObjectMapper();
      assertThat(
              pods.apply(
                  event(
                      "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
                          + "\"message\":\"too old resource version\"}}")))
          .isFalse();
      assertThat(pods.apply(event("{\"type\":\"SURPRISE\",\"object\":{}}"))).isFalse();
      assertThat(
              pods.apply(
                  event(
                      "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"9\"}}}")))
          .isTrue();
      // A pod of another node in an ADDED event (a server ignoring the selector) is not kept.
      assertThat(
              pods.apply(
                  io.wattkeeper.agent.json.Json.object(
                      io.wattkeeper.agent.json.Json.parse(
                          json.writeValueAsBytes(
                              Map.of("type", "ADDED", "object", pod("ml", "x", "node-b", "1")))))))
          .isTrue();
      assertThat(pods.byUid()).isEmpty();
    }
  }

  @Test
  void anUnreachableServerLeavesTheListEmptyWithTheReason() {
    KubeApi nowhere =
        new KubeApi(
            new KubeEndpoint(
                URI.create("http://127.0.0.1:1"), Path.of("/nonexistent"), Path.of("/nonexistent")),
            Clock.systemUTC());
    try (nowhere;
        var pods = new KubernetesPodDirectory(nowhere, "node-a", true)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> pods.lastError() != null);
      assertThat(pods.synced()).isFalse();
      assertThat(pods.byUid()).isEmpty();
      assertThat(pods.lastError()).startsWith("pod list/watch failed: GET /api/v1/pods");
    }
  }
}
