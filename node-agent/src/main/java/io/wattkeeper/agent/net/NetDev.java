package io.wattkeeper.agent.net;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Network receive counters of a network namespace, from /proc/&lt;pid&gt;/net/dev of a process in
 * it. Loopback is excluded: a pod talking to itself is not traffic from outside.
 */
public final class NetDev {
  private NetDev() {}

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
