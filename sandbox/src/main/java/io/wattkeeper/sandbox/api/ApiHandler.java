package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.http.HttpExchange;
import io.wattkeeper.sandbox.http.HttpHandler;
import io.wattkeeper.sandbox.http.HttpRequest;
import io.wattkeeper.sandbox.http.WebSocketSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The API's HTTP face: URL routing, discovery, Table negotiation, watches, pod logs. */
public final class ApiHandler implements HttpHandler {
  private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());
  private static final String JSON = "application/json";
  private final Api api;
  private volatile String serverAddress = "127.0.0.1";
  private volatile BiFunction<ObjectNode, String, Optional<Path>> logs =
      (pod, c) -> Optional.empty();
  private volatile boolean stopped;
  private volatile java.util.Map<String, String> users = java.util.Map.of();

  public ApiHandler(Api api) {
    this.api = api;
  }

  public void serverAddress(String address) {
    this.serverAddress = address;
  }

  /** Where a pod's container log is (the kubelet knows): for GET pods/{name}/log. */
  public void logs(BiFunction<ObjectNode, String, Optional<Path>> logs) {
    this.logs = logs;
  }

  /**
   * Bearer tokens and the users they stand for (the operator's and agent's service accounts);
   * requests without a known token are from "sandbox-admin" (kubectl with the sandbox kubeconfig).
   */
  public void users(java.util.Map<String, String> tokens) {
    this.users = java.util.Map.copyOf(tokens);
  }

  /** Ends open watches (at shutdown). */
  public void stop() {
    stopped = true;
  }

  @Override
  public void handle(HttpRequest req, HttpExchange ex) throws IOException {
    String auth = req.header("authorization");
    String user =
        auth != null && auth.startsWith("Bearer ")
            ? users.getOrDefault(auth.substring(7).trim(), "sandbox-admin")
            : "sandbox-admin";
    try {
      Api.as(
          user,
          () -> {
            try {
              route(req, ex);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return null;
          });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    } catch (ApiError e) {
      if (e.code() >= 500) {
        LOG.warning(req.method() + " " + req.path() + ": " + e.getMessage());
      }
      ex.respond(e.code(), JSON, Json.bytes(e.status()));
    } catch (Store.Gone e) {
      ApiError gone = new ApiError(410, "Expired", e.getMessage(), null, null);
      ex.respond(410, JSON, Json.bytes(gone.status()));
    }
  }

  private void route(HttpRequest req, HttpExchange ex) throws IOException {
    List<String> s = new ArrayList<>();
    for (String part : req.path().split("/")) {
      if (!part.isEmpty()) {
        s.add(part);
      }
    }
    Registry reg = api.registry();
    if (s.isEmpty()) {
      ObjectNode o = Json.object();
      ArrayNode paths = o.putArray("paths");
      paths.add("/api").add("/api/v1").add("/apis").add("/openapi/v3").add("/version");
      reg.groups().forEach((g, vs) -> vs.forEach(v -> paths.add("/apis/" + g + "/" + v)));
      ok(ex, o);
      return;
    }
    switch (s.get(0)) {
      case "version" -> {
        ok(ex, Discovery.version());
        return;
      }
      case "healthz", "livez", "readyz" -> {
        ex.respond(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
        return;
      }
      case "openapi" -> {
        openApi(s, ex);
        return;
      }
      case "api" -> {
        if (s.size() == 1) {
          ok(ex, Discovery.apiVersions(serverAddress));
          return;
        }
        if (!s.get(1).equals("v1")) {
          throw ApiError.notFoundPath(req.path());
        }
        if (s.size() == 2) {
          ok(ex, Discovery.resourceList(reg, "", "v1"));
          return;
        }
        resource(req, ex, "", "v1", s.subList(2, s.size()));
        return;
      }
      case "apis" -> {
        if (s.size() == 1) {
          ok(ex, Discovery.groupList(reg));
          return;
        }
        if (s.size() == 4
            && s.get(1).equals("authorization.k8s.io")
            && s.get(2).equals("v1")
            && s.get(3).equals("selfsubjectrulesreviews")
            && req.method().equals("POST")) {
          ok(ex, everythingAllowed(req));
          return;
        }
        List<String> versions = reg.groups().get(s.get(1));
        if (versions == null) {
          throw ApiError.notFoundPath(req.path());
        }
        if (s.size() == 2) {
          ok(ex, Discovery.group(s.get(1), versions));
          return;
        }
        if (!versions.contains(s.get(2))) {
          throw ApiError.notFoundPath(req.path());
        }
        if (s.size() == 3) {
          ok(ex, Discovery.resourceList(reg, s.get(1), s.get(2)));
          return;
        }
        resource(req, ex, s.get(1), s.get(2), s.subList(3, s.size()));
        return;
      }
      default -> throw ApiError.notFoundPath(req.path());
    }
  }

  /**
   * The sandbox's API checks no permissions, and says so to a client that asks what it may do (the
   * Java Operator SDK asks before it takes part in leader election).
   */
  private static ObjectNode everythingAllowed(HttpRequest req) {
    ObjectNode review = req.body().length > 0 ? (ObjectNode) Json.parse(req.body()) : Json.object();
    review.put("apiVersion", "authorization.k8s.io/v1");
    review.put("kind", "SelfSubjectRulesReview");
    ObjectNode status = review.putObject("status");
    ObjectNode rule = status.putArray("resourceRules").addObject();
    rule.putArray("verbs").add("*");
    rule.putArray("apiGroups").add("*");
    rule.putArray("resources").add("*");
    status.putArray("nonResourceRules");
    status.put("incomplete", false);
    return review;
  }

  private void openApi(List<String> s, HttpExchange ex) throws IOException {
    if (s.size() >= 2 && s.get(1).equals("v3")) {
      if (s.size() == 2) {
        ok(ex, Discovery.openApiIndex(api.registry()));
        return;
      }
      ObjectNode doc = null;
      if (s.size() == 4 && s.get(2).equals("api")) {
        doc = Discovery.openApi(api.registry(), "", s.get(3));
      } else if (s.size() == 5 && s.get(2).equals("apis")) {
        doc = Discovery.openApi(api.registry(), s.get(3), s.get(4));
      }
      if (doc != null) {
        ok(ex, doc);
        return;
      }
    }
    // No OpenAPI v2: kubectl uses v3 (above) for field validation; 404 as on a server without it.
    throw ApiError.notFoundPath(String.join("/", s));
  }

  private void resource(
      HttpRequest req, HttpExchange ex, String group, String version, List<String> r)
      throws IOException {
    String ns = null;
    List<String> rest = r;
    if (r.size() >= 3 && r.get(0).equals("namespaces") && group.isEmpty()) {
      Optional<ResourceType> inner = api.registry().find(group, version, r.get(2));
      if (inner.isPresent() && inner.get().namespaced()) {
        ns = r.get(1);
        rest = r.subList(2, r.size());
      }
    } else if (r.size() >= 3 && r.get(0).equals("namespaces")) {
      ns = r.get(1);
      rest = r.subList(2, r.size());
    }
    ResourceType t =
        api.registry()
            .find(group, version, rest.get(0))
            .orElseThrow(() -> ApiError.notFoundPath(req.path()));
    if (ns != null && !t.namespaced()) {
      throw ApiError.notFoundPath(req.path());
    }
    String name = rest.size() > 1 ? rest.get(1) : null;
    String sub = rest.size() > 2 ? rest.get(2) : null;
    if (rest.size() > 3) {
      throw ApiError.notFoundPath(req.path());
    }
    if (sub != null
        && !(sub.equals("status") && t.statusSubresource())
        && !(sub.equals("scale") && t.scaleSubresource())
        && !(sub.equals("log") && t.key().equals("/pods"))) {
      throw ApiError.notFoundPath(req.path());
    }
    String contentType = req.header("content-type");
    if (contentType != null && contentType.contains("protobuf")) {
      throw ApiError.unsupported(
          "protobuf is not supported by the Wattkeeper sandbox API: send JSON (kubectl create"
              + " namespace/deployment use protobuf: use kubectl apply -f with a manifest)");
    }
    if (req.param("dryRun") != null && !req.method().equals("GET")) {
      throw ApiError.badRequest("dryRun is not supported by the Wattkeeper sandbox API");
    }
    String method = req.method();
    if (name == null) {
      collection(req, ex, t, ns, method);
      return;
    }
    if ("log".equals(sub)) {
      podLog(req, ex, api.get(t, ns, name));
      return;
    }
    if ("scale".equals(sub)) {
      switch (method) {
        case "GET" -> ok(ex, api.getScale(t, ns, name));
        case "PUT" -> {
          ObjectNode body = (ObjectNode) object(req);
          ok(ex, api.writeScale(t, ns, name, s -> body));
        }
        case "PATCH" ->
            ok(
                ex,
                api.writeScale(
                    t, ns, name, s -> Patches.apply(s, req.header("content-type"), req.body())));
        default ->
            throw ApiError.methodNotAllowed(
                method + " is not allowed on " + t.resource() + "/scale");
      }
      return;
    }
    switch (method) {
      case "GET" -> {
        ObjectNode o = api.get(t, ns, name);
        if (sub == null && wantsTable(req)) {
          ok(
              ex,
              Printers.table(
                  t, List.of(o), api.store().resourceVersion(), Instant.now(api.clock())));
        } else {
          ok(ex, o);
        }
      }
      case "PUT" -> ok(ex, api.update(t, ns, name, (ObjectNode) object(req), sub));
      case "PATCH" -> ok(ex, api.patch(t, ns, name, req.header("content-type"), req.body(), sub));
      case "DELETE" -> {
        if (sub != null) {
          throw ApiError.methodNotAllowed("DELETE is not allowed on a subresource");
        }
        ok(ex, api.delete(t, ns, name, propagation(req)));
      }
      default -> throw ApiError.methodNotAllowed(method + " is not allowed on " + t.resource());
    }
  }

  private void collection(
      HttpRequest req, HttpExchange ex, ResourceType t, String ns, String method)
      throws IOException {
    switch (method) {
      case "GET" -> {
        LabelSelector labels = LabelSelector.parse(req.param("labelSelector"));
        FieldSelector fields = FieldSelector.parse(t, req.param("fieldSelector"));
        Predicate<JsonNode> filter = labels.and(fields);
        String watch = req.param("watch");
        if ("true".equals(watch) || "1".equals(watch)) {
          watch(req, ex, t, ns, filter);
          return;
        }
        long rv = api.store().resourceVersion();
        List<ObjectNode> items = api.list(t, ns, filter);
        if (wantsTable(req)) {
          ok(ex, Printers.table(t, items, rv, Instant.now(api.clock())));
          return;
        }
        ObjectNode list = Json.object();
        list.put("kind", t.listKind());
        list.put("apiVersion", t.apiVersion());
        list.putObject("metadata").put("resourceVersion", Long.toString(rv));
        ArrayNode arr = list.putArray("items");
        items.forEach(arr::add);
        ok(ex, list);
      }
      case "POST" -> {
        JsonNode body = object(req);
        ex.respond(201, JSON, Json.bytes(api.create(t, ns, (ObjectNode) body)));
      }
      case "DELETE" -> {
        LabelSelector labels = LabelSelector.parse(req.param("labelSelector"));
        FieldSelector fields = FieldSelector.parse(t, req.param("fieldSelector"));
        ObjectNode list = Json.object();
        list.put("kind", t.listKind());
        list.put("apiVersion", t.apiVersion());
        ArrayNode arr = list.putArray("items");
        for (ObjectNode o : api.list(t, ns, labels.and(fields))) {
          try {
            arr.add(
                api.delete(
                    t,
                    Json.at(o, "metadata.namespace"),
                    Json.at(o, "metadata.name"),
                    propagation(req)));
          } catch (ApiError e) {
            if (e.code() != 404) {
              throw e;
            }
          }
        }
        list.putObject("metadata")
            .put("resourceVersion", Long.toString(api.store().resourceVersion()));
        ok(ex, list);
      }
      default -> throw ApiError.methodNotAllowed(method + " is not allowed on a collection");
    }
  }

  private void watch(
      HttpRequest req, HttpExchange ex, ResourceType t, String ns, Predicate<JsonNode> filter)
      throws IOException {
    String rvParam = req.param("resourceVersion");
    Long from =
        rvParam == null || rvParam.isEmpty() || rvParam.equals("0") ? null : parseRv(rvParam);
    String timeout = req.param("timeoutSeconds");
    long deadline =
        System.nanoTime()
            + TimeUnit.SECONDS.toNanos(
                timeout == null ? 1800 : Math.max(1, Long.parseLong(timeout)));
    boolean table = wantsTable(req);
    boolean bookmarks = "true".equals(req.param("allowWatchBookmarks"));
    Store.Watch w;
    try {
      w = api.store().watch(t.key(), t.namespaced() ? ns : null, filter::test, from);
    } catch (Store.Gone e) {
      // A real server answers an expired resourceVersion with an ERROR event (410) on the stream.
      w = null;
      sendGone(req, ex, e.getMessage());
      return;
    }
    try {
      if (HttpExchange.wantsWebSocket(req)) {
        WebSocketSession ws = ex.upgrade(req);
        Store.Watch watch = w;
        Thread writer =
            new Thread(
                () -> {
                  try {
                    pump(watch, t, table, bookmarks, deadline, ws::sendText, ws::closed);
                  } catch (IOException e) {
                    // peer gone
                  } finally {
                    ws.close();
                  }
                },
                "watch-ws-" + t.resource());
        writer.setDaemon(true);
        writer.start();
        ws.readUntilClosed();
        writer.interrupt();
      } else {
        HttpExchange.ChunkedStream out = ex.chunked(200, JSON);
        pump(
            w,
            t,
            table,
            bookmarks,
            deadline,
            text -> out.write((text + "\n").getBytes(StandardCharsets.UTF_8)),
            () -> false);
        out.end();
      }
    } finally {
      api.store().unwatch(w);
    }
  }

  private interface Sink {
    void send(String text) throws IOException;
  }

  private void pump(
      Store.Watch w,
      ResourceType t,
      boolean table,
      boolean bookmarks,
      long deadline,
      Sink sink,
      java.util.function.BooleanSupplier closed)
      throws IOException {
    long lastBookmark = System.nanoTime();
    while (!stopped && !closed.getAsBoolean() && System.nanoTime() < deadline) {
      WatchEvent e;
      try {
        e = w.queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        return;
      }
      if (e == null) {
        if (bookmarks && System.nanoTime() - lastBookmark > TimeUnit.SECONDS.toNanos(60)) {
          ObjectNode b = Json.object();
          b.put("type", "BOOKMARK");
          ObjectNode o = b.putObject("object");
          o.put("kind", t.kind());
          o.put("apiVersion", t.apiVersion());
          o.putObject("metadata")
              .put("resourceVersion", Long.toString(api.store().resourceVersion()));
          sink.send(Json.text(b));
          lastBookmark = System.nanoTime();
        }
        continue;
      }
      ObjectNode obj = stampCopy(t, e.object());
      ObjectNode ev = Json.object();
      ev.put("type", e.type());
      ev.set(
          "object",
          table ? Printers.table(t, List.of(obj), e.rv(), Instant.now(api.clock())) : obj);
      sink.send(Json.text(ev));
    }
  }

  private void sendGone(HttpRequest req, HttpExchange ex, String message) throws IOException {
    ObjectNode ev = Json.object();
    ev.put("type", "ERROR");
    ev.set("object", new ApiError(410, "Expired", message, null, null).status());
    if (HttpExchange.wantsWebSocket(req)) {
      WebSocketSession ws = ex.upgrade(req);
      ws.sendText(Json.text(ev));
      ws.close();
    } else {
      HttpExchange.ChunkedStream out = ex.chunked(200, JSON);
      out.write((Json.text(ev) + "\n").getBytes(StandardCharsets.UTF_8));
      out.end();
    }
  }

  private static ObjectNode stampCopy(ResourceType t, ObjectNode o) {
    ObjectNode out = Json.object();
    out.put("apiVersion", t.apiVersion());
    out.put("kind", t.kind());
    o.fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                out.set(e.getKey(), e.getValue());
              }
            });
    return out;
  }

  private void podLog(HttpRequest req, HttpExchange ex, ObjectNode pod) throws IOException {
    String container = req.param("container");
    if (container == null) {
      JsonNode cs = pod.path("spec").path("containers");
      if (cs.size() != 1) {
        throw ApiError.badRequest(
            "a container name must be specified for pod "
                + Json.at(pod, "metadata.name")
                + ", choose one of: "
                + names(cs));
      }
      container = cs.get(0).path("name").asText();
    }
    Optional<Path> file = logs.apply(pod, container);
    if (file.isEmpty() || !Files.exists(file.get())) {
      throw ApiError.badRequest(
          "container \""
              + container
              + "\" in pod \""
              + Json.at(pod, "metadata.name")
              + "\" is waiting to start: no log yet");
    }
    byte[] all = Files.readAllBytes(file.get());
    String tail = req.param("tailLines");
    if (tail != null) {
      String[] lines = new String(all, StandardCharsets.UTF_8).split("\n", -1);
      int n = Integer.parseInt(tail);
      int from = Math.max(0, lines.length - 1 - n);
      all =
          String.join("\n", Arrays.asList(lines).subList(from, lines.length))
              .getBytes(StandardCharsets.UTF_8);
    }
    if (!"true".equals(req.param("follow"))) {
      ex.respond(200, "text/plain", all);
      return;
    }
    HttpExchange.ChunkedStream out = ex.chunked(200, "text/plain");
    if (all.length > 0) {
      out.write(all);
    }
    long pos = Files.size(file.get());
    String ns = Json.at(pod, "metadata.namespace");
    String name = Json.at(pod, "metadata.name");
    while (!stopped && api.store().get("/pods", ns, name) != null) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        break;
      }
      long size = Files.size(file.get());
      if (size > pos) {
        try (var ch = Files.newByteChannel(file.get())) {
          ch.position(pos);
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (size - pos));
          ch.read(buf);
          out.write(buf.array());
        }
        pos = size;
      }
    }
    out.end();
  }

  private static String names(JsonNode containers) {
    List<String> n = new ArrayList<>();
    containers.forEach(c -> n.add(c.path("name").asText()));
    return String.join(" ", n);
  }

  private static long parseRv(String rv) {
    try {
      return Long.parseLong(rv);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("invalid resourceVersion " + rv);
    }
  }

  private static String propagation(HttpRequest req) {
    String p = req.param("propagationPolicy");
    if (p == null && req.body().length > 0) {
      JsonNode opts = Json.parse(req.body());
      p = opts.path("propagationPolicy").asText(null);
      if (p == null && opts.path("orphanDependents").asBoolean(false)) {
        p = "Orphan";
      }
    }
    return p == null ? "Background" : p;
  }

  private static JsonNode object(HttpRequest req) {
    JsonNode body = Json.parse(req.body());
    if (!body.isObject()) {
      throw ApiError.badRequest("the request body must be a JSON object");
    }
    return body;
  }

  private static boolean wantsTable(HttpRequest req) {
    String accept = req.header("accept");
    return accept != null && accept.contains("as=Table");
  }

  private static void ok(HttpExchange ex, JsonNode body) throws IOException {
    ex.respond(200, JSON, Json.bytes(body));
  }

  static void warn(String message, Throwable e) {
    LOG.log(Level.WARNING, message, e);
  }
}
