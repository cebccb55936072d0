package io.wattkeeper.agent.kube;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the API server is and how to prove who we are: an explicit URL (tests, {@code kubectl
 * proxy}), else the in-cluster service (KUBERNETES_SERVICE_HOST/PORT) with the pod's service
 * account token and CA bundle.
 *
 * @param server base URL, no trailing slash
 * @param tokenFile bearer token, re-read while the agent runs (kubelet rotates bound tokens)
 * @param caFile PEM bundle that signs the server's certificate (https only; else the JDK's)
 */
public record KubeEndpoint(URI server, Path tokenFile, Path caFile) {

  public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  /** The endpoint from configuration, or empty with the reason when none can be found. */
  public static Optional<KubeEndpoint> resolve(
      Optional<String> serverUrl, Path tokenFile, Path caFile, Map<String, String> env) {
    String url = serverUrl.filter(s -> !s.isBlank()).orElse(null);
    if (url == null) {
      String host = env.get("KUBERNETES_SERVICE_HOST");
      String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
      if (host == null || host.isBlank()) {
        return Optional.empty();
      }
      url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri = URI.create(url);
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("API server URL must be http(s): " + url);
    }
    return Optional.of(new KubeEndpoint(uri, tokenFile, caFile));
  }

  /** The websocket form of this endpoint (ws/wss) for a path with its query. */
  URI websocket(String pathAndQuery) {
    String scheme = "https".equals(server.getScheme()) ? "wss" : "ws";
    return URI.create(
        scheme + server.toString().substring(server.getScheme().length()) + pathAndQuery);
  }
}
