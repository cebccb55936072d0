package io.wattkeeper.sandbox.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The answer side of one request: a whole response, a chunked stream (HTTP watches), or a WebSocket
 * upgrade (watches of the Fabric8 client and the node agent).
 */
public final class HttpExchange {
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private final InputStream in;
  private final OutputStream out;
  private boolean answered;
  private boolean keepOpen = true;

  HttpExchange(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  boolean answered() {
    return answered;
  }

  /** Whether the connection can serve another request after this one. */
  boolean keepOpen() {
    return keepOpen;
  }

  public void respond(int status, String contentType, byte[] body) throws IOException {
    answered = true;
    StringBuilder h = new StringBuilder();
    h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    if (contentType != null) {
      h.append("Content-Type: ").append(contentType).append("\r\n");
    }
    h.append("Content-Length: ").append(body.length).append("\r\n");
    h.append("Cache-Control: no-cache, private\r\n\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  /** Starts a chunked response; each {@link ChunkedStream#write} is flushed at once. */
  public ChunkedStream chunked(int status, String contentType) throws IOException {
    answered = true;
    keepOpen = false;
    String h =
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\nContent-Type: "
            + contentType
            + "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache, private\r\n\r\n";
    out.write(h.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return new ChunkedStream(out);
  }

  /** Completes a WebSocket handshake (RFC 6455) asked for by {@code request}. */
  public WebSocketSession upgrade(HttpRequest request) throws IOException {
    answered = true;
    keepOpen = false;
    String key = request.header("sec-websocket-key");
    String accept;
    try {
      accept =
          Base64.getEncoder()
              .encodeToString(
                  MessageDigest.getInstance("SHA-1")
                      .digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder h = new StringBuilder();
    h.append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
    h.append("Sec-WebSocket-Accept: ").append(accept).append("\r\n");
    String protocols = request.header("sec-websocket-protocol");
    if (protocols != null && !protocols.isBlank()) {
      h.append("Sec-WebSocket-Protocol: ").append(protocols.split(",")[0].trim()).append("\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return new WebSocketSession(in, out);
  }

  public static boolean wantsWebSocket(HttpRequest r) {
    String upgrade = r.header("upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      default -> "Status";
    };
  }

  /** A chunked response body. */
  public static final class ChunkedStream {
    private final OutputStream out;

    ChunkedStream(OutputStream out) {
      this.out = out;
    }

    public synchronized void write(byte[] data) throws IOException {
      out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(data);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    public synchronized void end() throws IOException {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }
}
