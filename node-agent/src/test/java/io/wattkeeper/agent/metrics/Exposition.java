package io.wattkeeper.agent.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict, independent reader of the Prometheus text format 0.0.4, for tests: every line must be a
 * HELP, a TYPE or a sample line {@code name{labels} value}; each family is declared once, before
 * its samples; a series appears once. Anything else fails with the offending line.
 */
final class Exposition {
  private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
  private static final Pattern TYPE =
      Pattern.compile(
          "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? (NaN|[+-]Inf|-?[0-9][0-9.eE+-]*)");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String type, String help, List<Sample> samples) {
    /** The samples named {@code name} (a histogram's {@code _bucket}, {@code _count} ...). */
    List<Sample> named(String sampleName) {
      return samples.stream().filter(s -> s.name().equals(sampleName)).toList();
    }
  }

  private Exposition() {}

  /** Families by name, in order of appearance. Each starts with its HELP line, then TYPE. */
  static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("exposition must end with a newline");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> series = new HashSet<>();
    Family current = null;
    String[] lines = text.isEmpty() ? new String[0] : text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int n = i + 1;
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        String name = m.group(1);
        if (families.containsKey(name)) {
          throw bad(n, line, "family declared twice: " + name);
        }
        Matcher t = i + 1 < lines.length ? TYPE.matcher(lines[i + 1]) : null;
        if (t == null || !t.matches() || !t.group(1).equals(name)) {
          throw bad(n, line, "HELP not followed by the TYPE of " + name);
        }
        current =
            new Family(name, t.group(2), unescape(m.group(2), false, n, line), new ArrayList<>());
        families.put(name, current);
        i++;
      } else if (line.startsWith("#")) {
        throw bad(n, line, "comment that is not a HELP+TYPE header");
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        String name = m.group(1);
        if (current == null || !belongs(name, current.name(), current.type())) {
          throw bad(n, line, "sample outside its family");
        }
        Map<String, String> labels = m.group(2) == null ? Map.of() : labels(m.group(2), n, line);
        if (!series.add(name + labels)) {
          throw bad(n, line, "series twice");
        }
        current.samples().add(new Sample(name, labels, value(m.group(3), n, line)));
      } else {
        throw bad(n, line, "not a HELP, TYPE or sample line");
      }
    }
    return families;
  }

  private static boolean belongs(String sample, String family, String type) {
    if (type.equals("histogram")) {
      return sample.equals(family + "_bucket")
          || sample.equals(family + "_sum")
          || sample.equals(family + "_count");
    }
    return sample.equals(family);
  }

  private static double value(String v, int n, String line) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw bad(n, line, "bad value " + v);
        }
      }
    };
  }

  // {a="x",b="y\"z"}: names, '=', quoted values with \\, \" and \n escapes, comma-separated.
  private static Map<String, String> labels(String braces, int n, String line) {
    Map<String, String> labels = new LinkedHashMap<>();
    String s = braces.substring(1, braces.length() - 1);
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      if (eq < 0 || eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
        throw bad(n, line, "label without =\"");
      }
      String name = s.substring(i, eq);
      if (!LABEL_NAME.matcher(name).matches()) {
        throw bad(n, line, "bad label name " + name);
      }
      StringBuilder raw = new StringBuilder();
      int j = eq + 2;
      while (true) {
        if (j >= s.length()) {
          throw bad(n, line, "unterminated label value");
        }
        char c = s.charAt(j);
        if (c == '\\') {
          if (j + 1 >= s.length()) {
            throw bad(n, line, "dangling escape");
          }
          raw.append(c).append(s.charAt(j + 1));
          j += 2;
        } else if (c == '"') {
          break;
        } else {
          raw.append(c);
          j++;
        }
      }
      if (labels.put(name, unescape(raw.toString(), true, n, line)) != null) {
        throw bad(n, line, "label twice: " + name);
      }
      i = j + 1;
      if (i < s.length()) {
        if (s.charAt(i) != ',') {
          throw bad(n, line, "expected , between labels");
        }
        i++;
      }
    }
    return labels;
  }

  private static String unescape(String s, boolean labelValue, int n, String line) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = i + 1 < s.length() ? s.charAt(++i) : ' ';
      switch (e) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        case '"' -> {
          if (!labelValue) {
            throw bad(n, line, "\\\" is not an escape in HELP");
          }
          out.append('"');
        }
        default -> throw bad(n, line, "unknown escape \\" + e);
      }
    }
    return out.toString();
  }

  private static IllegalArgumentException bad(int n, String line, String why) {
    return new IllegalArgumentException("line " + n + ": " + why + ": " + line);
  }
}
