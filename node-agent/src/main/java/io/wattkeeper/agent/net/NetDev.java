package io.wattkeeper.agent.net;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Network receive counters of a network namespace, from /proc/&lt;pid&gt;/net/dev of a process in
 * it. Loopback is excluded: a pod talking to itself is not traffic from outside.
 */
public final class NetDev {
  private NetDev() {}

  /** The host's network namespace link (that of PID 1), or null when it cannot be read. */
  public static Path hostNamespace(Path procDir) {
    try {
      return Files.readSymbolicLink(procDir.resolve("1/ns/net"));
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * True when {@code pid} is in the host's network namespace (from {@link #hostNamespace}, read
   * once per sample): a hostNetwork pod, whose net/dev counts the whole node's traffic. False when
   * either link cannot be read (then nothing is known, and the pod's counters are used as before).
   */
  public static boolean inNamespace(Path procDir, int pid, Path hostNamespace) {
    if (hostNamespace == null) {
      return false;
    }
    try {
      return Files.readSymbolicLink(procDir.resolve(pid + "/ns/net")).equals(hostNamespace);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Total bytes received on all non-loopback interfaces of the namespace of {@code pid}. */
  public static long receiveBytes(Path procDir, int pid) throws IOException {
    return parseReceiveBytes(SmallFiles.read(procDir.resolve(pid + "/net/dev")));
  }

  static long parseReceiveBytes(String text) throws IOException {
    long total = 0;
    boolean sawHeader = false;
    int start = 0;
    int n = text.length();
    // Hand-scanned (no split, no regex): this runs for every pod at every network sample.
    while (start < n) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      int colon = text.indexOf(':', start);
      int bar = text.indexOf('|', start);
      if (bar >= 0 && bar < end) {
        sawHeader = true;
      } else if (colon >= 0 && colon < end) {
        String iface = text.substring(start, colon).trim();
        if (!iface.equals("lo")) {
          int i = colon + 1;
          while (i < end && Character.isWhitespace(text.charAt(i))) {
            i++;
          }
          int j = i;
          while (j < end && !Character.isWhitespace(text.charAt(j))) {
            j++;
          }
          String field = text.substring(i, j);
          try {
            total += Long.parseLong(field);
          } catch (NumberFormatException e) {
            throw new IOException(
                "net/dev: garbage receive bytes for " + iface + ": '" + field + "'");
          }
        }
      }
      start = end + 1;
    }
    if (!sawHeader) {
      throw new IOException("net/dev: not a /proc/net/dev file");
    }
    return total;
  }
}
