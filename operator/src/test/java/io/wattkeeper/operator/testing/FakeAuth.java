package io.wattkeeper.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * TokenReview and SubjectAccessReview answered by the mock API server the way a real one would for
 * a few known tokens and RBAC grants; the operator's own client code sends the reviews. Installed
 * once per mock server (expectations persist).
 */
public final class FakeAuth {

  /** May read usage cluster-wide (a Prometheus service account). */
  public static final String CLUSTER_READER = "token-prometheus";

  /** May read energy budgets in namespace {@code flow} and {@code access-a} only. */
  public static final String TEAM_READER = "token-alice";

  /** Authenticated, but no RBAC grant at all. */
  public static final String NOBODY = "token-bob";

  /** The API server answers 500 for this token's review. */
  public static final String BROKEN = "token-broken";

  private static final Map<String, String> USERS =
      Map.of(
          CLUSTER_READER, "system:serviceaccount:monitoring:prometheus",
          TEAM_READER, "alice",
          NOBODY, "bob");

  /** user -> namespaces with get energybudgets ("*": cluster-wide). */
  private static final Map<String, Set<String>> GRANTS =
      Map.of(
          "system:serviceaccount:monitoring:prometheus", Set.of("*"),
          "alice", Set.of("flow", "access-a"));

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every SubjectAccessReview spec the operator sent, in order. */
  public static final List<JsonNode> SAR_SPECS = new CopyOnWriteArrayList<>();

  private static KubernetesMockServer installedOn;

  private FakeAuth() {}

  public static synchronized void install(KubernetesServer server) {
    KubernetesMockServer mock = server.getKubernetesMockServer();
    if (installedOn == mock) {
      return;
    }
    installedOn = mock;
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(new Answer(FakeAuth::tokenReview))
        .always();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        .andReply(new Answer(FakeAuth::subjectAccessReview))
        .always();
  }

  /** A TokenReview answered as kube-apiserver does: the review echoed with a status. */
  private static Reply tokenReview(JsonNode in) {
    String token = in.at("/spec/token").asText();
    if (token.equals(BROKEN)) {
      return new Reply(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"etcd down\"}");
    }
    ObjectNode out = ((ObjectNode) in).deepCopy();
    ObjectNode status = out.putObject("status");
    String user = USERS.get(token);
    status.put("authenticated", user != null);
    if (user != null) {
      status.putObject("user").put("username", user).putArray("groups").add("system:authenticated");
    } else {
      status.put("error", "invalid bearer token");
    }
    return new Reply(201, out.toString());
  }

  private static Reply subjectAccessReview(JsonNode in) {
    SAR_SPECS.add(in.get("spec"));
    String user = in.at("/spec/user").asText();
    JsonNode attrs = in.at("/spec/resourceAttributes");
    boolean rightResource =
        attrs.path("group").asText().equals("wattkeeper.io")
            && attrs.path("resource").asText().equals("energybudgets")
            && attrs.path("verb").asText().equals("get");
    Set<String> namespaces = GRANTS.getOrDefault(user, Set.of());
    String ns = attrs.path("namespace").asText("");
    boolean allowed =
        rightResource && (namespaces.contains("*") || (!ns.isEmpty() && namespaces.contains(ns)));
    ObjectNode out = ((ObjectNode) in).deepCopy();
    out.putObject("status").put("allowed", allowed);
    return new Reply(201, out.toString());
  }

  private record Reply(int status, String body) {}

  /** The mock's reply hook: status and body computed from the request. */
  private static final class Answer implements ResponseProvider<Object> {
    private final Function<JsonNode, Reply> handler;
    private final ThreadLocal<Reply> last = new ThreadLocal<>();
    private Headers headers = Headers.builder().build();

    Answer(Function<JsonNode, Reply> handler) {
      this.handler = handler;
    }

    private Reply reply(RecordedRequest r) {
      Reply cached = last.get();
      if (cached == null) {
        cached = handler.apply(read(r.getUtf8Body()));
        last.set(cached);
      }
      return cached;
    }

    @Override
    public int getStatusCode(RecordedRequest r) {
      return reply(r).status();
    }

    @Override
    public Object getBody(RecordedRequest r) {
      Reply reply = reply(r);
      last.remove();
      return reply.body();
    }

    @Override
    public Headers getHeaders() {
      return headers;
    }

    @Override
    public void setHeaders(Headers headers) {
      this.headers = headers;
    }
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
