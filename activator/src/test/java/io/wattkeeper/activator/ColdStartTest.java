package io.wattkeeper.activator;

import static io.wattkeeper.activator.Harness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cold path over real loopback sockets: the backend starts listening only after the activator
 * asked for the wake, and the client that connected while the workload slept gets its answer.
 */
@EnableKubernetesMockClient(crud = true)
class ColdStartTest {

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

  @Test
  void httpRequestWhileAsleepGetsTheFullResponseAfterTheWake() throws Exception {
    int port = Harness.freePort();
    int backend = Harness.freePort();
    h.sleepingDeployment("inference", Map.of());
    h.activatorSlice("inference", "http", port, "inference");
    Activator a = h.activator(Harness.config());
    h.awaitListening(a, port);
    AtomicLong listeningAt = new AtomicLong();
    h.onWake(
        "inference",
        by -> {
          try {
            Thread.sleep(300); // the model's start-up
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", backend), 0);
            s.createContext(
                "/",
                x -> {
                  byte[] b =
                      ("model says hi to " + x.getRequestURI()).getBytes(StandardCharsets.UTF_8);
                  x.sendResponseHeaders(200, b.length);
                  try (OutputStream o = x.getResponseBody()) {
                    o.write(b);
                  }
                });
            s.start();
            h.closeLater(() -> s.stop(0));
            listeningAt.set(System.nanoTime());
            h.readyEndpoint("inference", "http", backend);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    HttpResponse<String> r =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("model says hi to /v1/models");
    assertThat(h.wakeValue("inference")).isEqualTo("activator/r1");
    WorkloadRef w = new WorkloadRef(NS, "Deployment", "inference");
    assertThat(a.metrics().wakes(w)).isEqualTo(1);
    assertThat(a.metrics().held(w)).isZero();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(h.eventReasons()).contains("Waking", "Woken"));
    assertThat(h.eventMessages("Waking"))
        .singleElement()
        .asString()
        .startsWith("1 client connection(s) waiting");
    assertThat(h.eventMessages("Woken")).singleElement().asString().contains("cold start");
    assertThat(a.metrics().render())
        .contains(
            "wattkeeper_activator_cold_start_seconds_count{namespace=\"default\",workload=\"deployment/inference\"} 1",
            "wattkeeper_activator_wakes_total{namespace=\"default\",workload=\"deployment/inference\"} 1");
  }

  @Test
  void streamingResponseFlowsChunkByChunk() throws Exception {
    int port = Harness.freePort();
    int backend = Harness.freePort();
    h.sleepingDeployment("llm", Map.of());
    h.activatorSlice("llm", "http", port, "llm");
    Activator a = h.activator(Harness.config());
    h.awaitListening(a, port);
    CountDownLatch clientGotFirst = new CountDownLatch(1);
    h.onWake(
        "llm",
        by -> {
          try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", backend), 0);
            s.createContext(
                "/",
                x -> {
                  x.sendResponseHeaders(200, 0); // chunked
                  try (OutputStream o = x.getResponseBody()) {
                    o.write("token 1\n".getBytes(StandardCharsets.UTF_8));
                    o.flush();
                    // The next tokens only after the client saw the first: proves streaming.
                    if (!clientGotFirst.await(10, TimeUnit.SECONDS)) {
                      o.write("client never saw token 1\n".getBytes(StandardCharsets.UTF_8));
                    }
                    for (int i = 2; i <= 5; i++) {
                      o.write(("token " + i + "\n").getBytes(StandardCharsets.UTF_8));
                      o.flush();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
            s.start();
            h.closeLater(() -> s.stop(0));
            h.readyEndpoint("llm", "http", backend);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    HttpResponse<InputStream> r =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/generate"))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).isEqualTo("token 1");
      clientGotFirst.countDown();
      assertThat(in.lines().collect(Collectors.toList()))
          .containsExactly("token 2", "token 3", "token 4", "token 5");
    }
  }

  @Test
  void grpcCallOverHttp2() throws Exception {
    int port = Harness.freePort();
    int backend = Harness.freePort();
    h.sleepingDeployment("embedder", Map.of());
    h.activatorSlice("embedder", "grpc", port, "embedder");
    Activator a = h.activator(Harness.config());
    h.awaitListening(a, port);
    MethodDescriptor<String, String> unary = method("Embed", MethodDescriptor.MethodType.UNARY);
    MethodDescriptor<String, String> stream =
        method("Tokens", MethodDescriptor.MethodType.SERVER_STREAMING);
    h.onWake(
        "embedder",
        by -> {
          try {
            Server s =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", backend))
                    .addService(
                        ServerServiceDefinition.builder("test.Embedder")
                            .addMethod(
                                unary,
                                ServerCalls.asyncUnaryCall(
                                    (req, out) -> {
                                      out.onNext("embedded:" + req);
                                      out.onCompleted();
                                    }))
                            .addMethod(
                                stream,
                                ServerCalls.asyncServerStreamingCall(
                                    (req, out) -> {
                                      for (int i = 1; i <= 3; i++) {
                                        out.onNext(req + i);
                                      }
                                      out.onCompleted();
                                    }))
                            .build())
                    .build()
                    .start();
            h.closeLater(() -> s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
            h.readyEndpoint("embedder", "grpc", backend);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      String answer =
          ClientCalls.blockingUnaryCall(
              ch, unary, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "hello");
      assertThat(answer).isEqualTo("embedded:hello");
      Iterator<String> tokens =
          ClientCalls.blockingServerStreamingCall(
              ch, stream, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "t");
      List<String> got = new java.util.ArrayList<>();
      tokens.forEachRemaining(got::add);
      assertThat(got).containsExactly("t1", "t2", "t3");
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(a.metrics().wakes(new WorkloadRef(NS, "Deployment", "embedder"))).isEqualTo(1);
  }

  static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
    MethodDescriptor.Marshaller<String> utf8 =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
          }

          @Override
          public String parse(InputStream in) {
            try {
              return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Embedder", name))
        .setRequestMarshaller(utf8)
        .setResponseMarshaller(utf8)
        .build();
  }
}
