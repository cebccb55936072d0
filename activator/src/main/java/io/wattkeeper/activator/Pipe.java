package io.wattkeeper.activator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies bytes both ways between a client and a backend until both sides are done; a half-close is
 * passed on (a client that shuts down its output still gets the whole response). Byte-level, so
 * HTTP/1.1, HTTP/2, gRPC and long streams all pass unchanged.
 */
public final class Pipe {

  private static final int BUFFER = 16 * 1024;

  private Pipe() {}

  public static void start(Socket client, Socket backend, Executor threads, Runnable done) {
    AtomicInteger open = new AtomicInteger(2);
    Runnable finish =
        () -> {
          if (open.decrementAndGet() == 0) {
            closeQuietly(client);
            closeQuietly(backend);
            done.run();
          }
        };
    threads.execute(() -> copy(client, backend, finish));
    threads.execute(() -> copy(backend, client, finish));
  }

  private static void copy(Socket from, Socket to, Runnable finish) {
    byte[] buf = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // One side failed: end both, so neither waits for bytes that will never come.
      closeQuietly(from);
      closeQuietly(to);
    } finally {
      finish.run();
    }
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
