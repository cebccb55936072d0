package io.wattkeeper.operator.idle;

import java.time.Instant;
import java.util.List;

/**
 * What idle detection needs to know about a Deployment or StatefulSet.
 *
 * @param replicas desired replicas
 * @param rolloutInProgress true while the controller has not finished rolling out the spec
 * @param pods the workload's pods now
 * @param lastWake the last wake (from the workload's annotation), or {@code null}
 */
public record WorkloadView(
    String kind,
    String name,
    int replicas,
    boolean rolloutInProgress,
    List<Pod> pods,
    Instant lastWake) {

  /** A pod of the workload. */
  public record Pod(String uid, String name, boolean ready) {}
}
