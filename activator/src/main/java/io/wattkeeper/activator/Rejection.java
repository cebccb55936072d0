package io.wattkeeper.activator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns a connection away: an HTTP/1.x request (recognised by its first bytes) gets {@code 503}
 * with {@code Retry-After}; anything else (HTTP/2, gRPC, other TCP protocols) is closed, since a
 * reply in the wrong protocol would only confuse the client.
 */
public final class Rejection {

  private static final List<String> METHODS =
      List.of(
          "GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ");
  private static final int PEEK = 8;

  private Rejection() {}

  /** True when {@code first} starts like an HTTP/1.x request line. */
  public static boolean looksLikeHttp1(byte[] first, int n) {
    String s = new String(first, 0, n, StandardCharsets.ISO_8859_1);
    for (String m : METHODS) {
      if (s.length() >= m.length() ? s.startsWith(m) : m.startsWith(s) && s.length() >= 3) {
        return true;
      }
    }
    return false;
  }

  /** The full 503 response. */
  public static byte[] response503(long retryAfterSeconds, String body) {
    byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 503 Service Unavailable\r\n"
            + "Retry-After: "
            + retryAfterSeconds
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + b.length
            + "\r\nConnection: close\r\nX-Wattkeeper-Activator: rejected\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[h.length + b.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(b, 0, out, h.length, b.length);
    return out;
  }

  /**
   * Answers and closes. Blocks up to about two seconds (waiting for a request's first bytes, then
   * for the client to read the answer): run it off the accept thread.
   *
   * @return true when a 503 was written, false when the connection was just closed
   */
  public static boolean reject(Socket s, long retryAfterSeconds, String body) {
    boolean http = false;
    try (s) {
      s.setSoTimeout(1000);
      InputStream in = s.getInputStream();
      byte[] first = new byte[PEEK];
      int n = 0;
      try {
        while (n < PEEK) {
          int r = in.read(first, n, PEEK - n);
          if (r < 0) {
            break;
          }
          n += r;
        }
      } catch (SocketTimeoutException e) {
        // What arrived so far decides.
      }
      http = n > 0 && looksLikeHttp1(first, n);
      if (http) {
        OutputStream out = s.getOutputStream();
        out.write(response503(retryAfterSeconds, body));
        out.flush();
        s.shutdownOutput();
        // Read what the client still sends until it closes: closing with unread input would
        // reset the connection and could destroy the 503 before the client reads it.
        byte[] sink = new byte[4096];
        long until = System.nanoTime() + 1_000_000_000L;
        try {
          while (System.nanoTime() < until && in.read(sink) >= 0) {
            // discard
          }
        } catch (SocketTimeoutException e) {
          // done waiting
        }
      }
    } catch (IOException e) {
      // The client went away: nothing left to tell it.
    }
    return http;
  }
}
