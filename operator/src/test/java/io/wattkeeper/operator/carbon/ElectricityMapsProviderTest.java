package io.wattkeeper.operator.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.carbon.GridIntensity;
import io.wattkeeper.operator.time.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live provider against a real HTTP server on a real port, speaking Electricity Maps' API. */
class ElectricityMapsProviderTest {

  HttpServer server;
  final AtomicInteger status = new AtomicInteger(200);
  final AtomicReference<String> body = new AtomicReference<>();
  final List<String> seen = new CopyOnWriteArrayList<>();
  final MutableClock clock = new MutableClock(Instant.parse("2026-09-15T10:00:00Z"));
  ElectricityMapsProvider provider;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v3/carbon-intensity/latest",
        ex -> {
          seen.add(
              ex.getRequestURI().getQuery()
                  + " token="
                  + ex.getRequestHeaders().getFirst("auth-token"));
          byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status.get(), b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
    body.set(
        "{\"zone\":\"DE\",\"carbonIntensity\":302,\"datetime\":\"2026-09-15T09:00:00.000Z\",\"updatedAt\":\"2026-09-15T09:40:00.000Z\",\"isEstimated\":true}");
    provider =
        new ElectricityMapsProvider(
            HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v3"),
            () -> Optional.of("s3cret"),
            clock,
            Duration.ofMinutes(5),
            Duration.ofHours(2),
            Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void readsTheLatestValueWithTheTokenAndCachesIt() {
    GridIntensity g = provider.latest("DE").orElseThrow();
    assertThat(g.gramsPerKWh()).isEqualTo(302);
    assertThat(g.kind()).isEqualTo("live");
    assertThat(g.source()).isEqualTo("Electricity Maps (live, 2026-09-15T09:00:00.000Z)");
    assertThat(seen).containsExactly("zone=DE token=s3cret");
    clock.advance(Duration.ofMinutes(4));
    provider.latest("DE");
    assertThat(seen).hasSize(1); // cached
    clock.advance(Duration.ofMinutes(2));
    body.set("{\"zone\":\"DE\",\"carbonIntensity\":250,\"datetime\":\"2026-09-15T10:00:00.000Z\"}");
    assertThat(provider.latest("DE").orElseThrow().gramsPerKWh()).isEqualTo(250);
    assertThat(seen).hasSize(2);
  }

  @Test
  void anOutageKeepsTheLastValueUntilStaleThenFallsBackToTheTable() {
    provider.latest("DE");
    status.set(503);
    body.set("unavailable");
    clock.advance(Duration.ofMinutes(10));
    assertThat(provider.latest("DE").orElseThrow().gramsPerKWh()).isEqualTo(302); // 10 min old
    clock.advance(Duration.ofHours(2));
    assertThat(provider.latest("DE")).isEmpty(); // older than maxStaleness
    IntensityResolver r =
        new IntensityResolver(CarbonIntensityTable.builtIn(), Optional.of(provider));
    GridIntensity fallback = r.forZone(Optional.of("DE"));
    assertThat(fallback.kind()).isEqualTo("country");
    assertThat(fallback).isEqualTo(CarbonIntensityTable.builtIn().lookup("DE").orElseThrow());
  }

  @Test
  void aBadAnswerOrNoTokenIsNoValue() {
    body.set("{\"zone\":\"DE\"}");
    assertThat(provider.latest("DE")).isEmpty();
    ElectricityMapsProvider noToken =
        new ElectricityMapsProvider(
            HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v3"),
            Optional::empty,
            clock,
            Duration.ofMinutes(5),
            Duration.ofHours(2),
            Duration.ofSeconds(5));
    assertThat(noToken.latest("FR")).isEmpty();
    assertThat(seen).noneMatch(s -> s.startsWith("zone=FR"));
  }
}
