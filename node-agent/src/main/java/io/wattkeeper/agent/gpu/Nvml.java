package io.wattkeeper.agent.gpu;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded and initialised NVML: the JNA binding, which optional symbols the library exports, and
 * small helpers that turn return codes into messages carrying NVML's own error string.
 */
final class Nvml implements AutoCloseable {

  /** What go-nvml loads; the unversioned .so symlink only ships with the driver's -dev package. */
  static final String DEFAULT_LIBRARY = "libnvidia-ml.so.1";

  /** NVML_DEVICE_UUID_V2_BUFFER_SIZE and NVML_DEVICE_NAME_V2_BUFFER_SIZE. */
  static final int STRING_BUFFER = 96;

  private static final List<String> OPTIONAL =
      List.of(
          "nvmlDeviceGetComputeRunningProcesses_v3",
          "nvmlDeviceGetComputeRunningProcesses_v2",
          "nvmlDeviceGetRunningProcessDetailList",
          "nvmlDeviceGetConfComputeMemSizeInfo",
          "nvmlDeviceGetProcessUtilization",
          "nvmlSystemGetDriverVersion",
          "nvmlDeviceGetMigMode",
          "nvmlDeviceGetMaxMigDeviceCount",
          "nvmlDeviceGetMigDeviceHandleByIndex");

  final NvmlLibrary lib;
  private final Set<String> exported;
  private final String library;
  private boolean closed;

  private Nvml(NvmlLibrary lib, Set<String> exported, String library) {
    this.lib = lib;
    this.exported = exported;
    this.library = library;
  }

  /**
   * Loads the library and calls {@code nvmlInit_v2}. Empty, with the reason in {@code why}, when
   * the library is absent or init fails: a node without NVML is normal, not an error.
   */
  static Optional<Nvml> open(String library, StringBuilder why) {
    NvmlLibrary lib;
    NativeLibrary nativeLibrary;
    try {
      nativeLibrary = NativeLibrary.getInstance(library);
      lib = Native.load(library, NvmlLibrary.class);
    } catch (UnsatisfiedLinkError e) {
      // JNA's message goes on to list every path it searched, the whole classpath included.
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      why.append("cannot load ").append(library).append(": ").append(message);
      return Optional.empty();
    }
    Set<String> exported = new HashSet<>();
    for (String name : OPTIONAL) {
      try {
        nativeLibrary.getFunction(name);
        exported.add(name);
      } catch (UnsatisfiedLinkError e) {
        // Older driver: the caller falls back to another symbol.
      }
    }
    int rc = lib.nvmlInit_v2();
    if (rc != NvmlReturn.SUCCESS) {
      why.append("nvmlInit_v2 failed in ").append(library).append(": ").append(describe(lib, rc));
      return Optional.empty();
    }
    return Optional.of(new Nvml(lib, Set.copyOf(exported), library));
  }

  boolean has(String symbol) {
    return exported.contains(symbol);
  }

  String library() {
    return library;
  }

  /** "Insufficient Permissions (code 4)", using nvmlErrorString. */
  String describe(int rc) {
    return describe(lib, rc);
  }

  private static String describe(NvmlLibrary lib, int rc) {
    String text;
    try {
      text = lib.nvmlErrorString(rc);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      text = null;
    }
    return (text == null || text.isBlank() ? "NVML error" : text) + " (code " + rc + ")";
  }

  /** Throws a GpuException naming the call when {@code rc} is not success. */
  void check(int rc, String call) {
    if (rc != NvmlReturn.SUCCESS) {
      throw new NvmlCallException(call, rc, call + " failed: " + describe(rc));
    }
  }

  int deviceCount() {
    IntByReference count = new IntByReference();
    check(lib.nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount_v2");
    return count.getValue();
  }

  Pointer handleByIndex(int index) {
    PointerByReference ref = new PointerByReference();
    check(
        lib.nvmlDeviceGetHandleByIndex_v2(index, ref),
        "nvmlDeviceGetHandleByIndex_v2(" + index + ")");
    return ref.getValue();
  }

  Pointer handleByUuid(String uuid) {
    PointerByReference ref = new PointerByReference();
    check(lib.nvmlDeviceGetHandleByUUID(uuid, ref), "nvmlDeviceGetHandleByUUID(" + uuid + ")");
    return ref.getValue();
  }

  String uuid(Pointer device) {
    byte[] buf = new byte[STRING_BUFFER];
    check(lib.nvmlDeviceGetUUID(device, buf, buf.length), "nvmlDeviceGetUUID");
    return Native.toString(buf);
  }

  String name(Pointer device) {
    byte[] buf = new byte[STRING_BUFFER];
    check(lib.nvmlDeviceGetName(device, buf, buf.length), "nvmlDeviceGetName");
    return Native.toString(buf);
  }

  /**
   * The handles of the MIG instances on a GPU with MIG enabled; empty when MIG is off, unsupported
   * (NOT_SUPPORTED) or this driver lacks the MIG functions.
   */
  List<Pointer> migInstances(Pointer device) {
    if (!has("nvmlDeviceGetMigMode")
        || !has("nvmlDeviceGetMaxMigDeviceCount")
        || !has("nvmlDeviceGetMigDeviceHandleByIndex")) {
      return List.of();
    }
    IntByReference current = new IntByReference();
    IntByReference pending = new IntByReference();
    int rc = lib.nvmlDeviceGetMigMode(device, current, pending);
    if (rc == NvmlReturn.NOT_SUPPORTED || (rc == NvmlReturn.SUCCESS && current.getValue() != 1)) {
      return List.of();
    }
    check(rc, "nvmlDeviceGetMigMode");
    IntByReference max = new IntByReference();
    check(lib.nvmlDeviceGetMaxMigDeviceCount(device, max), "nvmlDeviceGetMaxMigDeviceCount");
    List<Pointer> instances = new java.util.ArrayList<>();
    for (int i = 0; i < max.getValue(); i++) {
      PointerByReference mig = new PointerByReference();
      int migRc = lib.nvmlDeviceGetMigDeviceHandleByIndex(device, i, mig);
      if (migRc == NvmlReturn.NOT_FOUND || migRc == NvmlReturn.INVALID_ARGUMENT) {
        continue; // no instance in this slot
      }
      check(migRc, "nvmlDeviceGetMigDeviceHandleByIndex(" + i + ")");
      instances.add(mig.getValue());
    }
    return instances;
  }

  /** The driver version string, or empty when the symbol or the call fails. */
  Optional<String> driverVersion() {
    if (!has("nvmlSystemGetDriverVersion")) {
      return Optional.empty();
    }
    byte[] buf = new byte[STRING_BUFFER];
    if (lib.nvmlSystemGetDriverVersion(buf, buf.length) != NvmlReturn.SUCCESS) {
      return Optional.empty();
    }
    return Optional.of(Native.toString(buf));
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      lib.nvmlShutdown();
    }
  }

  /** An NVML call that returned an error code. */
  static final class NvmlCallException extends GpuException {
    final int code;

    NvmlCallException(String call, int code, String message) {
      super(message);
      this.code = code;
    }
  }
}
