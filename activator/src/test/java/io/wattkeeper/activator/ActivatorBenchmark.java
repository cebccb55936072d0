package io.wattkeeper.activator;

import static io.wattkeeper.activator.Harness.NS;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test (docs/benchmarks.md, "Activator"): run with
 *
 * <pre>
 * ./mvnw -q -o -pl activator -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp "crds/target/classes:activator/target/classes:activator/target/test-classes:$(cat activator/target/bench.cp)" \
 *   io.wattkeeper.activator.ActivatorBenchmark [coldRuns] [heldConnections]
 * </pre>
 *
 * <p>1. Added cold-start latency: the time from the Ready EndpointSlice being written to the API
 * until the held client has its whole response, over {@code coldRuns} wakes (each a new workload).
 * 2. Memory per held connection: heap (after GC) and RSS of this JVM before and after {@code
 * heldConnections} connections, opened by a separate process so the clients' sockets do not count.
 */
public final class ActivatorBenchmark {

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int held = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    KubernetesClient client = server.createClient();
    Harness h = new Harness(client);
    KubernetesClient own = server.createClient();
    Activator a =
        h.activator(
            own,
            Harness.config().withMaxPending(held + 100).withWakeTimeout(Duration.ofMinutes(30)));
    try {
      if (runs > 0) {
        cold(h, a, runs);
      }
      if (held > 0) {
        memory(h, a, held);
      }
    } finally {
      h.close();
      own.close();
      client.close();
      server.destroy();
    }
  }

  static void cold(Harness h, Activator a, int runs) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Double> added = new ArrayList<>();
    List<Double> coldStart = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    int warmup = 5;
    for (int i = -warmup; i < runs; i++) {
      String name = "m" + (i + warmup);
      int port = Harness.freePort();
      int backend = Harness.freePort();
      h.sleepingDeployment(name, Map.of());
      h.activatorSlice(name, "http", port, name);
      h.awaitListening(a, port);
      AtomicLong readyWritten = new AtomicLong();
      HttpServer[] started = new HttpServer[1];
      h.onWake(
          name,
          by -> {
            try {
              Thread.sleep(200); // the model's own start-up, not counted
              HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", backend), 0);
              s.createContext(
                  "/",
                  x -> {
                    byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
                    x.sendResponseHeaders(200, b.length);
                    try (OutputStream o = x.getResponseBody()) {
                      o.write(b);
                    }
                  });
              s.start();
              started[0] = s;
              readyWritten.set(System.nanoTime());
              h.readyEndpoint(name, "http", backend);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      long done = System.nanoTime();
      if (r.statusCode() != 200) {
        throw new IllegalStateException("run " + i + ": " + r.statusCode() + " " + r.body());
      }
      // Counted from just before the Ready slice is written: the API's write and watch
      // delivery (which kube-proxy waits for too) are included, so this over-states our share.
      // The same request straight to the backend on a new connection: its own latency.
      long d0 = System.nanoTime();
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .build()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend + "/"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      double directMs = (System.nanoTime() - d0) / 1e6;
      if (i >= 0) {
        direct.add(directMs);
        added.add((done - readyWritten.get()) / 1e6);
        ours.add((done - a.lastEndpointChangeNanos) / 1e6);
        coldStart.add((done - t0) / 1e6);
      }
      started[0].stop(0);
    }
    Collections.sort(added);
    Collections.sort(coldStart);
    Collections.sort(ours);
    Collections.sort(direct);
    System.out.printf(
        "cold requests: %d; added latency after the Ready EndpointSlice write (ms): p50 %.1f p90 %.1f"
            + " p99 %.1f max %.1f; of which after the activator saw the endpoint (ms): p50 %.1f p90 %.1f"
            + " p99 %.1f max %.1f; direct request to the backend on a new connection (ms): p50 %.1f"
            + " p99 %.1f; whole cold request (ms, 200 ms start-up included): p50 %.1f p99 %.1f%n",
        runs,
        pct(added, 50),
        pct(added, 90),
        pct(added, 99),
        added.get(added.size() - 1),
        pct(ours, 50),
        pct(ours, 90),
        pct(ours, 99),
        ours.get(ours.size() - 1),
        pct(direct, 50),
        pct(direct, 99),
        pct(coldStart, 50),
        pct(coldStart, 99));
  }

  static void memory(Harness h, Activator a, int n) throws Exception {
    int port = Harness.freePort();
    h.sleepingDeployment("held", Map.of());
    h.activatorSlice("held", "http", port, "held");
    h.awaitListening(a, port);
    // Warm the path once (classes loaded, wake asked) before the baseline.
    WorkloadRef w = new WorkloadRef(NS, "Deployment", "held");
    Process warm = clients(port, 1);
    await(() -> a.metrics().held(w) == 1);
    warm.destroy();
    warm.waitFor();
    Thread.sleep(500);
    long heap0 = heapAfterGc();
    long rss0 = rss();
    int threads0 = Thread.activeCount();
    Process p = clients(port, n);
    await(() -> a.metrics().held(w) >= n);
    long heap1 = heapAfterGc();
    long rss1 = rss();
    int threads1 = Thread.activeCount();
    System.out.printf(
        "held connections: %d (activator's count %d); heap after GC +%.2f MiB (%.0f bytes each);"
            + " RSS +%.2f MiB (%.0f bytes each); threads %d -> %d%n",
        n,
        a.metrics().held(w),
        (heap1 - heap0) / 1048576.0,
        (heap1 - heap0) / (double) n,
        (rss1 - rss0) / 1048576.0,
        (rss1 - rss0) / (double) n,
        threads0,
        threads1);
    p.destroy();
    p.waitFor();
  }

  static Process clients(int port, int n) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            HoldClients.class.getName(),
            Integer.toString(port),
            Integer.toString(n))
        .inheritIO()
        .start();
  }

  static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("timed out");
      }
      Thread.sleep(20);
    }
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long rss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  static double pct(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /** The client process: opens n connections, each sending a request, and keeps them open. */
  public static final class HoldClients {
    public static void main(String[] args) throws Exception {
      int port = Integer.parseInt(args[0]);
      int n = Integer.parseInt(args[1]);
      List<java.net.Socket> open = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", port);
        s.getOutputStream().write(Client.httpGet("/" + i).getBytes(StandardCharsets.ISO_8859_1));
        open.add(s);
      }
      new CompletableFuture<Void>().get();
    }
  }
}
