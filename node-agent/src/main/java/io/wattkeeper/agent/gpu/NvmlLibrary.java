package io.wattkeeper.agent.gpu;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The NVML functions the agent calls, bound by name through JNA. Names carry their version suffix
 * on purpose: the unversioned names in nvml.h are macros, and the exported unversioned symbols are
 * the old v1 ABI. Every function returns an {@code nvmlReturn_t} (see {@link NvmlReturn}); unsigned
 * C values arrive in Java ints and longs and are widened by the caller.
 *
 * <p>Functions marked optional may be missing from older drivers: {@link Nvml#has(String)} says
 * whether the loaded library exports them, and they must not be called otherwise.
 */
interface NvmlLibrary extends Library {

  int nvmlInit_v2();

  int nvmlShutdown();

  String nvmlErrorString(int result);

  int nvmlSystemGetDriverVersion(byte[] version, int length);

  int nvmlDeviceGetCount_v2(IntByReference deviceCount);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetHandleByUUID(String uuid, PointerByReference device);

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  /** Milliwatts. */
  int nvmlDeviceGetPowerUsage(Pointer device, IntByReference power);

  /** Millijoules since the driver was last loaded; Volta and newer. */
  int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference energy);

  /** Fills an {@code nvmlUtilization_t} (8 bytes: u32 gpu, u32 memory). */
  int nvmlDeviceGetUtilizationRates(Pointer device, Pointer utilization);

  int nvmlDeviceGetPowerManagementLimit(Pointer device, IntByReference limit);

  int nvmlDeviceGetPowerManagementDefaultLimit(Pointer device, IntByReference defaultLimit);

  int nvmlDeviceGetPowerManagementLimitConstraints(
      Pointer device, IntByReference minLimit, IntByReference maxLimit);

  int nvmlDeviceSetPowerManagementLimit(Pointer device, int limit);

  /** Optional (R510+). Element size 24 or 32 bytes depending on the driver: see the reader. */
  int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, IntByReference count, Pointer infos);

  /** Optional (R470+). 24-byte elements. */
  int nvmlDeviceGetComputeRunningProcesses_v2(Pointer device, IntByReference count, Pointer infos);

  /** Optional (newer drivers). Takes an {@code nvmlProcessDetailList_v1_t}. */
  int nvmlDeviceGetRunningProcessDetailList(Pointer device, Pointer list);

  /** Optional (Ampere+). NVML_DEVICE_MIG_ENABLE = 1. */
  int nvmlDeviceGetMigMode(Pointer device, IntByReference currentMode, IntByReference pendingMode);

  /** Optional (Ampere+). 0 when MIG is unsupported or disabled. */
  int nvmlDeviceGetMaxMigDeviceCount(Pointer device, IntByReference count);

  /** Optional (Ampere+). NOT_FOUND when no MIG device sits at that index. */
  int nvmlDeviceGetMigDeviceHandleByIndex(Pointer device, int index, PointerByReference migDevice);

  /** Fills {@code nvmlProcessUtilizationSample_t} elements (32 bytes each). */
  int nvmlDeviceGetProcessUtilization(
      Pointer device, Pointer utilization, IntByReference count, long lastSeenTimeStamp);
}
