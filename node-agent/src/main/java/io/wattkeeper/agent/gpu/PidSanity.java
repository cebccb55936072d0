package io.wattkeeper.agent.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Decides whether a process record read from NVML is believable. A misread record (wrong stride,
 * see {@link ProcessRecordReader}) shows up as PID 0, PID 4294967295, swapped PID and memory, or a
 * PID that does not exist on the host; such records are dropped, not attributed.
 *
 * <p>NVML reports host PIDs, so {@code procRoot} is the host's /proc (the agent runs with hostPID
 * or mounts it).
 */
final class PidSanity {

  /** NVML_VALUE_NOT_AVAILABLE for unsigned long long: memory unknown, not garbage. */
  static final long MEMORY_NOT_AVAILABLE = -1L;

  /** No GPU has 4 TiB of memory; anything above is a misread record. */
  static final long MAX_PLAUSIBLE_MEMORY_BYTES = 4L << 40;

  /** The kernel's hard ceiling for pid_max (PID_MAX_LIMIT on 64-bit). */
  static final long PID_MAX_LIMIT = 4_194_304L;

  private final Path procRoot;
  private final long pidMax;

  PidSanity(Path procRoot) {
    this.procRoot = procRoot;
    this.pidMax = readPidMax(procRoot);
  }

  /** Why the record is rejected, or empty when it is plausible. */
  Optional<String> reject(long pid, long usedMemoryBytes) {
    if (pid <= 0 || pid > pidMax) {
      return Optional.of("PID " + pid + " outside 1.." + pidMax);
    }
    if (usedMemoryBytes != MEMORY_NOT_AVAILABLE
        && (usedMemoryBytes < 0 || usedMemoryBytes > MAX_PLAUSIBLE_MEMORY_BYTES)) {
      return Optional.of("PID " + pid + " with implausible memory " + usedMemoryBytes + " bytes");
    }
    if (!Files.isDirectory(procRoot.resolve(Long.toString(pid)))) {
      return Optional.of("PID " + pid + " not found under " + procRoot);
    }
    return Optional.empty();
  }

  long pidMax() {
    return pidMax;
  }

  private static long readPidMax(Path procRoot) {
    try {
      long value = Long.parseLong(Files.readString(procRoot.resolve("sys/kernel/pid_max")).trim());
      return value > 0 && value <= PID_MAX_LIMIT ? value : PID_MAX_LIMIT;
    } catch (IOException | NumberFormatException e) {
      return PID_MAX_LIMIT;
    }
  }
}
