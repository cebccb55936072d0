package io.wattkeeper.operator.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a budget's status is worth a write. New usage is written at most once per interval of report
 * time (the cadence follows the reports, and tests with a fake clock are deterministic); a new
 * phase, generation or calendar period, an Event, the first data, or a change without new usage
 * (matched pods, forecast) is written at once.
 */
public final class StatusCadence {

  /** What was written last. {@code resetsAt} is null for rolling windows. */
  public record Last(
      Instant at,
      String phase,
      long generation,
      Instant dataAt,
      Instant resetsAt,
      Integer matchedPods) {}

  private StatusCadence() {}

  /** Empty: write now. Otherwise how long to wait. */
  public static Optional<Duration> holdBack(
      Last last,
      String phase,
      long generation,
      boolean event,
      Instant resetsAt,
      Instant dataAt,
      Integer matchedPods,
      Instant now,
      Duration interval) {
    if (last == null
        || !last.phase().equals(phase)
        || last.generation() != generation
        || event
        || !Objects.equals(last.resetsAt(), resetsAt)
        || !Objects.equals(last.matchedPods(), matchedPods)) {
      return Optional.empty();
    }
    if (dataAt == null || dataAt.equals(last.dataAt())) {
      Instant next = last.at().plus(interval);
      return now.isBefore(next) ? Optional.of(Duration.between(now, next)) : Optional.empty();
    }
    if (last.dataAt() == null || !dataAt.isBefore(last.dataAt().plus(interval))) {
      return Optional.empty();
    }
    return Optional.of(interval);
  }
}
