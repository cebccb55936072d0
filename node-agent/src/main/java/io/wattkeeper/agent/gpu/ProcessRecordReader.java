package io.wattkeeper.agent.gpu;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a device's running compute processes, surviving the driver ABI trap: R535.43 to 535.86
 * changed the element of {@code nvmlDeviceGetComputeRunningProcesses_v3} from 24 to 32 bytes
 * without a version bump, and reading at the wrong stride yields silent garbage.
 *
 * <p>Order of preference: {@code nvmlDeviceGetRunningProcessDetailList} (versioned struct, 32-byte
 * elements), then {@code _v3} with the stride measured from the bytes the driver wrote into a
 * buffer pre-filled with 0xAA, then {@code _v2} (24 bytes). For {@code _v3} the measured stride is
 * cross-checked: the records are parsed at both strides and the stride that yields more plausible
 * PIDs wins (a driver that zero-fills the whole buffer would otherwise pass for 32 bytes). Records
 * are returned raw; {@link PidSanity} filters them.
 */
final class ProcessRecordReader {

  static final int STRIDE_V2 = 24;
  static final int STRIDE_V3_R535 = 32;

  /** nvmlProcessDetailList_v1: sizeof 24 | version 1 << 24. */
  static final int DETAIL_LIST_V1 = 0x01000018;

  static final int DETAIL_LIST_SIZE = 24;
  private static final byte FILL = (byte) 0xAA;

  /** Extra room: the list may grow between the sizing call and the read. */
  private static final int SLACK = 8;

  private static final int ATTEMPTS = 3;

  /** More processes than PID_MAX_LIMIT on one GPU is a garbage count, not a list to allocate. */
  static final long MAX_RECORDS = PidSanity.PID_MAX_LIMIT;

  /** One process record as NVML wrote it. */
  record RawProcess(long pid, long usedMemoryBytes) {}

  /** The records and how they were read (for logs and the probe). */
  record Result(List<RawProcess> processes, String method, int stride) {}

  private final Nvml nvml;
  private final PidSanity pidSanity;

  ProcessRecordReader(Nvml nvml, PidSanity pidSanity) {
    this.nvml = nvml;
    this.pidSanity = pidSanity;
  }

  /** Which symbol this driver offers, in order of preference; null when none. */
  String method() {
    if (nvml.has("nvmlDeviceGetRunningProcessDetailList")) {
      return "nvmlDeviceGetRunningProcessDetailList";
    }
    if (nvml.has("nvmlDeviceGetComputeRunningProcesses_v3")) {
      return "nvmlDeviceGetComputeRunningProcesses_v3";
    }
    if (nvml.has("nvmlDeviceGetComputeRunningProcesses_v2")) {
      return "nvmlDeviceGetComputeRunningProcesses_v2";
    }
    return null;
  }

  /**
   * The stride nvitop infers from exported symbols, used only when nothing was written to measure
   * (an empty list): the 32-byte _v3 era exported ConfComputeMemSizeInfo but not DetailList.
   */
  int strideFromSymbols() {
    return nvml.has("nvmlDeviceGetConfComputeMemSizeInfo")
            && !nvml.has("nvmlDeviceGetRunningProcessDetailList")
        ? STRIDE_V3_R535
        : STRIDE_V2;
  }

  /**
   * @throws GpuException when NVML refuses the call or no process symbol exists
   */
  Result read(Pointer device) {
    String method = method();
    if (method == null) {
      throw new GpuException(
          "this NVML exports no running-process function (_v2, _v3, DetailList)");
    }
    if (method.equals("nvmlDeviceGetRunningProcessDetailList")) {
      return readDetailList(device, method);
    }
    return readProcessInfo(device, method);
  }

  private Result readDetailList(Pointer device, String method) {
    Memory list = new Memory(DETAIL_LIST_SIZE);
    list.clear();
    list.setInt(0, DETAIL_LIST_V1);
    list.setInt(4, 0); // mode: compute
    list.setInt(8, 0);
    list.setPointer(16, Pointer.NULL);
    int rc = nvml.lib.nvmlDeviceGetRunningProcessDetailList(device, list);
    for (int attempt = 0; attempt < ATTEMPTS && rc == NvmlReturn.INSUFFICIENT_SIZE; attempt++) {
      int capacity =
          plausibleCount(list.getInt(8), "nvmlDeviceGetRunningProcessDetailList") + SLACK;
      Memory entries = new Memory((long) capacity * STRIDE_V3_R535);
      entries.clear();
      list.setInt(8, capacity);
      list.setPointer(16, entries);
      rc = nvml.lib.nvmlDeviceGetRunningProcessDetailList(device, list);
      if (rc == NvmlReturn.SUCCESS) {
        int count = Math.min(list.getInt(8), capacity);
        return new Result(parse(entries, count, STRIDE_V3_R535), method, STRIDE_V3_R535);
      }
    }
    nvml.check(rc, method);
    return new Result(List.of(), method, STRIDE_V3_R535);
  }

  private Result readProcessInfo(Pointer device, String method) {
    IntByReference count = new IntByReference(0);
    int rc = call(method, device, count, Pointer.NULL);
    for (int attempt = 0; attempt < ATTEMPTS && rc == NvmlReturn.INSUFFICIENT_SIZE; attempt++) {
      // Exact size first: a driver writing or clearing whole slots then cannot blur the stride.
      int capacity = plausibleCount(count.getValue(), method) + (attempt == 0 ? 0 : SLACK);
      long bytes = (long) capacity * STRIDE_V3_R535;
      Memory buffer = new Memory(bytes);
      buffer.setMemory(0, bytes, FILL);
      count.setValue(capacity);
      rc = call(method, device, count, buffer);
      if (rc == NvmlReturn.SUCCESS) {
        int n = Math.min(count.getValue(), capacity);
        int stride =
            method.endsWith("_v3")
                ? crossCheck(buffer, n, measureStride(buffer, bytes, n, strideFromSymbols()))
                : STRIDE_V2;
        return new Result(parse(buffer, n, stride), method, stride);
      }
    }
    nvml.check(rc, method);
    // SUCCESS on the sizing call: no processes.
    return new Result(List.of(), method, method.endsWith("_v3") ? strideFromSymbols() : STRIDE_V2);
  }

  /** The count NVML asked room for, refused when it is garbage (negative as unsigned, or huge). */
  static int plausibleCount(int count, String call) {
    if (count < 0 || count > MAX_RECORDS) {
      throw new GpuException(
          call + " asked room for " + Integer.toUnsignedString(count) + " records: not believable");
    }
    return count;
  }

  private int call(String method, Pointer device, IntByReference count, Pointer buffer) {
    return method.endsWith("_v3")
        ? nvml.lib.nvmlDeviceGetComputeRunningProcesses_v3(device, count, buffer)
        : nvml.lib.nvmlDeviceGetComputeRunningProcesses_v2(device, count, buffer);
  }

  /**
   * The element size from how far the driver wrote into a buffer filled with 0xAA: n records of 24
   * bytes end at or before 24n, records of 32 bytes end after it. {@code fallback} when n is 0.
   */
  static int measureStride(Pointer buffer, long bytes, int n, int fallback) {
    if (n <= 0) {
      return fallback;
    }
    long written = 0;
    for (long i = bytes - 1; i >= 0; i--) {
      if (buffer.getByte(i) != FILL) {
        written = i + 1;
        break;
      }
    }
    return written > (long) n * STRIDE_V2 ? STRIDE_V3_R535 : STRIDE_V2;
  }

  /** The other stride when it yields strictly more plausible records than the measured one. */
  private int crossCheck(Pointer buffer, int n, int measured) {
    int other = measured == STRIDE_V2 ? STRIDE_V3_R535 : STRIDE_V2;
    return plausible(parse(buffer, n, other)) > plausible(parse(buffer, n, measured))
        ? other
        : measured;
  }

  private int plausible(List<RawProcess> records) {
    int ok = 0;
    for (RawProcess record : records) {
      if (pidSanity.reject(record.pid(), record.usedMemoryBytes()).isEmpty()) {
        ok++;
      }
    }
    return ok;
  }

  /** pid u32 at 0, usedGpuMemory u64 at 8: the same in the 24- and 32-byte layouts. */
  static List<RawProcess> parse(Pointer buffer, int n, int stride) {
    List<RawProcess> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long base = (long) i * stride;
      out.add(
          new RawProcess(Integer.toUnsignedLong(buffer.getInt(base)), buffer.getLong(base + 8)));
    }
    return out;
  }
}
