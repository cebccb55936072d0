package io.wattkeeper.activator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** {@code /metrics} (Prometheus text) and {@code /healthz} over the JDK's HTTP server. */
final class MetricsServer implements AutoCloseable {

  private final HttpServer server;

  MetricsServer(String bind, int port, Activator activator) throws IOException {
    server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    server.createContext(
        "/metrics",
        x ->
            send(x, 200, "text/plain; version=0.0.4; charset=utf-8", activator.metrics().render()));
    server.createContext(
        "/healthz",
        x ->
            send(
                x,
                activator.ready() ? 200 : 503,
                "text/plain; charset=utf-8",
                activator.ready() ? "ok\n" : "starting\n"));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange x, int code, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(code, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
