package io.wattkeeper.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wattkeeper.agent.config.AgentConfig;
import io.wattkeeper.agent.json.Json;
import io.wattkeeper.agent.metrics.AgentHealth;
import io.wattkeeper.agent.metrics.EnergyMetrics;
import io.wattkeeper.agent.time.DaemonThreads;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The agent's HTTP endpoints (metrics and probes) on the JDK's built-in server (two threads,
 * request and response time limits): an HTTP stack (Vert.x, Netty) would cost the agent more memory
 * than everything else it does.
 */
@ApplicationScoped
public class AgentHttpServer {
  private static final Logger LOG = Logger.getLogger(AgentHttpServer.class);
  static final int THREADS = 2;

  @Inject AgentConfig config;
  @Inject EnergyMetrics metrics;
  @Inject AgentHealth health;

  private HttpServer server;
  private ExecutorService executor;

  // After AgentRuntime (default priority): probes answer only once the agent is set up.
  void start(
      @Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 600)
          StartupEvent event)
      throws IOException {
    var http = config.http();
    // The JDK server waits forever for a slow client's request or a stalled reader by default:
    // one such connection would hold a thread, and the kubelet's probes would fail.
    System.setProperty(
        "sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "5"));
    System.setProperty(
        "sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "10"));
    server = HttpServer.create(new InetSocketAddress(http.host(), http.port()), 16);
    executor = Executors.newFixedThreadPool(THREADS, DaemonThreads.named("agent-http"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.infof("metrics and probes on http://%s:%d/q/", http.host(), port());
  }

  void stop(@Observes ShutdownEvent event) {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /** The bound port (the configured one, or the one the system chose for 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        send(exchange, 405, "text/plain", "GET only\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/q/metrics" -> {
          EnergyMetrics.Scrape scrape =
              metrics.scrape(exchange.getRequestHeaders().getFirst("Accept"));
          send(exchange, 200, scrape.contentType(), scrape.body());
        }
        case "/q/health/live" -> health(exchange, List.of(health.live()));
        case "/q/health/ready" -> health(exchange, List.of(health.ready()));
        case "/q/health" -> health(exchange, List.of(health.live(), health.ready()));
        default ->
            send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      LOG.warn("HTTP request failed", e);
      send(
          exchange,
          500,
          "text/plain",
          ("error: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private void health(HttpExchange exchange, List<AgentHealth.Check> checks) throws IOException {
    boolean up = checks.stream().allMatch(AgentHealth.Check::up);
    List<Object> list = new ArrayList<>();
    for (AgentHealth.Check c : checks) {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("name", c.name());
      check.put("status", c.up() ? "UP" : "DOWN");
      check.put("data", c.data());
      list.add(check);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("checks", list);
    send(exchange, up ? 200 : 503, "application/json", Json.write(body));
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
