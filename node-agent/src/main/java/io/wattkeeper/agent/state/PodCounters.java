package io.wattkeeper.agent.state;

/**
 * One pod's cumulative joules on this node (mutable; owned by the {@link EnergyLedger}). Serialised
 * into the state file.
 */
public class PodCounters {
  public String uid;
  public String namespace;
  public String name;
  public double cpuJoules;
  public double memoryJoules;
  public double gpuJoules;

  /** When the pod was first seen on this node (RFC 3339). */
  public String firstSeen;

  /** When it was seen to have ended, null while running. */
  public String endedAt;

  /** Reports written since it ended; dropped after two. */
  public int reportsSinceEnded;

  public PodCounters() {}

  PodCounters(String uid, String firstSeen) {
    this.uid = uid;
    this.firstSeen = firstSeen;
  }

  public boolean ended() {
    return endedAt != null;
  }
}
