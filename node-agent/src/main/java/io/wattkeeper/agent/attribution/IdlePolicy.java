package io.wattkeeper.agent.attribution;

/** Who pays for the CPU's idle power. */
public enum IdlePolicy {
  /** Nobody: idle energy goes to the system remainder (Kepler's choice). */
  None,
  /**
   * Each pod pays idle energy in proportion to its CPU request over the node's CPUs, like cost
   * allocation; what no request covers goes to system.
   */
  ProportionalToRequests
}
