package io.wattkeeper.agent.functionalunit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * GET of a metrics endpoint over a plain socket (HTTP/1.1, Connection: close): one connection, a
 * deadline for the whole exchange, and a bound on the body, so a slow or chatty server costs the
 * agent at most {@code timeout} and {@code maxBytes}. Plain sockets rather than the JDK HttpClient:
 * this runs for every opted-in pod at every report, and its CPU cost is what the benchmark counts.
 * Chunked and Content-Length bodies are read; compression is never asked for.
 */
public final class MetricsFetcher {
  private final Duration timeout;
  private final int maxBytes;

  public MetricsFetcher(Duration timeout, int maxBytes) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
  }

  /** The body as text; throws with a short reason on any failure. */
  public String get(String host, int port, String path) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), millisLeft(deadline));
      socket.setSoTimeout(millisLeft(deadline));
      OutputStream out = socket.getOutputStream();
      String hostHeader = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + hostHeader
                  + ":"
                  + port
                  + "\r\nAccept: text/plain;version=0.0.4\r\nUser-Agent: wattkeeper-agent\r\n"
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Reader in = new Reader(socket, deadline);
      String status = in.line();
      if (!status.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response");
      }
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[1].equals("200")) {
        throw new IOException("HTTP " + (parts.length > 1 ? status.substring(9) : status));
      }
      long length = -1;
      boolean chunked = false;
      for (String h = in.line(); !h.isEmpty(); h = in.line()) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
          if (length > maxBytes) {
            throw new IOException(
                "body of " + length + " bytes is over the " + maxBytes + " limit");
          }
        } else if (name.equals("transfer-encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        } else if (name.equals("content-encoding") && !value.equalsIgnoreCase("identity")) {
          throw new IOException("compressed body (" + value + ") not asked for");
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream(length > 0 ? (int) length : 8192);
      if (chunked) {
        while (true) {
          String sizeLine = in.line();
          int semi = sizeLine.indexOf(';');
          int size =
              Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
          if (size == 0) {
            break;
          }
          if (body.size() + (long) size > maxBytes) {
            throw new IOException("body over the " + maxBytes + " byte limit");
          }
          in.copy(body, size);
          in.line(); // CRLF after the chunk
        }
      } else if (length >= 0) {
        in.copy(body, (int) length);
      } else {
        in.copyToEnd(body, maxBytes);
      }
      return body.toString(StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      throw new IOException("timed out after " + timeout.toMillis() + " ms");
    } catch (NumberFormatException e) {
      throw new IOException("malformed HTTP framing: " + e.getMessage());
    }
  }

  private static int millisLeft(long deadline) throws SocketTimeoutException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException();
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  /** Buffered reads that keep to the deadline. */
  private static final class Reader {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;
    private final byte[] buf = new byte[16384];
    private int pos;
    private int len;

    Reader(Socket socket, long deadline) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = deadline;
    }

    private boolean fill() throws IOException {
      socket.setSoTimeout(millisLeft(deadline));
      len = in.read(buf);
      pos = 0;
      return len > 0;
    }

    String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= len && !fill()) {
          throw new IOException("connection closed in the response head");
        }
        byte b = buf[pos++];
        if (b == '\n') {
          int n = sb.length();
          return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
        }
        if (sb.length() > 8192) {
          throw new IOException("response header line too long");
        }
        sb.append((char) b);
      }
    }

    void copy(ByteArrayOutputStream out, int n) throws IOException {
      while (n > 0) {
        if (pos >= len && !fill()) {
          throw new IOException("connection closed before the body's end");
        }
        int k = Math.min(n, len - pos);
        out.write(buf, pos, k);
        pos += k;
        n -= k;
      }
    }

    void copyToEnd(ByteArrayOutputStream out, int max) throws IOException {
      while (true) {
        if (pos >= len && !fill()) {
          return;
        }
        if (out.size() + (len - pos) > max) {
          throw new IOException("body over the " + max + " byte limit");
        }
        out.write(buf, pos, len - pos);
        pos = len;
      }
    }
  }
}
