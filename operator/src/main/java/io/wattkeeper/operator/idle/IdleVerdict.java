package io.wattkeeper.operator.idle;

import java.time.Instant;

/**
 * The outcome of idle detection for one workload.
 *
 * @param quietSince when the last activity was seen (all pods), or {@code null} when unknown
 * @param idleWatts the pods' mean power over the quiet run, summed; {@code null} when unknown
 */
public record IdleVerdict(State state, String reason, Instant quietSince, Double idleWatts) {

  /** Only {@link #IDLE} allows sleeping; every other state keeps the workload up. */
  public enum State {
    IDLE,
    ACTIVE,
    UNKNOWN,
    NOT_READY,
    ROLLOUT,
    COOLDOWN
  }

  public boolean idle() {
    return state == State.IDLE;
  }

  static IdleVerdict of(State s, String reason) {
    return new IdleVerdict(s, reason, null, null);
  }
}
