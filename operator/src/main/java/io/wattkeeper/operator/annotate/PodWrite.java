package io.wattkeeper.operator.annotate;

/**
 * A pod whose annotations are due, as queued: only its key and priority, so a backlog costs a few
 * dozen bytes per pod. The values are built from the ledger when the write starts, so the write
 * carries the latest figures whatever was due when it was queued.
 */
public record PodWrite(String uid, String namespace, String name, double priority) {

  /**
   * Staleness × size of change: seconds since the pod's last completed write (an hour when never
   * written) times the largest relative change of a figure (at least 1 %); a change of budgets or
   * budget state counts as a 1,000 % change, because people act on it.
   */
  public static double priority(double staleSeconds, double relativeChange, boolean stateChanged) {
    double change = stateChanged ? 10 : Math.max(0.01, relativeChange);
    return Math.max(1, staleSeconds) * change;
  }
}
