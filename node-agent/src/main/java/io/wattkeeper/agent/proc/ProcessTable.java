package io.wattkeeper.agent.proc;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads processes from a /proc tree. Processes that vanish while being read are skipped. */
public final class ProcessTable {
  static final long PAGE_SIZE = 4096;
  private final Path procDir;
  private final long pidMax;

  public ProcessTable(Path procDir) {
    this.procDir = procDir;
    this.pidMax = readPidMax(procDir);
  }

  public Path procDir() {
    return procDir;
  }

  /** Every process now. */
  public List<ProcessInfo> all() {
    List<ProcessInfo> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(procDir)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!isPidName(name)) {
          continue;
        }
        read(Integer.parseInt(name)).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + procDir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** One process, empty when it does not exist (any more) or its stat is garbage. */
  public Optional<ProcessInfo> read(int pid) {
    if (!isPlausible(pid)) {
      return Optional.empty();
    }
    try {
      return Optional.of(parseStat(pid, SmallFiles.read(procDir.resolve(pid + "/stat"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * NVML and cgroup.procs hand us PIDs; garbage ones (0, 4294967295 from the process-record ABI
   * trap, beyond pid_max, or gone) are rejected here.
   */
  public boolean isPlausible(long pid) {
    return pid > 0 && pid <= pidMax && Files.isDirectory(procDir.resolve(Long.toString(pid)));
  }

  /** The raw /proc/&lt;pid&gt;/cgroup text, empty when unreadable. */
  public Optional<String> cgroupFile(int pid) {
    if (!isPlausible(pid)) {
      return Optional.empty();
    }
    try {
      return Optional.of(SmallFiles.read(procDir.resolve(pid + "/cgroup")));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static ProcessInfo parseStat(int pid, String text) throws IOException {
    // comm is in parentheses and may itself contain spaces or ')': split after the last ')'.
    int open = text.indexOf('(');
    int close = text.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IOException("/proc/" + pid + "/stat: no comm field");
    }
    String comm = text.substring(open + 1, close);
    String[] f = text.substring(close + 2).trim().split(" ");
    // f[0] is field 3 (state); utime=14, stime=15, rss=24 (1-based in proc(5)).
    if (f.length < 22) {
      throw new IOException("/proc/" + pid + "/stat: too few fields");
    }
    int ppid = Integer.parseInt(f[1]);
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    long rssPages = Long.parseLong(f[21]);
    return new ProcessInfo(pid, ppid, comm, utime + stime, Math.max(0, rssPages) * PAGE_SIZE);
  }

  static boolean isPidName(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static long readPidMax(Path procDir) {
    try {
      return SmallFiles.readLong(procDir.resolve("sys/kernel/pid_max"));
    } catch (IOException e) {
      return 4_194_304L; // the kernel's upper bound (PID_MAX_LIMIT on 64-bit)
    }
  }
}
