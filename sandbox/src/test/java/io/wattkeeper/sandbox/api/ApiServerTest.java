package io.wattkeeper.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded API against what a real API server answers (Kubernetes API concepts and reference
 * docs): discovery, Table output, selectors, patch types, conflicts, subresources, watches,
 * admission and garbage collection. Real HTTP on a loopback port.
 */
class ApiServerTest {
  private static final String TABLE =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  private ApiServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = new ApiServer(0, Clock.systemUTC());
    server.installBundledCrds();
    send(
        "POST",
        "/api/v1/namespaces",
        "{\"metadata\":{\"name\":\"demo\",\"labels\":{\"team\":\"ml\"}}}",
        null);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void discoveryListsGroupsResourcesShortNamesAndSubresources() throws Exception {
    JsonNode api = get("/api");
    assertThat(api.path("kind").asText()).isEqualTo("APIVersions");
    assertThat(api.path("versions").get(0).asText()).isEqualTo("v1");
    JsonNode groups = get("/apis");
    List<String> names = new ArrayList<>();
    groups.path("groups").forEach(g -> names.add(g.path("name").asText()));
    assertThat(names)
        .contains(
            "apps",
            "autoscaling",
            "discovery.k8s.io",
            "coordination.k8s.io",
            "admissionregistration.k8s.io",
            "wattkeeper.io");
    JsonNode wk = get("/apis/wattkeeper.io/v1alpha1");
    assertThat(wk.path("groupVersion").asText()).isEqualTo("wattkeeper.io/v1alpha1");
    JsonNode eb = find(wk, "energybudgets");
    assertThat(eb.path("shortNames").get(0).asText()).isEqualTo("eb");
    assertThat(eb.path("namespaced").asBoolean()).isTrue();
    assertThat(find(wk, "nodeenergyreports").path("shortNames").get(0).asText()).isEqualTo("ner");
    assertThat(find(wk, "nodeenergyreports").path("namespaced").asBoolean()).isFalse();
    assertThat(find(wk, "energybudgets/status").path("verbs").toString()).contains("patch");
    JsonNode apps = get("/apis/apps/v1");
    JsonNode scale = find(apps, "deployments/scale");
    // As a real server: the scale subresource is autoscaling/v1 Scale.
    assertThat(scale.path("group").asText()).isEqualTo("autoscaling");
    assertThat(scale.path("kind").asText()).isEqualTo("Scale");
    assertThat(find(get("/api/v1"), "pods").path("shortNames").get(0).asText()).isEqualTo("po");
    assertThat(send("GET", "/apis/nosuch.io", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void crdTableUsesPrinterColumnsAndPartialObjectMetadata() throws Exception {
    create(
        "/apis/wattkeeper.io/v1alpha1/namespaces/demo/energybudgets",
        "{\"apiVersion\":\"wattkeeper.io/v1alpha1\",\"kind\":\"EnergyBudget\",\"metadata\":{\"name\":\"team\"},"
            + "\"spec\":{\"period\":{\"type\":\"Calendar\",\"unit\":\"Day\"}}}");
    send(
        "PUT",
        "/apis/wattkeeper.io/v1alpha1/namespaces/demo/energybudgets/team/status",
        "{\"metadata\":{\"name\":\"team\"},\"status\":{\"phase\":\"Exceeded\",\"maxPercentUsed\":120,"
            + "\"display\":{\"period\":\"Day\",\"energy\":\"1.2Wh/1Wh\"}}}",
        null);
    HttpResponse<String> r =
        send("GET", "/apis/wattkeeper.io/v1alpha1/namespaces/demo/energybudgets", null, TABLE);
    JsonNode t = Json.parse(r.body());
    assertThat(t.path("kind").asText()).isEqualTo("Table");
    assertThat(t.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    List<String> cols = new ArrayList<>();
    t.path("columnDefinitions").forEach(c -> cols.add(c.path("name").asText()));
    assertThat(cols).startsWith("Name", "Period", "Energy", "CO2e", "Used%", "Phase");
    assertThat(t.path("columnDefinitions").get(0).path("format").asText()).isEqualTo("name");
    JsonNode row = t.path("rows").get(0);
    assertThat(row.path("cells").get(0).asText()).isEqualTo("team");
    assertThat(row.path("cells").get(cols.indexOf("Energy")).asText()).isEqualTo("1.2Wh/1Wh");
    assertThat(row.path("cells").get(cols.indexOf("Used%")).asInt()).isEqualTo(120);
    assertThat(row.path("cells").get(cols.indexOf("Phase")).asText()).isEqualTo("Exceeded");
    assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(row.path("object").path("metadata").path("name").asText()).isEqualTo("team");
    // Without the Table media type: the plain list, as kubectl -o json gets it.
    JsonNode list = get("/apis/wattkeeper.io/v1alpha1/namespaces/demo/energybudgets");
    assertThat(list.path("kind").asText()).isEqualTo("EnergyBudgetList");
  }

  @Test
  void labelSelectorsIncludingSetBased() throws Exception {
    pod("a", "{\"env\":\"prod\",\"tier\":\"web\"}", null, null);
    pod("b", "{\"env\":\"dev\"}", null, null);
    pod("c", "{}", null, null);
    assertThat(podNames("labelSelector=env%3Dprod")).containsExactly("a");
    assertThat(podNames("labelSelector=env%20in%20(prod,dev)")).containsExactly("a", "b");
    // notin and != match objects without the label, as on a real server.
    assertThat(podNames("labelSelector=env%20notin%20(prod)")).containsExactly("b", "c");
    assertThat(podNames("labelSelector=env!%3Dprod")).containsExactly("b", "c");
    assertThat(podNames("labelSelector=tier")).containsExactly("a");
    assertThat(podNames("labelSelector=!env")).containsExactly("c");
    assertThat(podNames("labelSelector=env,tier%20notin%20(db)")).containsExactly("a", "b");
  }

  @Test
  void fieldSelectorsOnPodsAndUnsupportedFieldsRefused() throws Exception {
    pod("a", "{}", "node-1", "Running");
    pod("b", "{}", "node-2", "Pending");
    assertThat(podNames("fieldSelector=spec.nodeName%3Dnode-1")).containsExactly("a");
    assertThat(podNames("fieldSelector=status.phase!%3DRunning")).containsExactly("b");
    assertThat(podNames("fieldSelector=metadata.name%3Db")).containsExactly("b");
    HttpResponse<String> r =
        send("GET", "/api/v1/namespaces/demo/pods?fieldSelector=spec.foo%3Dx", null, null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Json.parse(r.body()).path("message").asText())
        .contains("field label not supported: spec.foo");
  }

  @Test
  void mergePatchReplacesListsAndNullRemoves() throws Exception {
    // RFC 7386 section 3's example, on a ConfigMap-like object's data.
    create(
        "/api/v1/namespaces/demo/configmaps",
        "{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"spec\":{\"list\":[1,2,3]}}");
    JsonNode out =
        Json.parse(
            send(
                    "PATCH",
                    "/api/v1/namespaces/demo/configmaps/x",
                    "{\"metadata\":{\"labels\":{\"a\":null,\"c\":\"3\"}},\"spec\":{\"list\":[9]}}",
                    "application/merge-patch+json")
                .body());
    assertThat(out.path("metadata").path("labels").toString())
        .isEqualTo("{\"b\":\"2\",\"c\":\"3\"}");
    assertThat(out.path("spec").path("list").toString()).isEqualTo("[9]");
    JsonNode jp =
        Json.parse(
            send(
                    "PATCH",
                    "/api/v1/namespaces/demo/configmaps/x",
                    "[{\"op\":\"add\",\"path\":\"/spec/list/-\",\"value\":10}]",
                    "application/json-patch+json")
                .body());
    assertThat(jp.path("spec").path("list").toString()).isEqualTo("[9,10]");
  }

  @Test
  void strategicMergeMergesContainersByName() throws Exception {
    create(
        "/apis/apps/v1/namespaces/demo/deployments",
        "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"d\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":["
            + "{\"name\":\"a\",\"command\":[\"x\"]},{\"name\":\"b\",\"command\":[\"y\"]}]}}}}");
    JsonNode out =
        Json.parse(
            send(
                    "PATCH",
                    "/apis/apps/v1/namespaces/demo/deployments/d",
                    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"b\",\"command\":[\"z\"]}]}}}}",
                    "application/strategic-merge-patch+json")
                .body());
    JsonNode cs = out.path("spec").path("template").path("spec").path("containers");
    assertThat(cs).hasSize(2);
    assertThat(cs.get(1).path("command").toString()).isEqualTo("[\"z\"]");
    assertThat(out.path("metadata").path("generation").asInt()).isEqualTo(2);
    HttpResponse<String> ssa =
        send(
            "PATCH",
            "/apis/apps/v1/namespaces/demo/deployments/d",
            "{}",
            "application/apply-patch+yaml");
    assertThat(ssa.statusCode()).isEqualTo(415);
    assertThat(ssa.body()).contains("server-side apply is not supported");
  }

  @Test
  void staleResourceVersionIsAConflict() throws Exception {
    JsonNode cm =
        create(
            "/api/v1/namespaces/demo/configmaps",
            "{\"metadata\":{\"name\":\"x\"},\"data\":{\"k\":\"1\"}}");
    String rv = cm.path("metadata").path("resourceVersion").asText();
    send(
        "PUT",
        "/api/v1/namespaces/demo/configmaps/x",
        "{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"" + rv + "\"},\"data\":{\"k\":\"2\"}}",
        null);
    HttpResponse<String> stale =
        send(
            "PUT",
            "/api/v1/namespaces/demo/configmaps/x",
            "{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\""
                + rv
                + "\"},\"data\":{\"k\":\"3\"}}",
            null);
    assertThat(stale.statusCode()).isEqualTo(409);
    JsonNode status = Json.parse(stale.body());
    assertThat(status.path("reason").asText()).isEqualTo("Conflict");
    assertThat(status.path("message").asText())
        .isEqualTo(
            "Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again");
    HttpResponse<String> patch =
        send(
            "PATCH",
            "/api/v1/namespaces/demo/configmaps/x",
            "{\"metadata\":{\"resourceVersion\":\"" + rv + "\"},\"data\":{\"k\":\"4\"}}",
            "application/merge-patch+json");
    assertThat(patch.statusCode()).isEqualTo(409);
    HttpResponse<String> again =
        send("POST", "/api/v1/namespaces/demo/configmaps", "{\"metadata\":{\"name\":\"x\"}}", null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(Json.parse(again.body()).path("reason").asText()).isEqualTo("AlreadyExists");
  }

  @Test
  void statusAndScaleSubresources() throws Exception {
    create(
        "/apis/apps/v1/namespaces/demo/deployments",
        "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"d\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":[{\"name\":\"a\"}]}}},"
            + "\"status\":{\"replicas\":7}}");
    JsonNode d = get("/apis/apps/v1/namespaces/demo/deployments/d");
    assertThat(d.has("status")).as("status on create is dropped").isFalse();
    send(
        "PUT",
        "/apis/apps/v1/namespaces/demo/deployments/d/status",
        "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":9},\"status\":{\"replicas\":2}}",
        null);
    d = get("/apis/apps/v1/namespaces/demo/deployments/d");
    assertThat(d.path("spec").path("replicas").asInt()).as("/status ignores spec").isEqualTo(2);
    assertThat(d.path("status").path("replicas").asInt()).isEqualTo(2);
    assertThat(d.path("metadata").path("generation").asInt()).isEqualTo(1);
    JsonNode scale = get("/apis/apps/v1/namespaces/demo/deployments/d/scale");
    assertThat(scale.path("kind").asText()).isEqualTo("Scale");
    assertThat(scale.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
    assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(scale.path("status").path("selector").asText()).isEqualTo("app=d");
    send(
        "PATCH",
        "/apis/apps/v1/namespaces/demo/deployments/d/scale",
        "{\"spec\":{\"replicas\":0}}",
        "application/merge-patch+json");
    assertThat(
            get("/apis/apps/v1/namespaces/demo/deployments/d")
                .path("spec")
                .path("replicas")
                .asInt())
        .isZero();
  }

  @Test
  void chunkedWatchResumesFromResourceVersion() throws Exception {
    JsonNode cm = create("/api/v1/namespaces/demo/configmaps", "{\"metadata\":{\"name\":\"w\"}}");
    String rv = cm.path("metadata").path("resourceVersion").asText();
    send(
        "PATCH",
        "/api/v1/namespaces/demo/configmaps/w",
        "{\"data\":{\"k\":\"v\"}}",
        "application/merge-patch+json");
    HttpResponse<java.io.InputStream> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        server.url()
                            + "/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion="
                            + rv
                            + "&timeoutSeconds=2"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      JsonNode ev = Json.parse(in.readLine());
      assertThat(ev.path("type").asText()).isEqualTo("MODIFIED");
      assertThat(ev.path("object").path("data").path("k").asText()).isEqualTo("v");
      assertThat(ev.path("object").path("kind").asText()).isEqualTo("ConfigMap");
    }
  }

  @Test
  void webSocketWatchSeesChangesThroughASelector() throws Exception {
    LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(
                    server.url().replace("http", "ws")
                        + "/api/v1/namespaces/demo/pods?watch=true&labelSelector=app%3Dw"),
                new WebSocket.Listener() {
                  StringBuilder b = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                    b.append(data);
                    if (last) {
                      events.add(b.toString());
                      b = new StringBuilder();
                    }
                    s.request(1);
                    return null;
                  }
                })
            .get(5, TimeUnit.SECONDS);
    pod("p1", "{\"app\":\"w\"}", null, null);
    pod("p2", "{\"app\":\"other\"}", null, null);
    JsonNode ev = Json.parse(events.poll(5, TimeUnit.SECONDS));
    assertThat(ev.path("type").asText()).isEqualTo("ADDED");
    assertThat(ev.path("object").path("metadata").path("name").asText()).isEqualTo("p1");
    // Leaving the selector is a DELETED event for the watcher.
    send(
        "PATCH",
        "/api/v1/namespaces/demo/pods/p1",
        "{\"metadata\":{\"labels\":{\"app\":\"gone\"}}}",
        "application/merge-patch+json");
    assertThat(Json.parse(events.poll(5, TimeUnit.SECONDS)).path("type").asText())
        .isEqualTo("DELETED");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
  }

  @Test
  void admissionWebhookDeniesAndFailurePolicyIsHonoured() throws Exception {
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/deny",
        ex -> {
          JsonNode review = Json.parse(ex.getRequestBody().readAllBytes());
          String uid = review.path("request").path("uid").asText();
          byte[] b =
              ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\""
                      + uid
                      + "\",\"allowed\":false,\"status\":{\"code\":403,\"message\":\"over budget\"}}}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    hook.start();
    try {
      webhook("deny", "http://127.0.0.1:" + hook.getAddress().getPort() + "/deny", "Ignore");
      HttpResponse<String> denied =
          send(
              "POST",
              "/api/v1/namespaces/demo/pods",
              "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
              null);
      assertThat(denied.statusCode()).isEqualTo(403);
      assertThat(Json.parse(denied.body()).path("message").asText())
          .isEqualTo("admission webhook \"deny.example.io\" denied the request: over budget");
      send(
          "DELETE",
          "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/deny",
          null,
          null);
      webhook("down", "http://127.0.0.1:1/unreachable", "Fail");
      HttpResponse<String> failed =
          send(
              "POST",
              "/api/v1/namespaces/demo/pods",
              "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
              null);
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.body()).contains("failed calling webhook \\\"down.example.io\\\"");
      send(
          "DELETE",
          "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/down",
          null,
          null);
      webhook("ignored", "http://127.0.0.1:1/unreachable", "Ignore");
      assertThat(
              send(
                      "POST",
                      "/api/v1/namespaces/demo/pods",
                      "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
                      null)
                  .statusCode())
          .isEqualTo(201);
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void deletingAnOwnerCollectsDependentsUnlessOrphaned() throws Exception {
    JsonNode owner =
        create("/api/v1/namespaces/demo/configmaps", "{\"metadata\":{\"name\":\"owner\"}}");
    String uid = owner.path("metadata").path("uid").asText();
    String ref =
        "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner\",\"uid\":\""
            + uid
            + "\"}]";
    create(
        "/api/v1/namespaces/demo/configmaps",
        "{\"metadata\":{\"name\":\"child\",\"ownerReferences\":" + ref + "}}");
    send("DELETE", "/api/v1/namespaces/demo/configmaps/owner", null, null);
    assertThat(send("GET", "/api/v1/namespaces/demo/configmaps/child", null, null).statusCode())
        .isEqualTo(404);
    JsonNode owner2 =
        create("/api/v1/namespaces/demo/configmaps", "{\"metadata\":{\"name\":\"owner2\"}}");
    String ref2 =
        "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner2\",\"uid\":\""
            + owner2.path("metadata").path("uid").asText()
            + "\"}]";
    create(
        "/api/v1/namespaces/demo/configmaps",
        "{\"metadata\":{\"name\":\"child2\",\"ownerReferences\":" + ref2 + "}}");
    send(
        "DELETE", "/api/v1/namespaces/demo/configmaps/owner2?propagationPolicy=Orphan", null, null);
    JsonNode orphan = get("/api/v1/namespaces/demo/configmaps/child2");
    assertThat(orphan.path("metadata").path("ownerReferences")).isEmpty();
  }

  @Test
  void nodePortAllocationSkipsPortsTakenOnThisMachine() throws Exception {
    // Another sandbox (or any server) on 30000..30004: its listener would get our traffic.
    List<java.net.ServerSocket> held = new java.util.ArrayList<>();
    try {
      for (int port = 30000; port < 30005; port++) {
        try {
          java.net.ServerSocket s = new java.net.ServerSocket();
          s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
          held.add(s);
        } catch (java.io.IOException taken) {
          // taken already by someone else: just as good
        }
      }
      HttpResponse<String> r =
          send(
              "POST",
              "/api/v1/namespaces/demo/services",
              "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"type\":\"NodePort\","
                  + "\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}}",
              null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      int nodePort =
          Json.parse(r.body()).path("spec").path("ports").get(0).path("nodePort").asInt();
      assertThat(nodePort).isGreaterThanOrEqualTo(30005).isLessThanOrEqualTo(32767);
    } finally {
      for (java.net.ServerSocket s : held) {
        s.close();
      }
    }
  }

  @Test
  void unsupportedRequestsGetClearErrors() throws Exception {
    HttpResponse<String> proto =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/namespaces"))
                .header("Content-Type", "application/vnd.kubernetes.protobuf")
                .POST(HttpRequest.BodyPublishers.ofString("k8s\0"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(proto.statusCode()).isEqualTo(415);
    assertThat(proto.body()).contains("protobuf is not supported");
    assertThat(
            send(
                    "POST",
                    "/api/v1/namespaces/nosuch/configmaps",
                    "{\"metadata\":{\"name\":\"x\"}}",
                    null)
                .body())
        .contains("namespaces \\\"nosuch\\\" not found");
    assertThat(
            send(
                    "POST",
                    "/api/v1/namespaces/demo/configmaps?dryRun=All",
                    "{\"metadata\":{\"name\":\"x\"}}",
                    null)
                .statusCode())
        .isEqualTo(400);
  }

  private void webhook(String name, String url, String failurePolicy) throws Exception {
    create(
        "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
        "{\"metadata\":{\"name\":\""
            + name
            + "\"},\"webhooks\":[{\"name\":\""
            + name
            + ".example.io\",\"failurePolicy\":\""
            + failurePolicy
            + "\",\"clientConfig\":{\"url\":\""
            + url
            + "\"},\"rules\":[{\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],"
            + "\"operations\":[\"CREATE\"],\"resources\":[\"pods\"]}],\"namespaceSelector\":{\"matchLabels\":{\"team\":\"ml\"}}}]}");
  }

  private void pod(String name, String labels, String node, String phase) throws Exception {
    create(
        "/api/v1/namespaces/demo/pods",
        "{\"metadata\":{\"name\":\""
            + name
            + "\",\"labels\":"
            + labels
            + "},\"spec\":{"
            + (node == null ? "" : "\"nodeName\":\"" + node + "\",")
            + "\"containers\":[{\"name\":\"c\"}]}}");
    if (phase != null) {
      send(
          "PATCH",
          "/api/v1/namespaces/demo/pods/" + name + "/status",
          "{\"status\":{\"phase\":\"" + phase + "\"}}",
          "application/merge-patch+json");
    }
  }

  private List<String> podNames(String query) throws Exception {
    List<String> out = new ArrayList<>();
    get("/api/v1/namespaces/demo/pods?" + query)
        .path("items")
        .forEach(i -> out.add(i.path("metadata").path("name").asText()));
    return out;
  }

  private static JsonNode find(JsonNode resourceList, String name) {
    for (JsonNode r : resourceList.path("resources")) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no resource " + name + " in " + resourceList);
  }

  private JsonNode create(String path, String body) throws Exception {
    HttpResponse<String> r = send("POST", path, body, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.parse(r.body());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return Json.parse(r.body());
  }

  private HttpResponse<String> send(String method, String path, String body, String type)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10));
    if (TABLE.equals(type)) {
      b.header("Accept", TABLE);
      type = null;
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    b.header("Content-Type", type == null ? "application/json" : type);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unused")
  private static CompletableFuture<Void> none() {
    return CompletableFuture.completedFuture(null);
  }
}
