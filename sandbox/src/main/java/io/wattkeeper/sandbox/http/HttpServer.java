package io.wattkeeper.sandbox.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A small HTTP/1.1 server on plain sockets: keep-alive, chunked responses and WebSocket upgrades,
 * which kubectl (chunked watches) and the Fabric8 client and node agent (WebSocket watches) need.
 * The JDK's com.sun.net.httpserver cannot hand over a connection after a 101 answer.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HttpServer.class.getName());
  private final ServerSocket socket;
  private final HttpHandler handler;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;

  public HttpServer(InetAddress address, int port, HttpHandler handler) throws IOException {
    this.socket = new ServerSocket(port, 128, address);
    this.handler = handler;
    Thread accept = new Thread(this::acceptLoop, "http-accept-" + socket.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!stopped) {
      try {
        Socket s = socket.accept();
        s.setTcpNoDelay(true);
        open.add(s);
        Thread t = new Thread(() -> serve(s), "http-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!stopped) {
          LOG.log(Level.WARNING, "accept failed", e);
        }
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = new BufferedOutputStream(s.getOutputStream());
      while (!stopped) {
        HttpRequest request = read(in);
        if (request == null) {
          return;
        }
        HttpExchange exchange = new HttpExchange(in, out);
        try {
          handler.handle(request, exchange);
        } catch (SocketException e) {
          return;
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, request.method() + " " + request.path() + " failed", e);
          if (!exchange.answered()) {
            String msg = String.valueOf(e.getMessage()).replace("\"", "'");
            exchange.respond(
                500,
                "application/json",
                ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                        + msg
                        + "\",\"reason\":\"InternalError\",\"code\":500}")
                    .getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!exchange.answered()) {
          exchange.respond(500, "text/plain", "no answer".getBytes(StandardCharsets.UTF_8));
        }
        if (!exchange.keepOpen() || "close".equalsIgnoreCase(request.header("connection"))) {
          return;
        }
      }
    } catch (IOException e) {
      // client went away
    } finally {
      open.remove(s);
    }
  }

  /** Reads one request; null at a clean end of stream. */
  static HttpRequest read(InputStream in) throws IOException {
    String line = readLine(in);
    while (line != null && line.isEmpty()) {
      line = readLine(in);
    }
    if (line == null) {
      return null;
    }
    String[] parts = line.split(" ");
    if (parts.length < 2) {
      throw new IOException("bad request line: " + line);
    }
    Map<String, String> headers = new HashMap<>();
    String h;
    while ((h = readLine(in)) != null && !h.isEmpty()) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.merge(
            h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            h.substring(colon + 1).trim(),
            (a, b) -> a + "," + b);
      }
    }
    byte[] body = new byte[0];
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in);
        if (size == null) {
          break;
        }
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          readLine(in);
          break;
        }
        b.write(in.readNBytes(n));
        readLine(in);
      }
      body = b.toByteArray();
    }
    String target = parts[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    return new HttpRequest(parts[0], path, query, headers, body);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c < 0 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    stopped = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
