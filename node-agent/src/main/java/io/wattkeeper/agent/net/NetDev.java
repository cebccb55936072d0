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

  /**
   * True when {@code pid} is in the host's network namespace (that of PID 1): a hostNetwork pod,
   * whose net/dev counts the whole node's traffic. False when either link cannot be read (then
   * nothing is known, and the pod's counters are used as before).
   */
  public static boolean inHostNamespace(Path procDir, int pid) {
    try {
      Path own = Files.readSymbolicLink(procDir.resolve(pid + "/ns/net"));
      Path host = Files.readSymbolicLink(procDir.resolve("1/ns/net"));
      return own.equals(host);
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
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (line.contains("|")) {
        sawHeader = true;
        continue;
      }
      if (colon < 0) {
        continue;
      }
      String iface = line.substring(0, colon).trim();
      if (iface.equals("lo")) {
        continue;
      }
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      try {
        total += Long.parseLong(f[0]);
      } catch (NumberFormatException e) {
        throw new IOException("net/dev: garbage receive bytes for " + iface + ": '" + f[0] + "'");
      }
    }
    if (!sawHeader) {
      throw new IOException("net/dev: not a /proc/net/dev file");
    }
    return total;
  }
}
