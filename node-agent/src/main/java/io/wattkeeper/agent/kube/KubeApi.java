package io.wattkeeper.agent.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.wattkeeper.agent.json.Json;
import io.wattkeeper.agent.time.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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
  private final Duration requestTimeout;
  private final Clock clock;
  private final ExecutorService executor;
  private final HttpClient http;
  private final boolean sendsToken;
  private String token;
  private Instant tokenReadAt;

  public KubeApi(KubeEndpoint endpoint, Clock clock) {
    this(endpoint, clock, REQUEST_TIMEOUT);
  }

  KubeApi(KubeEndpoint endpoint, Clock clock, Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.endpoint = endpoint;
    this.clock = clock;
    this.executor = Executors.newSingleThreadExecutor(DaemonThreads.named("kube-api"));
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .executor(executor);
    if ("https".equals(endpoint.server().getScheme()) && Files.isReadable(endpoint.caFile())) {
      builder.sslContext(trusting(endpoint));
    }
    this.http = builder.build();
    String host = endpoint.server().getHost();
    this.sendsToken =
        "https".equals(endpoint.server().getScheme())
            || "localhost".equals(host)
            || host.startsWith("127.")
            || "[::1]".equals(host);
  }

  /** Whether the bearer token goes with requests (https, or plain http to this machine only). */
  boolean sendsToken() {
    return sendsToken;
  }

  public KubeEndpoint endpoint() {
    return endpoint;
  }

  /** GETs a JSON object (as a map: see {@link Json}). */
  public Map<String, Object> get(String path) {
    return exchange("GET", path, null);
  }

  /** POSTs {@code body} (maps, lists, beans, records: see {@link Json}) and returns the answer. */
  public Map<String, Object> post(String path, Object body) {
    return exchange("POST", path, body);
  }

  public Map<String, Object> put(String path, Object body) {
    return exchange("PUT", path, body);
  }

  private Map<String, Object> exchange(String method, String path, Object body) {
    byte[] answer = send(method, path, body);
    try {
      Object parsed = Json.parse(answer);
      if (!(parsed instanceof Map<?, ?>)) {
        throw new KubeApiException(0, method + " " + path + ": not a JSON object");
      }
      return Json.object(parsed);
    } catch (IOException e) {
      throw new KubeApiException(method + " " + path + ": " + e, e);
    }
  }

  /** One call: the body of a 2xx answer; anything else is a {@link KubeApiException}. */
  private byte[] send(String method, String path, Object body) {
    HttpRequest.Builder request =
        authorized(HttpRequest.newBuilder(URI.create(endpoint.server() + path)))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
    }
    HttpResponse<byte[]> response = within(request.build(), method + " " + path);
    int code = response.statusCode();
    if (code == 401) {
      forgetToken(); // rotated or revoked: read the file again on the next call
    }
    if (code / 100 != 2) {
      throw new KubeApiException(
          code, method + " " + path + ": " + code + " " + statusMessage(response.body()));
    }
    return response.body();
  }

  /**
   * Sends and reads the whole body within {@link #REQUEST_TIMEOUT}: the client's own timeout ends
   * with the response headers, and a connection that dies mid-body would hang a reader forever.
   */
  private HttpResponse<byte[]> within(HttpRequest request, String what) {
    CompletableFuture<HttpResponse<byte[]>> response =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    try {
      return response.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new KubeApiException(what + ": no complete answer in " + requestTimeout, e);
    } catch (ExecutionException e) {
      throw new KubeApiException(what + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new KubeApiException(what + ": interrupted", e);
    }
  }

  /** What a list call returned besides its items. */
  public record ListMeta(String resourceVersion, String continueToken) {}

  /**
   * GETs a list and hands each item to {@code onItem} one at a time, parsing the body as a stream:
   * a page of full pod objects as one JSON tree would cost the agent tens of megabytes.
   */
  public ListMeta list(String path, Consumer<Map<String, Object>> onItem) {
    byte[] answer = send("GET", path, null);
    String version = null;
    String cont = null;
    try (JsonParser parser = Json.parser(answer)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new KubeApiException(0, "GET " + path + ": not a list");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("items") && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            onItem.accept(Json.object(Json.read(parser)));
          }
        } else if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
          Object meta = Json.read(parser);
          version = Json.string(Json.at(meta, "resourceVersion"));
          String c = Json.string(Json.at(meta, "continue"));
          cont = c == null || c.isEmpty() ? null : c;
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new KubeApiException("GET " + path + ": unreadable list: " + e.getMessage(), e);
    }
    return new ListMeta(version, cont);
  }

  /** The message of a Kubernetes Status body, else the body's start. */
  private String statusMessage(byte[] body) {
    try {
      String message = Json.string(Json.at(Json.parse(body), "message"));
      if (message != null) {
        return message;
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
  public Watch watch(String pathAndQuery, Predicate<Map<String, Object>> onEvent) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    // API servers (golang.org/x/net websocket) refuse a handshake without Origin: 403.
    WebSocket.Builder builder =
        http.newWebSocketBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .header("Origin", endpoint.server().toString());
    String bearer = bearer();
    if (bearer != null) {
      builder.header("Authorization", bearer);
    }
    try {
      WebSocket socket =
          builder
              .buildAsync(endpoint.websocket(pathAndQuery), new EventListener(onEvent, ended))
              .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Watch(socket, ended);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        int code = refused.getResponse().statusCode();
        if (code == 401) {
          forgetToken();
        }
        throw new KubeApiException(code, "watch " + pathAndQuery + ": " + code + " refused");
      }
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
    private final Predicate<Map<String, Object>> onEvent;
    private final CompletableFuture<Void> ended;
    private final StringBuilder text = new StringBuilder();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    EventListener(Predicate<Map<String, Object>> onEvent, CompletableFuture<Void> ended) {
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
        if (!onEvent.test(Json.object(Json.parse(message)))) {
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

  private synchronized void forgetToken() {
    tokenReadAt = null;
  }

  /**
   * "Bearer <token>" from the token file, re-read once a minute; null without a token file, and
   * never over plain http except to this machine (kubectl proxy): a token must not travel in clear.
   */
  private synchronized String bearer() {
    if (!sendsToken) {
      return null;
    }
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
