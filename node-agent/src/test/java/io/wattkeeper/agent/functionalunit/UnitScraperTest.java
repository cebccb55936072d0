package io.wattkeeper.agent.functionalunit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scraper against a real HTTP server on the loopback interface, serving scripted counters. */
class UnitScraperTest {
  static final String HOST = "127.0.0.1";
  HttpServer server;
  int port;
  final AtomicReference<String> body = new AtomicReference<>("");
  volatile long delayMs;
  volatile boolean chunked;
  volatile int status = 200;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        ex -> {
          try {
            Thread.sleep(delayMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          ex.sendResponseHeaders(status, chunked ? 0 : b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          } catch (IOException ignored) {
            // the client gave up (oversize, timeout): that is the point of the test
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  static String vllm(long requests, long prompt, long generated, double startTime) {
    return "# HELP vllm:request_success_total Count of successfully processed requests.\n"
        + "# TYPE vllm:request_success_total counter\n"
        + "vllm:request_success_total{finished_reason=\"stop\",model_name=\"m\"} "
        + (requests - 1)
        + ".0\n"
        + "vllm:request_success_total{finished_reason=\"length\",model_name=\"m\"} 1.0\n"
        + "# TYPE vllm:prompt_tokens_total counter\n"
        + "vllm:prompt_tokens_total{model_name=\"m\"} "
        + prompt
        + ".0\n"
        + "# TYPE vllm:generation_tokens_total counter\n"
        + "vllm:generation_tokens_total{model_name=\"m\"} "
        + generated
        + ".0\n"
        + "# TYPE process_start_time_seconds gauge\n"
        + "process_start_time_seconds "
        + startTime
        + "\n";
  }

  ScrapeTarget vllmTarget() {
    return ScrapeTarget.of(
        Map.of(ScrapeTarget.PROFILE, "vllm", ScrapeTarget.PORT, String.valueOf(port)));
  }

  UnitReader reader(Duration timeout, int maxBytes) {
    return new UnitReader(new MetricsFetcher(timeout, maxBytes));
  }

  @Test
  void readsTheProfilesCountersSummedOverLabels() {
    body.set(vllm(150, 12000, 34000, 1.7e9));
    UnitReading r = reader(Duration.ofSeconds(2), 1 << 20).read(HOST, vllmTarget());
    assertThat(r.problem()).isNull();
    assertThat(r.requests()).isEqualTo(150.0);
    assertThat(r.promptTokens()).isEqualTo(12000.0);
    assertThat(r.generatedTokens()).isEqualTo(34000.0);
    assertThat(r.startTimeSeconds()).isEqualTo(1.7e9);
  }

  @Test
  void chunkedBodiesAreRead() {
    chunked = true;
    body.set(vllm(7, 70, 700, 1.7e9));
    UnitReading r = reader(Duration.ofSeconds(2), 1 << 20).read(HOST, vllmTarget());
    assertThat(r.problem()).isNull();
    assertThat(r.requests()).isEqualTo(7.0);
  }

  @Test
  void aSlowServerTimesOutAsUnknown() {
    body.set(vllm(1, 1, 1, 1));
    delayMs = 3000;
    long t0 = System.nanoTime();
    UnitReading r = reader(Duration.ofMillis(300), 1 << 20).read(HOST, vllmTarget());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.requests()).isNull();
    assertThat(r.generatedTokens()).isNull();
    assertThat(r.problem()).contains("timed out after 300 ms");
    assertThat(ms).isLessThan(2500);
  }

  @Test
  void anOversizeBodyIsRefusedAsUnknown() {
    String big = vllm(5, 5, 5, 1) + "# padding\n".repeat(20_000);
    body.set(big);
    UnitReading r = reader(Duration.ofSeconds(2), 64 * 1024).read(HOST, vllmTarget());
    assertThat(r.requests()).isNull();
    assertThat(r.problem()).contains("over the 65536");
    chunked = true; // no Content-Length: the limit is met while reading
    r = reader(Duration.ofSeconds(2), 64 * 1024).read(HOST, vllmTarget());
    assertThat(r.requests()).isNull();
    assertThat(r.problem()).contains("byte limit");
  }

  @Test
  void httpErrorsRefusedConnectionsAndMissingCountersAreUnknown() throws IOException {
    status = 503;
    body.set("busy");
    UnitReading r = reader(Duration.ofSeconds(2), 1 << 20).read(HOST, vllmTarget());
    assertThat(r.requests()).isNull();
    assertThat(r.problem()).contains("HTTP 503");

    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ScrapeTarget nobody =
        ScrapeTarget.of(
            Map.of(ScrapeTarget.PROFILE, "vllm", ScrapeTarget.PORT, String.valueOf(closed)));
    r = reader(Duration.ofSeconds(2), 1 << 20).read(HOST, nobody);
    assertThat(r.requests()).isNull();
    assertThat(r.problem()).contains("failed");

    status = 200;
    body.set("# TYPE vllm:request_success_total counter\nsomething_else 3\n");
    r = reader(Duration.ofSeconds(2), 1 << 20).read(HOST, vllmTarget());
    // declared without series yet: nothing served; the token counters are absent: unknown
    assertThat(r.requests()).isEqualTo(0.0);
    assertThat(r.promptTokens()).isNull();
    assertThat(r.problem()).contains("vllm:prompt_tokens_total absent");
  }

  @Test
  void scrapesRunSideBySideAndBadTargetsAreReported() {
    body.set(vllm(3, 30, 300, 1));
    delayMs = 400;
    Duration timeout = Duration.ofSeconds(2);
    try (UnitScraper scraper = new UnitScraper(reader(timeout, 1 << 20), timeout, 4)) {
      long t0 = System.nanoTime();
      Map<String, UnitReading> out =
          scraper.scrape(
              Map.of(
                  "a", new UnitScraper.Endpoint(HOST, vllmTarget()),
                  "b", new UnitScraper.Endpoint(HOST, vllmTarget()),
                  "c", new UnitScraper.Endpoint(HOST, vllmTarget()),
                  "d", new UnitScraper.Endpoint(null, vllmTarget()),
                  "e",
                      new UnitScraper.Endpoint(
                          HOST, ScrapeTarget.of(Map.of(ScrapeTarget.PROFILE, "ollama")))));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(out.get("a").requests()).isEqualTo(3.0);
      assertThat(out.get("b").requests()).isEqualTo(3.0);
      assertThat(out.get("c").requests()).isEqualTo(3.0);
      assertThat(out.get("d").problem()).contains("no IP");
      assertThat(out.get("e").problem()).contains("unknown").contains("ollama");
      assertThat(ms).isLessThan(1100); // three 400 ms scrapes side by side, not one after another
    }
  }

  @Test
  void theLedgerCountsAcrossAServerRestartAndGaps() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-05T13:00:00Z"));
    EnergyLedger ledger = EnergyLedger.newEpoch(clock, "node-a");
    ledger.add(
        new io.wattkeeper.agent.attribution.IntervalAttribution(
            Map.of("p", new io.wattkeeper.agent.attribution.Shares(1, 0, 0, 0)),
            new io.wattkeeper.agent.attribution.Shares(0, 0, 0, 0),
            Map.of()),
        Set.of("p"));
    UnitReader reader = reader(Duration.ofSeconds(2), 1 << 20);
    body.set(vllm(100, 1000, 5000, 1000));
    ledger.recordUnits("p", reader.read(HOST, vllmTarget()));
    assertThat(ledger.pod("p").requests).isEqualTo(100.0);
    body.set(vllm(130, 1300, 6000, 1000));
    ledger.recordUnits("p", reader.read(HOST, vllmTarget()));
    assertThat(ledger.pod("p").generatedTokens).isEqualTo(6000.0);
    delayMs = 3000; // a failed scrape changes nothing
    ledger.recordUnits("p", reader(Duration.ofMillis(200), 1 << 20).read(HOST, vllmTarget()));
    assertThat(ledger.pod("p").requests).isEqualTo(130.0);
    delayMs = 0;
    body.set(vllm(10, 100, 400, 1000)); // dropped: restarted, 10 served since
    ledger.recordUnits("p", reader.read(HOST, vllmTarget()));
    assertThat(ledger.pod("p").requests).isEqualTo(140.0);
    assertThat(ledger.pod("p").generatedTokens).isEqualTo(6400.0);
    body.set(vllm(50, 500, 9000, 2000)); // restarted again, counted more than before
    ledger.recordUnits("p", reader.read(HOST, vllmTarget()));
    assertThat(ledger.pod("p").requests).isEqualTo(190.0);
    assertThat(ledger.pod("p").generatedTokens).isEqualTo(15400.0);
  }
}
