package io.wattkeeper.agent.cgroup;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Reads one pod cgroup's counters: CPU time, memory, and a PID inside it. */
public final class PodCgroupReader {
  private final CgroupLayout layout;
  // Resolved file paths per pod cgroup: building Paths is a measurable part of a sample.
  private final Map<String, Path[]> files = new HashMap<>();

  public PodCgroupReader(CgroupLayout layout) {
    this.layout = layout;
  }

  private Path[] files(PodCgroup pod) {
    Path[] f = files.get(pod.relativePath());
    if (f == null) {
      if (files.size() > 10_000) {
        files.clear(); // pods come and go: keep the cache bounded
      }
      Path cpuDir = layout.cpuRoot().resolve(pod.relativePath());
      Path memDir = layout.memoryRoot().resolve(pod.relativePath());
      f =
          new Path[] {
            cpuDir.resolve(layout.v2() ? "cpu.stat" : "cpuacct.usage"),
            memDir.resolve(layout.v2() ? "memory.current" : "memory.usage_in_bytes")
          };
      files.put(pod.relativePath(), f);
    }
    return f;
  }

  /**
   * Cumulative CPU time of the pod (all its containers and the sandbox), nanoseconds. v2: cpu.stat
   * usage_usec; v1: cpuacct.usage.
   */
  public long cpuUsageNanos(PodCgroup pod) throws IOException {
    Path file = files(pod)[0];
    if (!layout.v2()) {
      return SmallFiles.readLong(file);
    }
    String text = SmallFiles.read(file);
    int at = text.indexOf("usage_usec ");
    if (at < 0 || (at > 0 && text.charAt(at - 1) != '\n')) {
      throw new IOException(file + ": no usage_usec line");
    }
    int end = text.indexOf('\n', at);
    String value = text.substring(at + "usage_usec ".length(), end < 0 ? text.length() : end);
    try {
      return Math.multiplyExact(Long.parseLong(value.trim()), 1000L);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IOException(file + ": garbage usage_usec '" + value.trim() + "'");
    }
  }

  /** Memory charged to the pod now, bytes. v2: memory.current; v1: memory.usage_in_bytes. */
  public long memoryBytes(PodCgroup pod) throws IOException {
    return SmallFiles.readLong(files(pod)[1]);
  }

  /**
   * Some process of the pod (from cgroup.procs of the pod or its container cgroups), to reach the
   * pod's network namespace. Empty when the pod has no process.
   */
  public OptionalInt anyPid(PodCgroup pod) {
    Path dir = layout.cpuRoot().resolve(pod.relativePath());
    OptionalInt own = firstPid(dir.resolve("cgroup.procs"));
    if (own.isPresent()) {
      return own;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path child : children) {
        OptionalInt pid = firstPid(child.resolve("cgroup.procs"));
        if (pid.isPresent()) {
          return pid;
        }
      }
    } catch (IOException e) {
      return OptionalInt.empty();
    }
    return OptionalInt.empty();
  }

  private static OptionalInt firstPid(Path procs) {
    try {
      for (String line : SmallFiles.read(procs).split("\n")) {
        String s = line.trim();
        if (!s.isEmpty()) {
          return OptionalInt.of(Integer.parseInt(s));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.empty();
    }
    return OptionalInt.empty();
  }
}
