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

  /**
   * Functional units served (from the pod's inference server, opted in by annotation): our
   * cumulative counts, which never decrease, and the server's raw values at the last scrape (for
   * the reset rule). Null until the server was first read.
   */
  public Double requests;

  public Double promptTokens;
  public Double generatedTokens;
  public Double rawRequests;
  public Double rawPromptTokens;
  public Double rawGeneratedTokens;

  /** The server's process_start_time_seconds at the last scrape, if it exposes it. */
  public Double serverStartSeconds;

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
