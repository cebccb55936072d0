package io.wattkeeper.agent.gpu;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import io.wattkeeper.agent.gpu.GpuSample.GpuProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * GPUs through NVML. Each value is read by its own call whose return code is checked; a value that
 * fails or is implausible becomes NaN (unknown) with a warning, never a zero and never an exception
 * out of {@link #sample()}.
 */
final class NvmlGpuMeter implements GpuMeter {

  private static final Logger LOG = Logger.getLogger(NvmlGpuMeter.class);

  /** More GPUs than this in one node is a garbage count. */
  static final int MAX_DEVICES = 1024;

  /** No board draws 5 kW; a larger reading is a driver or binding fault. */
  static final double MAX_PLAUSIBLE_WATTS = 5_000.0;

  private final Nvml nvml;
  private final PidSanity pidSanity;
  private final ProcessRecordReader processReader;
  private final ProcessUtilizationReader utilizationReader;
  private final OnceWarnings warnings = new OnceWarnings(LOG);
  private final Map<String, Long> lastEnergyMillijoules = new HashMap<>();

  NvmlGpuMeter(Nvml nvml, Path procRoot, Clock clock) {
    this.nvml = nvml;
    this.pidSanity = new PidSanity(procRoot);
    this.processReader = new ProcessRecordReader(nvml, pidSanity);
    this.utilizationReader = new ProcessUtilizationReader(nvml, clock);
  }

  @Override
  public String source() {
    return "nvml";
  }

  @Override
  public synchronized List<GpuSample> sample() {
    int count;
    try {
      count = nvml.deviceCount();
    } catch (GpuException e) {
      warnings.warn("count", "GPU sample skipped: " + e.getMessage());
      return List.of();
    }
    if (count < 0 || count > MAX_DEVICES) {
      warnings.warn(
          "count-garbage",
          "nvmlDeviceGetCount_v2 says "
              + Integer.toUnsignedString(count)
              + " GPUs: not believable");
      return List.of();
    }
    List<GpuSample> samples = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      try {
        samples.add(sampleDevice(nvml.handleByIndex(index)));
      } catch (RuntimeException e) {
        // GpuException for NVML errors; anything else is a binding fault that must not stop
        // the agent's sampling loop.
        warnings.warn(
            "device-" + index, "GPU " + index + " left out of the sample: " + e.getMessage());
      }
    }
    return samples;
  }

  private GpuSample sampleDevice(Pointer device) {
    String uuid = nvml.uuid(device);
    String name = nvml.name(device);
    double[] constraints = limitConstraints(uuid, device);
    return new GpuSample(
        uuid,
        name,
        watts(uuid, device),
        energyJoules(uuid, device),
        utilization(uuid, device),
        milliwattsRead(
            uuid,
            "nvmlDeviceGetPowerManagementLimit",
            device,
            (d, r) -> nvml.lib.nvmlDeviceGetPowerManagementLimit(d, r)),
        milliwattsRead(
            uuid,
            "nvmlDeviceGetPowerManagementDefaultLimit",
            device,
            (d, r) -> nvml.lib.nvmlDeviceGetPowerManagementDefaultLimit(d, r)),
        constraints[0],
        constraints[1],
        processes(uuid, device));
  }

  private double watts(String uuid, Pointer device) {
    return milliwattsRead(
        uuid, "nvmlDeviceGetPowerUsage", device, (d, r) -> nvml.lib.nvmlDeviceGetPowerUsage(d, r));
  }

  private interface MilliwattCall {
    int call(Pointer device, IntByReference out);
  }

  private double milliwattsRead(String uuid, String call, Pointer device, MilliwattCall fn) {
    IntByReference out = new IntByReference();
    int rc = fn.call(device, out);
    if (!ok(uuid, call, rc)) {
      return Double.NaN;
    }
    return plausibleWatts(uuid, call, Integer.toUnsignedLong(out.getValue()) / 1000.0);
  }

  private double plausibleWatts(String uuid, String call, double watts) {
    if (watts < 0 || watts > MAX_PLAUSIBLE_WATTS || Double.isNaN(watts)) {
      warnings.warn(
          uuid + call + "-implausible",
          call
              + " on "
              + uuid
              + " returned "
              + watts
              + " W, over "
              + MAX_PLAUSIBLE_WATTS
              + " W: reported as unknown");
      return Double.NaN;
    }
    return watts;
  }

  private double energyJoules(String uuid, Pointer device) {
    LongByReference out = new LongByReference();
    int rc = nvml.lib.nvmlDeviceGetTotalEnergyConsumption(device, out);
    if (!ok(uuid, "nvmlDeviceGetTotalEnergyConsumption", rc)) {
      return Double.NaN;
    }
    long millijoules = out.getValue();
    if (millijoules < 0) {
      warnings.warn(
          uuid + "energy-garbage",
          "energy counter of "
              + uuid
              + " reads "
              + Long.toUnsignedString(millijoules)
              + " mJ, beyond any real total: reported as unknown");
      return Double.NaN;
    }
    Long previous = lastEnergyMillijoules.put(uuid, millijoules);
    if (previous != null && millijoules < previous) {
      warnings.warn(
          uuid + "energy-backwards",
          "energy counter of "
              + uuid
              + " went backwards ("
              + previous
              + " -> "
              + millijoules
              + " mJ; driver reloaded?): this sample's counter is unknown");
      return Double.NaN;
    }
    return millijoules / 1000.0;
  }

  private double utilization(String uuid, Pointer device) {
    Memory util = new Memory(8); // nvmlUtilization_t: u32 gpu, u32 memory
    util.clear();
    int rc = nvml.lib.nvmlDeviceGetUtilizationRates(device, util);
    if (!ok(uuid, "nvmlDeviceGetUtilizationRates", rc)) {
      return Double.NaN;
    }
    long gpu = Integer.toUnsignedLong(util.getInt(0));
    if (gpu > 100) {
      warnings.warn(
          uuid + "util-garbage",
          "utilisation of " + uuid + " reads " + gpu + " %: reported as unknown");
      return Double.NaN;
    }
    return gpu;
  }

  private double[] limitConstraints(String uuid, Pointer device) {
    IntByReference min = new IntByReference();
    IntByReference max = new IntByReference();
    int rc = nvml.lib.nvmlDeviceGetPowerManagementLimitConstraints(device, min, max);
    if (!ok(uuid, "nvmlDeviceGetPowerManagementLimitConstraints", rc)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    String call = "nvmlDeviceGetPowerManagementLimitConstraints";
    return new double[] {
      plausibleWatts(uuid, call, Integer.toUnsignedLong(min.getValue()) / 1000.0),
      plausibleWatts(uuid, call, Integer.toUnsignedLong(max.getValue()) / 1000.0)
    };
  }

  private List<GpuProcess> processes(String uuid, Pointer device) {
    List<Pointer> migInstances;
    try {
      migInstances = nvml.migInstances(device);
    } catch (GpuException e) {
      warnings.warn(uuid + "mig", "MIG instances of " + uuid + " unknown: " + e.getMessage());
      return List.of();
    }
    if (!migInstances.isEmpty()) {
      return migProcesses(uuid, migInstances);
    }
    ProcessRecordReader.Result records;
    try {
      records = processReader.read(device);
    } catch (GpuException e) {
      warnings.warn(uuid + "processes", "processes of " + uuid + " unknown: " + e.getMessage());
      return List.of();
    }
    Optional<ProcessUtilizationReader.Reading> util;
    try {
      util = utilizationReader.read(uuid, device);
    } catch (GpuException e) {
      warnings.warn(
          uuid + "putil", "per-process utilisation of " + uuid + " unknown: " + e.getMessage());
      util = Optional.empty();
    }
    if (util.isPresent() && util.get().rejectedSamples() > 0) {
      warnings.warn(
          uuid + "putil-garbage",
          "nvmlDeviceGetProcessUtilization on "
              + uuid
              + " returned "
              + util.get().rejectedSamples()
              + " impossible samples (SM > 100 %, PID 0 or a timestamp in the future): ignored");
    }
    List<GpuProcess> out = new ArrayList<>(records.processes().size());
    for (ProcessRecordReader.RawProcess raw : records.processes()) {
      if (plausible(uuid, raw, records)) {
        double sm =
            util.map(r -> r.smPercentByPid().getOrDefault(raw.pid(), 0.0)).orElse(Double.NaN);
        out.add(new GpuProcess((int) raw.pid(), raw.usedMemoryBytes(), sm));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Processes of a MIG-enabled GPU, read per instance (the parent handle lists them only with
   * privileges). Per-process utilisation is not supported under MIG, so shares are unknown.
   */
  private List<GpuProcess> migProcesses(String uuid, List<Pointer> instances) {
    List<GpuProcess> out = new ArrayList<>();
    for (Pointer instance : instances) {
      ProcessRecordReader.Result records;
      try {
        records = processReader.read(instance);
      } catch (GpuException e) {
        warnings.warn(
            uuid + "mig-processes",
            "processes of a MIG instance of " + uuid + " unknown: " + e.getMessage());
        continue;
      }
      for (ProcessRecordReader.RawProcess raw : records.processes()) {
        if (plausible(uuid, raw, records)) {
          out.add(new GpuProcess((int) raw.pid(), raw.usedMemoryBytes(), Double.NaN));
        }
      }
    }
    return List.copyOf(out);
  }

  private boolean plausible(
      String uuid, ProcessRecordReader.RawProcess raw, ProcessRecordReader.Result records) {
    Optional<String> rejected = pidSanity.reject(raw.pid(), raw.usedMemoryBytes());
    rejected.ifPresent(
        reason ->
            warnings.warn(
                uuid + "bad-pid",
                "dropped a process record of "
                    + uuid
                    + " read by "
                    + records.method()
                    + " at "
                    + records.stride()
                    + "-byte stride: "
                    + reason));
    return rejected.isEmpty();
  }

  /** True on success; NOT_SUPPORTED is logged once at INFO, other codes once at WARN. */
  private boolean ok(String uuid, String call, int rc) {
    if (rc == NvmlReturn.SUCCESS) {
      return true;
    }
    String message = call + " on " + uuid + ": " + nvml.describe(rc) + "; reported as unknown";
    if (rc == NvmlReturn.NOT_SUPPORTED) {
      warnings.info(uuid + call + rc, message);
    } else {
      warnings.warn(uuid + call + rc, message);
    }
    return false;
  }

  @Override
  public synchronized double setPowerLimit(String uuid, double watts) {
    if (!Double.isFinite(watts) || watts <= 0) {
      throw new GpuException(
          "power limit for " + uuid + " must be a positive number of watts, got " + watts);
    }
    return apply(uuid, nvml.handleByUuid(uuid), watts);
  }

  @Override
  public synchronized double restoreDefaultPowerLimit(String uuid) {
    Pointer device = nvml.handleByUuid(uuid);
    IntByReference defaultLimit = new IntByReference();
    nvml.check(
        nvml.lib.nvmlDeviceGetPowerManagementDefaultLimit(device, defaultLimit),
        "nvmlDeviceGetPowerManagementDefaultLimit(" + uuid + ")");
    return apply(uuid, device, Integer.toUnsignedLong(defaultLimit.getValue()) / 1000.0);
  }

  private double apply(String uuid, Pointer device, double watts) {
    IntByReference min = new IntByReference();
    IntByReference max = new IntByReference();
    nvml.check(
        nvml.lib.nvmlDeviceGetPowerManagementLimitConstraints(device, min, max),
        "nvmlDeviceGetPowerManagementLimitConstraints(" + uuid + ")");
    long minMw = Integer.toUnsignedLong(min.getValue());
    long maxMw = Integer.toUnsignedLong(max.getValue());
    if (minMw > maxMw || maxMw == 0) {
      throw new GpuException(
          "power limit constraints of " + uuid + " are unusable: " + minMw + ".." + maxMw + " mW");
    }
    long milliwatts = Math.max(minMw, Math.min(maxMw, Math.round(watts * 1000.0)));
    nvml.check(
        nvml.lib.nvmlDeviceSetPowerManagementLimit(device, (int) milliwatts),
        "nvmlDeviceSetPowerManagementLimit(" + uuid + ", " + milliwatts + " mW)");
    if (milliwatts != Math.round(watts * 1000.0)) {
      LOG.infof(
          "power limit %.1f W for %s clamped to %.1f W (device allows %.1f..%.1f W)",
          watts, uuid, milliwatts / 1000.0, minMw / 1000.0, maxMw / 1000.0);
    }
    return milliwatts / 1000.0;
  }

  /** The probe's view of how this driver's process list is read. */
  ProcessRecordReader processReader() {
    return processReader;
  }

  Nvml nvml() {
    return nvml;
  }

  @Override
  public void close() {
    nvml.close();
  }
}
