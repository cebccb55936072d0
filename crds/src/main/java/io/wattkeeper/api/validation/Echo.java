package io.wattkeeper.api.validation;

/**
 * Caps what the operator repeats back from objects it did not write (budget specs, reports): a 1 MB
 * string in a spec must not become a 1 MB condition, Event or log line.
 */
public final class Echo {

  /** At most this many characters of one echoed value. */
  public static final int VALUE = 64;

  /** At most this many characters of one condition message, Event message or log line's echo. */
  public static final int MESSAGE = 1024;

  private Echo() {}

  /** The value as text, at most {@link #VALUE} characters (a cut one says its full length). */
  public static String value(Object v) {
    return cut(String.valueOf(v), VALUE);
  }

  /** The value in double quotes, capped as {@link #value}; "(empty)" for null. */
  public static String quoted(Object v) {
    return v == null ? "(empty)" : "\"" + value(v) + "\"";
  }

  /** A whole message, at most {@link #MESSAGE} characters. */
  public static String message(String m) {
    return cut(m, MESSAGE);
  }

  static String cut(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    String tail = "...(" + s.length() + " chars)";
    return s.substring(0, Math.max(0, max - tail.length())) + tail;
  }
}
