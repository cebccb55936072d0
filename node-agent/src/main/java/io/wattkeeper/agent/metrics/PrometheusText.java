package io.wattkeeper.agent.metrics;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format 0.0.4: each family's HELP and TYPE once, then its
 * samples. Names are checked and a family cannot be declared twice, so a coding slip fails loudly
 * instead of producing a scrape that Prometheus rejects whole.
 */
public final class PrometheusText {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** Metric family types used here. */
  enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM;

    String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final StringBuilder out;
  private final Set<String> declared = new HashSet<>();
  private String family;
  private Type type;

  PrometheusText(StringBuilder out) {
    this.out = out;
  }

  /**
   * Starts a family. Counters are named with their {@code _total} suffix, as the 0.0.4 format
   * writes them in HELP, TYPE and samples alike.
   */
  PrometheusText family(String name, Type type, String help) {
    checkMetricName(name);
    if (type == Type.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException("counter name must end in _total: " + name);
    }
    if (!declared.add(name)) {
      throw new IllegalStateException("metric family declared twice: " + name);
    }
    family = name;
    this.type = type;
    out.append("# HELP ").append(name).append(' ');
    escapeHelp(help);
    out.append('\n').append("# TYPE ").append(name).append(' ').append(type.text()).append('\n');
    return this;
  }

  /**
   * One sample of the current family. {@code labels} are name/value pairs, written in the order
   * given. A histogram's samples are {@code <family>_bucket} (with {@code le}), {@code _sum} and
   * {@code _count}.
   */
  PrometheusText sample(String name, double value, String... labels) {
    checkBelongsToFamily(name);
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels must be name/value pairs: " + labels.length);
    }
    out.append(name);
    if (labels.length > 0) {
      out.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        String label = labels[i];
        if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
          throw new IllegalArgumentException("invalid label name: " + label);
        }
        if (i > 0) {
          out.append(',');
        }
        out.append(label).append("=\"");
        escapeLabelValue(labels[i + 1]);
        out.append('"');
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
    return this;
  }

  /** A float as Prometheus reads it: NaN, +Inf, -Inf; whole numbers without a fraction. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    double abs = Math.abs(v);
    if (v == Math.rint(v) && abs < 1e15) {
      return Long.toString((long) v);
    }
    // Plain decimals where Java would switch to 1.0E-4: bucket bounds read as people write them.
    if (abs >= 1e-6 && abs < 1e-3) {
      return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
    return Double.toString(v);
  }

  private void checkBelongsToFamily(String name) {
    if (family == null) {
      throw new IllegalStateException("sample before any family: " + name);
    }
    boolean ok =
        type == Type.HISTOGRAM
            ? name.equals(family + "_bucket")
                || name.equals(family + "_sum")
                || name.equals(family + "_count")
            : name.equals(family);
    if (!ok) {
      throw new IllegalArgumentException("sample " + name + " is not of family " + family);
    }
  }

  private static void checkMetricName(String name) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid metric name: " + name);
    }
  }

  private void escapeHelp(String help) {
    for (int i = 0; i < help.length(); i++) {
      char c = help.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  private void escapeLabelValue(String value) {
    if (value == null) {
      return; // an unknown name (a pod the API has not shown yet) is an empty label, not a 500
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }
}
