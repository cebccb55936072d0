package io.wattkeeper.agent.gpu;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prints what this machine's NVML really does, through the agent's own binding: driver version,
 * which optional symbols exist, the measured process-record stride, and the energy counter's delta
 * against power times time over a short window. Run it on a GPU machine with a CUDA process running
 * (see docs/gpu.md, scripts/nvml-probe.sh); paste its output into the docs.
 *
 * <p>Usage: {@code NvmlProbe [library] [windowSeconds]}.
 */
public final class NvmlProbe {

  private static final List<String> SYMBOLS =
      List.of(
          "nvmlDeviceGetRunningProcessDetailList",
          "nvmlDeviceGetComputeRunningProcesses_v3",
          "nvmlDeviceGetComputeRunningProcesses_v2",
          "nvmlDeviceGetConfComputeMemSizeInfo",
          "nvmlDeviceGetProcessUtilization",
          "nvmlSystemGetDriverVersion");

  private NvmlProbe() {}

  public static void main(String[] args) throws InterruptedException {
    String library = args.length > 0 ? args[0] : Nvml.DEFAULT_LIBRARY;
    double window = args.length > 1 ? Double.parseDouble(args[1]) : 5.0;
    System.exit(run(library, window, System.out));
  }

  /** Returns the exit status: 0 when NVML answered, 2 when it could not be opened. */
  static int run(String library, double windowSeconds, PrintStream out)
      throws InterruptedException {
    return run(library, windowSeconds, java.nio.file.Path.of("/proc"), out);
  }

  static int run(String library, double windowSeconds, java.nio.file.Path procRoot, PrintStream out)
      throws InterruptedException {
    StringBuilder why = new StringBuilder();
    Optional<Nvml> opened = Nvml.open(library, why);
    if (opened.isEmpty()) {
      out.println("nvml: unavailable: " + why);
      return 2;
    }
    try (Nvml nvml = opened.get()) {
      out.println("library: " + nvml.library());
      out.println("driver: " + nvml.driverVersion().orElse("unknown"));
      for (String symbol : SYMBOLS) {
        out.println("symbol " + symbol + ": " + (nvml.has(symbol) ? "exported" : "missing"));
      }
      ProcessRecordReader reader = new ProcessRecordReader(nvml, new PidSanity(procRoot));
      out.println("process list via: " + reader.method());
      out.println("stride from symbols (nvitop heuristic): " + reader.strideFromSymbols());
      int count = nvml.deviceCount();
      out.println("devices: " + count);
      List<Pointer> devices = new ArrayList<>();
      List<String> uuids = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        try {
          Pointer device = nvml.handleByIndex(i);
          String uuid = nvml.uuid(device);
          devices.add(device);
          uuids.add(uuid);
          out.println("gpu " + i + ": " + uuid + " " + nvml.name(device));
          try {
            ProcessRecordReader.Result result = reader.read(device);
            out.println(
                "gpu "
                    + i
                    + " processes: "
                    + result.processes().size()
                    + " read at stride "
                    + result.stride()
                    + " via "
                    + result.method()
                    + (result.processes().isEmpty()
                        ? " (no process: stride not measured; start a CUDA process and rerun)"
                        : " (measured)"));
            for (ProcessRecordReader.RawProcess p : result.processes()) {
              out.println(
                  "gpu " + i + " process: pid " + p.pid() + " memory " + p.usedMemoryBytes());
            }
          } catch (GpuException e) {
            out.println("gpu " + i + " processes: error: " + e.getMessage());
          }
          probeMig(nvml, reader, i, device, out);
        } catch (GpuException e) {
          out.println("gpu " + i + ": error: " + e.getMessage());
        }
      }
      compareEnergy(nvml, devices, uuids, windowSeconds, out);
    }
    return 0;
  }

  /** MIG instances and what board-level calls return on their handles (an open question). */
  private static void probeMig(
      Nvml nvml, ProcessRecordReader reader, int i, Pointer device, PrintStream out) {
    List<Pointer> instances;
    try {
      instances = nvml.migInstances(device);
    } catch (GpuException e) {
      out.println("gpu " + i + " mig: error: " + e.getMessage());
      return;
    }
    out.println("gpu " + i + " mig instances: " + instances.size());
    for (int k = 0; k < instances.size(); k++) {
      Pointer mig = instances.get(k);
      IntByReference mw = new IntByReference();
      LongByReference mj = new LongByReference();
      int powerRc = nvml.lib.nvmlDeviceGetPowerUsage(mig, mw);
      int energyRc = nvml.lib.nvmlDeviceGetTotalEnergyConsumption(mig, mj);
      String processes;
      try {
        ProcessRecordReader.Result result = reader.read(mig);
        processes = result.processes().size() + " at stride " + result.stride();
      } catch (GpuException e) {
        processes = "error: " + e.getMessage();
      }
      out.println(
          "gpu "
              + i
              + " mig "
              + k
              + ": power "
              + (powerRc == NvmlReturn.SUCCESS ? mw.getValue() + " mW" : nvml.describe(powerRc))
              + ", energy "
              + (energyRc == NvmlReturn.SUCCESS ? mj.getValue() + " mJ" : nvml.describe(energyRc))
              + ", processes "
              + processes);
    }
  }

  private static void compareEnergy(
      Nvml nvml, List<Pointer> devices, List<String> uuids, double window, PrintStream out)
      throws InterruptedException {
    int n = devices.size();
    long[] energyBefore = new long[n];
    int[] energyRc = new int[n];
    double[] powerBefore = new double[n];
    for (int i = 0; i < n; i++) {
      LongByReference e = new LongByReference();
      energyRc[i] = nvml.lib.nvmlDeviceGetTotalEnergyConsumption(devices.get(i), e);
      energyBefore[i] = e.getValue();
      powerBefore[i] = power(nvml, devices.get(i));
    }
    long start = System.nanoTime();
    Thread.sleep((long) (window * 1000));
    double seconds = (System.nanoTime() - start) / 1e9;
    for (int i = 0; i < n; i++) {
      String uuid = uuids.get(i);
      double powerAfter = power(nvml, devices.get(i));
      double fromPower = (powerBefore[i] + powerAfter) / 2 * seconds;
      if (energyRc[i] != NvmlReturn.SUCCESS) {
        out.printf(
            "%s energy counter: %s; power x time over %.2f s: %.1f J%n",
            uuid, nvml.describe(energyRc[i]), seconds, fromPower);
        continue;
      }
      LongByReference e = new LongByReference();
      int rc = nvml.lib.nvmlDeviceGetTotalEnergyConsumption(devices.get(i), e);
      double fromCounter = (e.getValue() - energyBefore[i]) / 1000.0;
      out.printf(
          "%s energy counter delta over %.2f s: %s; power x time: %.1f J (%.1f -> %.1f W)%n",
          uuid,
          seconds,
          rc == NvmlReturn.SUCCESS ? String.format("%.1f J", fromCounter) : nvml.describe(rc),
          fromPower,
          powerBefore[i],
          powerAfter);
    }
  }

  private static double power(Nvml nvml, Pointer device) {
    IntByReference mw = new IntByReference();
    return nvml.lib.nvmlDeviceGetPowerUsage(device, mw) == NvmlReturn.SUCCESS
        ? Integer.toUnsignedLong(mw.getValue()) / 1000.0
        : Double.NaN;
  }
}
