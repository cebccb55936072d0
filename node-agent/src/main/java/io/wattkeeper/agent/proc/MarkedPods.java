package io.wattkeeper.agent.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Pods found by a marker in their processes' environment ({@code MARKER=<pod uid>}), for a node
 * without kubepods cgroups: the local sandbox's kubelet marks every process it starts with
 * WATTKEEPER_SANDBOX_POD_UID. CPU time is utime + stime + cutime + cstime of the marked processes
 * (a marked child that exits moves its time into its marked parent's cutime: the sum does not
 * drop), memory is their RSS. Processes that vanish while being read are skipped.
 */
public final class MarkedPods {
  /** USER_HZ: /proc/&lt;pid&gt;/stat counts in 1/100 s on every Linux architecture we run on. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private final Path procDir;
  private final byte[] prefix;

  /** One pod's processes now. {@code anyPid}: one of them (for its network namespace). */
  public record Usage(long cpuNanos, long memoryBytes, int anyPid) {}

  public MarkedPods(Path procDir, String marker) {
    this.procDir = procDir;
    this.prefix = (marker + "=").getBytes(StandardCharsets.UTF_8);
  }

  /** Pod UID to its processes' usage. */
  public Map<String, Usage> read() {
    Map<String, Usage> out = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(procDir)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!ProcessTable.isPidName(name)) {
          continue;
        }
        String uid;
        long[] stat;
        try {
          uid = uid(Files.readAllBytes(dir.resolve("environ")));
          if (uid == null) {
            continue;
          }
          stat = stat(Files.readString(dir.resolve("stat")));
        } catch (IOException | RuntimeException e) {
          continue; // gone, or not ours to read
        }
        int pid = Integer.parseInt(name);
        out.merge(
            uid,
            new Usage(stat[0] * NANOS_PER_TICK, stat[1], pid),
            (a, b) ->
                new Usage(
                    a.cpuNanos() + b.cpuNanos(), a.memoryBytes() + b.memoryBytes(), a.anyPid()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + procDir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The marker's value in a NUL-separated environment, or null. */
  String uid(byte[] environ) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start > prefix.length && startsWith(environ, start, prefix)) {
          return new String(
              environ, start + prefix.length, i - start - prefix.length, StandardCharsets.UTF_8);
        }
        start = i + 1;
      }
    }
    return null;
  }

  private static boolean startsWith(byte[] a, int at, byte[] p) {
    for (int j = 0; j < p.length; j++) {
      if (a[at + j] != p[j]) {
        return false;
      }
    }
    return true;
  }

  /** {ticks of utime + stime + cutime + cstime, RSS bytes} from /proc/&lt;pid&gt;/stat. */
  static long[] stat(String text) throws IOException {
    int close = text.lastIndexOf(')');
    if (close < 0) {
      throw new IOException("stat: no comm field");
    }
    String[] f = text.substring(close + 2).trim().split(" ");
    if (f.length < 22) {
      throw new IOException("stat: too few fields");
    }
    // f[0] is field 3 (state): utime 14, stime 15, cutime 16, cstime 17, rss 24 (proc(5)).
    long ticks = 0;
    for (int i = 11; i <= 14; i++) {
      ticks += Math.max(0, Long.parseLong(f[i]));
    }
    return new long[] {ticks, Math.max(0, Long.parseLong(f[21])) * ProcessTable.PAGE_SIZE};
  }
}
