package io.wattkeeper.operator.period;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * An accounting period, [start, end). For Rolling windows {@code end} is "now" at computation and
 * the window slides; there is no reset.
 */
public record Period(Instant start, Instant end, ZoneId zone, boolean rolling) {

  public boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }

  public Duration length() {
    return Duration.between(start, end);
  }

  public ZonedDateTime startZoned() {
    return start.atZone(zone);
  }

  public ZonedDateTime endZoned() {
    return end.atZone(zone);
  }
}
