package io.wattkeeper.agent.functionalunit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the Prometheus text exposition format (0.0.4, as served by prometheus_client, the Rust
 * metrics exporters and Triton): HELP and TYPE lines and other comments, label values with {@code
 * \\}, {@code \"} and {@code \n} escapes and trailing commas, values with exponents, NaN, +Inf and
 * -Inf, optional millisecond timestamps and OpenMetrics exemplars ({@code # {...} v}).
 *
 * <p>Each sample name is summed over its label sets. For the names in {@code replicaLabels}' scope,
 * series that differ only in a replica label (SGLang's {@code tp_rank}: every tensor-parallel rank
 * may repeat the same count) are one series: the highest is taken, not the sum.
 *
 * <p>A line that does not parse is skipped and recorded; the sum of its name (when it got that far)
 * becomes unknown, never a partial sum. Values are validated here rather than by {@link
 * Double#parseDouble}, which would take Java-only forms such as {@code 1f} or {@code 0x1p3}.
 */
public final class PromTextParser {
  static final int MAX_PROBLEMS_KEPT = 5;

  private final Set<String> wanted;
  private final Set<String> replicaLabels;
  private final Map<String, Double> sums = new HashMap<>();
  private final Map<String, Double> replicaMax = new HashMap<>();
  private final Map<String, String> replicaKeyName = new HashMap<>();
  private final Map<String, String> types = new HashMap<>();
  private final Set<String> broken = new HashSet<>();
  private final List<String> problems = new ArrayList<>();
  private int problemCount;
  private int samples;

  private String s;
  private int p;
  private int end;
  private int lineNo;

  private PromTextParser(Set<String> wanted, Set<String> replicaLabels) {
    this.wanted = wanted;
    this.replicaLabels = replicaLabels;
  }

  /** Parses and sums every name. */
  public static Exposition parse(String text) {
    return parse(text, null, Set.of());
  }

  /**
   * Parses every line; sums only the names in {@code wanted} (null: all), with series differing
   * only in one of {@code replicaLabels} counted once.
   */
  public static Exposition parse(String text, Set<String> wanted, Set<String> replicaLabels) {
    PromTextParser parser = new PromTextParser(wanted, replicaLabels);
    parser.run(text);
    return parser.result();
  }

  private void run(String text) {
    s = text;
    int start = 0;
    int n = text.length();
    while (start < n) {
      int nl = text.indexOf('\n', start);
      int lineEnd = nl < 0 ? n : nl;
      lineNo++;
      p = start;
      end = lineEnd > start && text.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
      line();
      start = lineEnd + 1;
    }
  }

  private Exposition result() {
    replicaMax.forEach((key, v) -> sums.merge(replicaKeyName.get(key), v, Double::sum));
    return new Exposition(
        Map.copyOf(sums),
        Map.copyOf(types),
        Set.copyOf(broken),
        List.copyOf(problems),
        problemCount,
        samples);
  }

  private void line() {
    skipBlanks();
    if (p >= end) {
      return;
    }
    if (s.charAt(p) == '#') {
      comment();
      return;
    }
    String name = null;
    try {
      int from = p;
      metricNameEnd();
      name = wantedName(from, p);
      sample(name, from);
    } catch (Bad bad) {
      problem(bad.getMessage());
      if (name != null) {
        broken.add(name);
      }
    }
  }

  private void comment() {
    p++;
    skipBlanks();
    boolean help = s.startsWith("HELP", p);
    boolean type = s.startsWith("TYPE", p);
    if (!help && !type) {
      return; // any other comment
    }
    p += 4;
    if (p < end && !isBlank(s.charAt(p))) {
      return; // "# HELPER ..." is a plain comment
    }
    skipBlanks();
    try {
      String name = metricName();
      if (type) {
        skipBlanks();
        int from = p;
        while (p < end && !isBlank(s.charAt(p))) {
          p++;
        }
        String t = s.substring(from, p);
        skipBlanks();
        if (p < end || !isType(t)) {
          throw new Bad("unknown metric type '" + s.substring(from, end).trim() + "'");
        }
        if (types.putIfAbsent(name, t) != null) {
          throw new Bad("second TYPE line for " + name);
        }
      } else {
        helpText();
      }
    } catch (Bad bad) {
      problem(bad.getMessage());
    }
  }

  private static boolean isType(String t) {
    return switch (t) {
      case "counter", "gauge", "histogram", "summary", "untyped" -> true;
      // OpenMetrics types, seen when a server ignores the Accept header
      case "unknown", "info", "stateset", "gaugehistogram" -> true;
      default -> false;
    };
  }

  /** HELP text: only backslash escapes are checked, the text itself is not needed. */
  private void helpText() {
    while (p < end) {
      char c = s.charAt(p++);
      if (c == '\\') {
        if (p >= end) {
          throw new Bad("HELP text ends in a lone backslash");
        }
        p++;
      }
    }
  }

  private String metricName() {
    int from = p;
    metricNameEnd();
    return s.substring(from, p);
  }

  private void metricNameEnd() {
    if (p >= end || !nameStart(s.charAt(p), true)) {
      throw new Bad("expected a metric name");
    }
    p++;
    while (p < end && namePart(s.charAt(p), true)) {
      p++;
    }
  }

  /**
   * The name at [from, to) when it is summed, else null: compared in place, so the lines of the
   * many families nobody asked for allocate nothing (this runs per pod per report).
   */
  private String wantedName(int from, int to) {
    if (wanted == null) {
      return s.substring(from, to);
    }
    int len = to - from;
    for (String w : wanted) {
      if (w.length() == len && s.regionMatches(from, w, 0, len)) {
        return w;
      }
    }
    return null;
  }

  /** {@code name}: null when not summed; {@code from}: where the name starts, for messages. */
  private void sample(String name, int from) {
    boolean keep = name != null;
    StringBuilder replicaKey = null;
    boolean replica = false;
    int afterName = p;
    skipBlanks(); // the Go parser allows blanks between a name and its labels
    if (p < end && s.charAt(p) == '{') {
      p++;
      if (keep && !replicaLabels.isEmpty()) {
        replicaKey = new StringBuilder(name).append('{');
      }
      replica = labels(replicaKey, keep);
    } else if (afterName < end && !isBlank(s.charAt(afterName))) {
      throw new Bad("unexpected '" + s.charAt(afterName) + "' after " + shown(from));
    }
    skipBlanks();
    double value = value(keep);
    if (p < end) {
      if (!isBlank(s.charAt(p))) {
        throw new Bad("unexpected text after the value of " + shown(from));
      }
      skipBlanks();
      if (p < end && s.charAt(p) != '#') {
        timestamp();
        skipBlanks();
      }
      if (p < end && s.charAt(p) != '#') {
        throw new Bad("unexpected text after the timestamp of " + shown(from));
      }
      // "# {labels} value [ts]": an OpenMetrics exemplar, not part of the sample
    }
    samples++;
    if (!keep) {
      return;
    }
    if (replica) {
      String key = replicaKey.toString();
      replicaKeyName.putIfAbsent(key, name);
      replicaMax.merge(key, value, PromTextParser::maxKeepingNaN);
    } else {
      sums.merge(name, value, Double::sum);
    }
  }

  private static double maxKeepingNaN(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
  }

  /**
   * Reads the label set after '{'. Returns whether a replica label was among them; {@code key}
   * (when not null) gets the other labels.
   */
  private boolean labels(StringBuilder key, boolean keep) {
    boolean replica = false;
    Set<String> seen = null;
    while (true) {
      skipBlanks();
      if (p >= end) {
        throw new Bad("label set not closed");
      }
      if (s.charAt(p) == '}') {
        p++;
        return replica;
      }
      int from = p;
      if (!nameStart(s.charAt(p), false)) {
        throw new Bad("expected a label name at column " + (p + 1 - lineStartOffset()));
      }
      p++;
      while (p < end && namePart(s.charAt(p), false)) {
        p++;
      }
      // Label names are only materialised for the samples that are summed.
      String label = null;
      if (keep) {
        label = s.substring(from, p);
        if (seen == null) {
          seen = new HashSet<>(4);
        }
        if (!seen.add(label)) {
          throw new Bad("label " + label + " given twice");
        }
      }
      skipBlanks();
      expect('=');
      skipBlanks();
      expect('"');
      int valueFrom = p;
      labelValue();
      boolean isReplica = label != null && replicaLabels.contains(label);
      replica |= isReplica;
      if (key != null && !isReplica) {
        key.append(label).append('=').append(s, valueFrom, p - 1).append(',');
      }
      skipBlanks();
      if (p < end && s.charAt(p) == ',') {
        p++;
      } else if (p >= end || s.charAt(p) != '}') {
        throw new Bad("expected ',' or '}' after a label value");
      }
    }
  }

  private int lineStartOffset() {
    int nl = s.lastIndexOf('\n', Math.max(0, p - 1));
    return nl + 1;
  }

  /** A quoted label value, after its opening quote; leaves p after the closing quote. */
  private void labelValue() {
    while (p < end) {
      char c = s.charAt(p++);
      if (c == '"') {
        return;
      }
      if (c == '\\') {
        if (p >= end) {
          break;
        }
        char e = s.charAt(p++);
        if (e != '\\' && e != '"' && e != 'n') {
          throw new Bad("invalid escape \\" + e + " in a label value");
        }
      }
    }
    throw new Bad("label value not closed");
  }

  private double value(boolean convert) {
    int from = p;
    while (p < end && !isBlank(s.charAt(p))) {
      p++;
    }
    if (from == p) {
      throw new Bad("missing value");
    }
    return parseValue(s, from, p, convert);
  }

  /** The name of the sample line starting at {@code from}, for a message. */
  private String shown(int from) {
    int i = from;
    while (i < end && namePart(s.charAt(i), true)) {
      i++;
    }
    return s.substring(from, i);
  }

  /** A Go ParseFloat-style number: decimal with optional exponent, or Inf/NaN in any case. */
  static double parseValue(String s, int from, int to) {
    return parseValue(s, from, to, true);
  }

  /** With {@code convert} false the syntax is checked and 0 returned (a value nobody sums). */
  static double parseValue(String s, int from, int to, boolean convert) {
    int i = from;
    boolean negative = false;
    if (s.charAt(i) == '+' || s.charAt(i) == '-') {
      negative = s.charAt(i) == '-';
      i++;
    }
    int n = to - i;
    if ((n == 3 && s.regionMatches(true, i, "inf", 0, 3))
        || (n == 8 && s.regionMatches(true, i, "infinity", 0, 8))) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (n == 3 && s.regionMatches(true, i, "nan", 0, 3)) {
      return Double.NaN;
    }
    // Fast path: plain integers (most counters).
    int digits = to - i;
    if (digits > 0 && digits <= 18) {
      long v = 0;
      int j = i;
      while (j < to) {
        char c = s.charAt(j);
        if (c < '0' || c > '9') {
          break;
        }
        v = v * 10 + (c - '0');
        j++;
      }
      if (j == to) {
        return negative ? -v : v;
      }
    }
    int j = i;
    int mantissaDigits = 0;
    while (j < to && isDigit(s.charAt(j))) {
      j++;
      mantissaDigits++;
    }
    if (j < to && s.charAt(j) == '.') {
      j++;
      while (j < to && isDigit(s.charAt(j))) {
        j++;
        mantissaDigits++;
      }
    }
    if (mantissaDigits == 0) {
      throw new Bad("not a number: '" + s.substring(from, to) + "'");
    }
    if (j < to && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
      j++;
      if (j < to && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
        j++;
      }
      int expDigits = 0;
      while (j < to && isDigit(s.charAt(j))) {
        j++;
        expDigits++;
      }
      if (expDigits == 0) {
        throw new Bad("not a number: '" + s.substring(from, to) + "'");
      }
    }
    if (j != to) {
      throw new Bad("not a number: '" + s.substring(from, to) + "'");
    }
    return convert ? Double.parseDouble(s.substring(from, to)) : 0;
  }

  private void timestamp() {
    int from = p;
    if (p < end && s.charAt(p) == '-') {
      p++;
    }
    int digits = 0;
    while (p < end && isDigit(s.charAt(p))) {
      p++;
      digits++;
    }
    // OpenMetrics timestamps are seconds with a fraction
    if (p < end && s.charAt(p) == '.') {
      p++;
      while (p < end && isDigit(s.charAt(p))) {
        p++;
      }
    }
    if (digits == 0 || (p < end && !isBlank(s.charAt(p)))) {
      while (p < end && !isBlank(s.charAt(p))) {
        p++;
      }
      throw new Bad("bad timestamp '" + s.substring(from, p) + "'");
    }
  }

  private void expect(char c) {
    if (p >= end || s.charAt(p) != c) {
      throw new Bad("expected '" + c + "'");
    }
    p++;
  }

  private void skipBlanks() {
    while (p < end && isBlank(s.charAt(p))) {
      p++;
    }
  }

  private void problem(String message) {
    problemCount++;
    if (problems.size() < MAX_PROBLEMS_KEPT) {
      problems.add("line " + lineNo + ": " + message);
    }
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean nameStart(char c, boolean colon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  }

  private static boolean namePart(char c, boolean colon) {
    return nameStart(c, colon) || isDigit(c);
  }

  /** A line that does not parse. */
  static final class Bad extends RuntimeException {
    Bad(String message) {
      super(message, null, false, false);
    }
  }
}
