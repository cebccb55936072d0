package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The embedded API server: {@link Api} behind {@link ApiHandler} on a loopback port. */
public final class ApiServer implements AutoCloseable {
  /** The generated CRDs bundled in the sandbox jar (copied from crds/ at build time). */
  public static final List<String> BUNDLED_CRDS =
      List.of(
          "crds/energybudgets.wattkeeper.io-v1.yml", "crds/nodeenergyreports.wattkeeper.io-v1.yml");

  private final Api api;
  private final ApiHandler handler;
  private final HttpServer http;

  public ApiServer(int port, Clock clock) throws IOException {
    this.api = new Api(new Registry(), clock, new Admission());
    this.handler = new ApiHandler(api);
    this.http = new HttpServer(InetAddress.getLoopbackAddress(), port, handler);
    handler.serverAddress("127.0.0.1:" + http.port());
  }

  public Api api() {
    return api;
  }

  public ApiHandler handler() {
    return handler;
  }

  public int port() {
    return http.port();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Creates the project's CRDs from the jar, as {@code kubectl apply -f crds/} would. */
  public void installBundledCrds() {
    ResourceType crd = api.type("apiextensions.k8s.io", "customresourcedefinitions");
    for (String r : BUNDLED_CRDS) {
      try (InputStream in = ApiServer.class.getClassLoader().getResourceAsStream(r)) {
        if (in == null) {
          throw new IllegalStateException(r + " is not in the sandbox jar");
        }
        JsonNode doc = Json.YAML.readTree(in);
        api.create(crd, null, (ObjectNode) doc);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Writes a kubeconfig for this server (plain http on loopback, no credentials). */
  public void writeKubeconfig(Path file, String namespace) throws IOException {
    String text =
        "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: wattkeeper-sandbox\n"
            + "  cluster:\n"
            + "    server: "
            + url()
            + "\n"
            + "contexts:\n"
            + "- name: wattkeeper-sandbox\n"
            + "  context:\n"
            + "    cluster: wattkeeper-sandbox\n"
            + "    user: sandbox-user\n"
            + "    namespace: "
            + namespace
            + "\n"
            + "current-context: wattkeeper-sandbox\n"
            + "users:\n"
            + "- name: sandbox-user\n"
            + "  user: {}\n";
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    handler.stop();
    http.close();
  }
}
