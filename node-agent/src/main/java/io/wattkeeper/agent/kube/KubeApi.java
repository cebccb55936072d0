package io.wattkeeper.agent.kube;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The few API calls the agent makes, over the JDK's HTTP client: JSON in and out, a bearer token
 * re-read every minute, the cluster CA, and watches over a websocket (as the Fabric8 client does).
 * The agent used the Fabric8 client before; this costs about 2,000 fewer loaded classes, which is
 * most of the difference between 126 MB and the 100 MiB memory target.
 */
public final class KubeApi implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final Duration TOKEN_TTL = Duration.ofMinutes(1);

  private final KubeEndpoint endpoint;
  private final Clock clock;
  private final ExecutorService executor;
  private final HttpClient http;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private String token;
  private Instant tokenReadAt;

  public KubeApi(KubeEndpoint endpoint, Clock clock) {
    this.endpoint = endpoint;
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kube-api");
              t.setDaemon(true);
              return t;
            });
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .executor(executor);
    if ("https".equals(endpoint.server().getScheme()) && Files.isReadable(endpoint.caFile())) {
      builder.sslContext(trusting(endpoint));
    }
    this.http = builder.build();
  }

  public ObjectMapper json() {
    return json;
  }

  public KubeEndpoint endpoint() {
    return endpoint;
  }

  public JsonNode get(String path) {
    return exchange("GET", path, null);
  }

  public JsonNode post(String path, Object body) {
    return exchange("POST", path, body);
  }

  public JsonNode put(String path, Object body) {
    return exchange("PUT", path, body);
  }

  private JsonNode exchange(String method, String path, Object body) {
    HttpRequest.Builder request =
        authorized(HttpRequest.newBuilder(URI.create(endpoint.server() + path)))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json");
    try {
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
      }
      HttpResponse<InputStream> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        int code = response.statusCode();
        if (code / 100 != 2) {
          throw new KubeApiException(
              code, method + " " + path + ": " + code + " " + statusMessage(in.readAllBytes()));
        }
        return json.readTree(in);
      }
    } catch (IOException e) {
      throw new KubeApiException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeApiException(method + " " + path + ": interrupted", e);
    }
  }

  /** The message of a Kubernetes Status body, else the body's start. */
  private String statusMessage(byte[] body) {
    try {
      JsonNode status = json.readTree(body);
      if (status != null && status.hasNonNull("message")) {
        return status.get("message").asText();
      }
    } catch (IOException e) {
      // not JSON: show the text itself
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /**
   * Opens a watch; each event object goes to {@code onEvent} on the client's thread, which returns
   * false to end the stream; the returned future completes (normally or with the error) when the
   * stream ends, whoever ends it.
   */
  public Watch watch(String pathAndQuery, Predicate<JsonNode> onEvent) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
    String bearer = bearer();
    if (bearer != null) {
      builder.header("Authorization", bearer);
    }
    try {
      WebSocket socket =
          builder
              .buildAsync(endpoint.websocket(pathAndQuery), new EventListener(onEvent, ended))
              .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new Watch(socket, ended);
    } catch (ExecutionException e) {
      throw new KubeApiException("watch " + pathAndQuery + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new KubeApiException("watch " + pathAndQuery + ": no answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeApiException("watch " + pathAndQuery + ": interrupted", e);
    }
  }

  /** An open watch stream. */
  public record Watch(WebSocket socket, CompletableFuture<Void> ended) {
    public void abort() {
      socket.abort();
      ended.complete(null);
    }
  }

  /** Joins fragmented frames into one event object each; one message at a time. */
  private final class EventListener implements WebSocket.Listener {
    private final Predicate<JsonNode> onEvent;
    private final CompletableFuture<Void> ended;
    private final StringBuilder text = new StringBuilder();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    EventListener(Predicate<JsonNode> onEvent, CompletableFuture<Void> ended) {
      this.onEvent = onEvent;
      this.ended = ended;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        deliver(socket, message.getBytes(StandardCharsets.UTF_8));
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      bytes.writeBytes(chunk);
      if (last) {
        byte[] message = bytes.toByteArray();
        bytes.reset();
        deliver(socket, message);
      }
      socket.request(1);
      return null;
    }

    private void deliver(WebSocket socket, byte[] message) {
      try {
        if (!onEvent.test(json.readTree(message))) {
          socket.abort();
          ended.complete(null);
        }
      } catch (IOException | RuntimeException e) {
        // A stream we cannot follow must not go on silently: end it; the caller lists again.
        socket.abort();
        ended.completeExceptionally(new KubeApiException("bad watch event: " + e, e));
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      ended.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      ended.completeExceptionally(error);
    }
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    String bearer = bearer();
    return bearer == null ? request : request.header("Authorization", bearer);
  }

  /** "Bearer <token>" from the token file, re-read once a minute; null without a token file. */
  private synchronized String bearer() {
    Instant now = clock.instant();
    if (tokenReadAt == null || !now.isBefore(tokenReadAt.plus(TOKEN_TTL))) {
      try {
        String read = Files.readString(endpoint.tokenFile()).strip();
        token = read.isEmpty() ? null : read;
      } catch (NoSuchFileException e) {
        token = null; // kubectl proxy or a test server: no token
      } catch (IOException e) {
        throw new KubeApiException("cannot read token " + endpoint.tokenFile() + ": " + e, e);
      }
      tokenReadAt = now;
    }
    return token == null ? null : "Bearer " + token;
  }

  private static SSLContext trusting(KubeEndpoint endpoint) {
    try (InputStream in = Files.newInputStream(endpoint.caFile())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      if (i == 0) {
        throw new IllegalStateException("no certificate in " + endpoint.caFile());
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, trust.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot use CA bundle " + endpoint.caFile() + ": " + e, e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
