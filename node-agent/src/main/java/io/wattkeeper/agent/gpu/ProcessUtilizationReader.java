package io.wattkeeper.agent.gpu;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-process SM utilisation from {@code nvmlDeviceGetProcessUtilization}. The driver keeps a
 * buffer of samples (one per process that was busy in each sample period); each read asks only for
 * samples newer than the last one seen on that device and averages them per PID, so a PID's value
 * covers the time since the previous read rather than one instant.
 *
 * <p>Not thread-safe: the meter calls it under its own lock.
 */
final class ProcessUtilizationReader {

  /** sizeof(nvmlProcessUtilizationSample_t). */
  static final int SAMPLE_SIZE = 32;

  private static final int SLACK = 8;
  private static final int ATTEMPTS = 3;

  /** Averages by PID and the number of samples NVML sent with an impossible value. */
  record Reading(Map<Long, Double> smPercentByPid, int rejectedSamples) {}

  /** Sample timestamps (µs) beyond now plus this are garbage: they would hide later samples. */
  static final long FUTURE_TOLERANCE_MICROS = 3_600_000_000L;

  private final Nvml nvml;
  private final Clock clock;
  private final Map<String, Long> lastSeenByDevice = new HashMap<>();

  ProcessUtilizationReader(Nvml nvml, Clock clock) {
    this.nvml = nvml;
    this.clock = clock;
  }

  /**
   * Empty when the device does not support per-process utilisation (MIG, old GPUs, old driver):
   * shares are then unknown. An empty map in the reading means no process was busy.
   *
   * @throws GpuException for other NVML errors
   */
  Optional<Reading> read(String uuid, Pointer device) {
    if (!nvml.has("nvmlDeviceGetProcessUtilization")) {
      return Optional.empty();
    }
    long lastSeen = lastSeenByDevice.getOrDefault(uuid, 0L);
    IntByReference count = new IntByReference(0);
    int rc = nvml.lib.nvmlDeviceGetProcessUtilization(device, Pointer.NULL, count, lastSeen);
    for (int attempt = 0; attempt < ATTEMPTS && rc == NvmlReturn.INSUFFICIENT_SIZE; attempt++) {
      int capacity =
          ProcessRecordReader.plausibleCount(count.getValue(), "nvmlDeviceGetProcessUtilization")
              + SLACK;
      Memory buffer = new Memory((long) capacity * SAMPLE_SIZE);
      buffer.clear();
      count.setValue(capacity);
      rc = nvml.lib.nvmlDeviceGetProcessUtilization(device, buffer, count, lastSeen);
      if (rc == NvmlReturn.SUCCESS) {
        return Optional.of(average(uuid, buffer, Math.min(count.getValue(), capacity), lastSeen));
      }
    }
    if (rc == NvmlReturn.NOT_FOUND || rc == NvmlReturn.SUCCESS) {
      // No sample newer than lastSeen: nothing ran on the SMs since the previous read.
      return Optional.of(new Reading(Map.of(), 0));
    }
    if (rc == NvmlReturn.NOT_SUPPORTED) {
      return Optional.empty();
    }
    nvml.check(rc, "nvmlDeviceGetProcessUtilization");
    return Optional.empty();
  }

  /**
   * pid u32 at 0, timeStamp u64 at 8, smUtil u32 at 16. The timestamp's epoch is undocumented (CPU
   * µs); whatever it is, a value past the wall clock's µs since 1970 plus an hour cannot be real.
   */
  private Reading average(String uuid, Pointer buffer, int n, long lastSeen) {
    Map<Long, double[]> sums = new HashMap<>();
    long newest = lastSeen;
    long latestPlausible = clock.millis() * 1000 + FUTURE_TOLERANCE_MICROS;
    int rejected = 0;
    for (int i = 0; i < n; i++) {
      long base = (long) i * SAMPLE_SIZE;
      long pid = Integer.toUnsignedLong(buffer.getInt(base));
      long timeStamp = buffer.getLong(base + 8);
      long sm = Integer.toUnsignedLong(buffer.getInt(base + 16));
      if (sm > 100 || pid == 0 || timeStamp < 0 || timeStamp > latestPlausible) {
        rejected++;
        continue;
      }
      newest = Math.max(newest, timeStamp);
      double[] sum = sums.computeIfAbsent(pid, p -> new double[2]);
      sum[0] += sm;
      sum[1]++;
    }
    lastSeenByDevice.put(uuid, newest);
    Map<Long, Double> averages = new HashMap<>();
    sums.forEach((pid, sum) -> averages.put(pid, sum[0] / sum[1]));
    return new Reading(averages, rejected);
  }
}
