package io.wattkeeper.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.wattkeeper.agent.testing.MutableClock;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's API client against a real HTTPS server whose certificate (made by keytool) is the CA
 * bundle the client is given: TLS verification, the bearer token and its re-reading, and the errors
 * a caller sees.
 */
class KubeApiTest {
  @TempDir static Path dir;
  static HttpsServer server;
  static URI url;
  static final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    Path keystore = keypair("api");
    keypair("stranger");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.createContext(
        "/",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(auth == null ? "(none)" : auth);
          exchange.getRequestBody().readAllBytes();
          String path = exchange.getRequestURI().getPath();
          int code;
          String body;
          switch (path) {
            case "/ok" -> {
              code = 200;
              body = "{\"kind\":\"Thing\",\"n\":1}";
            }
            case "/unauthorized" -> {
              code = 401;
              body = "{\"kind\":\"Status\",\"message\":\"Unauthorized\"}";
            }
            case "/stall" -> {
              // Headers, then part of the body, then nothing: a connection dying mid-answer.
              exchange.sendResponseHeaders(200, 100);
              exchange.getResponseBody().write("{\"kind\":".getBytes(StandardCharsets.UTF_8));
              exchange.getResponseBody().flush();
              try {
                Thread.sleep(5_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              exchange.close();
              return;
            }
            case "/conflict" -> {
              code = 409;
              body = "{\"kind\":\"Status\",\"message\":\"the object has been modified\"}";
            }
            default -> {
              code = 500;
              body = "boom";
            }
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(code, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
    url = URI.create("https://localhost:" + server.getAddress().getPort());
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
  }

  /** A self-signed certificate for localhost, exported as PEM next to its keystore. */
  static Path keypair(String name) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = dir.resolve(name + ".p12");
    run(
        keytool.toString(),
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
    run(
        keytool.toString(),
        "-exportcert",
        "-rfc",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        "changeit",
        "-file",
        dir.resolve(name + ".pem").toString());
    return store;
  }

  static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
  }

  KubeApi client(Path ca, Path token, MutableClock clock) {
    return new KubeApi(new KubeEndpoint(url, token, ca), clock);
  }

  @Test
  void verifiesTheServerAgainstTheCaBundleAndSendsTheToken() throws IOException {
    Path token = Files.writeString(dir.resolve("token-1"), "secret-1\n");
    try (KubeApi api =
        client(
            dir.resolve("api.pem"),
            token,
            new MutableClock(Instant.parse("2026-11-29T00:00:00Z")))) {
      assertThat(api.get("/ok").get("n")).isEqualTo(1L);
      assertThat(api.post("/ok", Map.of("a", 1)).get("kind")).isEqualTo("Thing");
      assertThat(authorizations).last().isEqualTo("Bearer secret-1");
    }
  }

  @Test
  void rereadsARotatedTokenAfterAMinute() throws IOException {
    Path token = Files.writeString(dir.resolve("token-2"), "old");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
    try (KubeApi api = client(dir.resolve("api.pem"), token, clock)) {
      api.get("/ok");
      Files.writeString(token, "new");
      api.get("/ok");
      assertThat(authorizations).last().isEqualTo("Bearer old"); // cached for a minute
      clock.advance(Duration.ofSeconds(61));
      api.get("/ok");
      assertThat(authorizations).last().isEqualTo("Bearer new");
    }
  }

  @Test
  void noTokenFileMeansNoAuthorizationHeader() {
    try (KubeApi api =
        client(
            dir.resolve("api.pem"),
            dir.resolve("absent-token"),
            new MutableClock(Instant.parse("2026-11-29T00:00:00Z")))) {
      api.get("/ok");
      assertThat(authorizations).last().isEqualTo("(none)");
    }
  }

  @Test
  void aServerSignedByAnotherCaIsRefused() {
    try (KubeApi api =
        client(
            dir.resolve("stranger.pem"),
            dir.resolve("absent-token"),
            new MutableClock(Instant.parse("2026-11-29T00:00:00Z")))) {
      int before = authorizations.size();
      assertThatThrownBy(() -> api.get("/ok"))
          .isInstanceOf(KubeApiException.class)
          .hasMessageContaining("GET /ok")
          .satisfies(e -> assertThat(((KubeApiException) e).code()).isZero());
      assertThat(authorizations).hasSize(before); // nothing reached the handler
    }
  }

  @Test
  void errorsCarryTheCodeAndTheStatusMessage() {
    try (KubeApi api =
        client(
            dir.resolve("api.pem"),
            dir.resolve("absent-token"),
            new MutableClock(Instant.parse("2026-11-29T00:00:00Z")))) {
      assertThatThrownBy(() -> api.put("/conflict", Map.of()))
          .isInstanceOf(KubeApiException.class)
          .hasMessage("PUT /conflict: 409 the object has been modified")
          .satisfies(e -> assertThat(((KubeApiException) e).code()).isEqualTo(409));
      assertThatThrownBy(() -> api.get("/other"))
          .hasMessage("GET /other: 500 boom")
          .satisfies(e -> assertThat(((KubeApiException) e).code()).isEqualTo(500));
    }
  }

  @Test
  void a401MakesTheNextCallReadTheTokenAgain() throws IOException {
    Path token = Files.writeString(dir.resolve("token-3"), "revoked");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
    try (KubeApi api = client(dir.resolve("api.pem"), token, clock)) {
      assertThatThrownBy(() -> api.get("/unauthorized"))
          .satisfies(e -> assertThat(((KubeApiException) e).code()).isEqualTo(401));
      Files.writeString(token, "fresh");
      api.get("/ok"); // no minute has passed: only the 401 explains a re-read
      assertThat(authorizations).last().isEqualTo("Bearer fresh");
    }
  }

  @Test
  void anAnswerThatStopsMidBodyEndsAtTheDeadline() {
    try (KubeApi api =
        new KubeApi(
            new KubeEndpoint(url, dir.resolve("absent-token"), dir.resolve("api.pem")),
            new MutableClock(Instant.parse("2026-11-29T00:00:00Z")),
            Duration.ofSeconds(1))) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> api.get("/stall"))
          .isInstanceOf(KubeApiException.class)
          .hasMessageContaining("no complete answer in PT1S");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void theTokenGoesOnlyOverHttpsOrToThisMachine() {
    Path token = dir.resolve("absent-token");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
    for (var expected :
        Map.of(
                "https://10.96.0.1:443", true,
                "http://127.0.0.1:8001", true,
                "http://localhost:8001", true,
                "http://10.0.0.7:8080", false,
                "http://api.example.com", false)
            .entrySet()) {
      try (KubeApi api =
          new KubeApi(new KubeEndpoint(URI.create(expected.getKey()), token, token), clock)) {
        assertThat(api.sendsToken()).as(expected.getKey()).isEqualTo(expected.getValue());
      }
    }
  }
}
