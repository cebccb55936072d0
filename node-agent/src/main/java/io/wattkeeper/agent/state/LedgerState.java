package io.wattkeeper.agent.state;

import java.util.ArrayList;
import java.util.List;

/** The state file's content: everything needed to continue counting after a restart. */
public class LedgerState {
  public int formatVersion = 1;
  public String nodeName;
  public String counterEpoch;
  public long sequence;
  public double nodeCpuJoules;
  public double nodeMemoryJoules;
  public double nodeGpuJoules;
  public double systemCpuJoules;
  public double systemMemoryJoules;
  public double systemGpuJoules;
  public List<GpuCounter> gpus = new ArrayList<>();
  public List<PodCounters> pods = new ArrayList<>();

  /**
   * GPU power caps this agent set and has not yet undone, so that an agent that restarts (a crash,
   * an upgrade) still restores the default when the operator no longer asks for the cap.
   */
  public List<GpuCap> gpuCaps = new ArrayList<>();

  /** A cap in force on a GPU. */
  public static class GpuCap {
    public String uuid;
    public double watts;

    public GpuCap() {}

    public GpuCap(String uuid, double watts) {
      this.uuid = uuid;
      this.watts = watts;
    }
  }

  /** A GPU's cumulative joules. */
  public static class GpuCounter {
    public String uuid;
    public double joules;

    public GpuCounter() {}

    public GpuCounter(String uuid, double joules) {
      this.uuid = uuid;
      this.joules = joules;
    }
  }
}
