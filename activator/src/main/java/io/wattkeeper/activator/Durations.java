package io.wattkeeper.activator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations users write in annotations and env: {@code 300}, {@code 90s}, {@code 1h30m},
 * {@code PT5M}.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException with a message fit for an Event when {@code text} is not a
   *     positive duration
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Duration d;
    if (t.chars().allMatch(Character::isDigit)) {
      d = Duration.ofSeconds(Long.parseLong(t));
    } else if (t.startsWith("P") || t.startsWith("p")) {
      try {
        d = Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration: " + t);
      }
    } else {
      Matcher m = PART.matcher(t);
      d = Duration.ZERO;
      int end = 0;
      while (m.find() && m.start() == end) {
        long n = Long.parseLong(m.group(1));
        d =
            d.plus(
                switch (m.group(2)) {
                  case "h" -> Duration.ofHours(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "s" -> Duration.ofSeconds(n);
                  default -> Duration.ofMillis(n);
                });
        end = m.end();
      }
      if (end != t.length() || end == 0) {
        throw new IllegalArgumentException(
            "not a duration: " + t + " (write e.g. 300, 90s, 5m or 1h30m)");
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("duration must be positive: " + t);
    }
    return d;
  }
}
