package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.json.Json;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The measure report as JSON, laid out exactly as Jackson's default pretty printer does. The report
 * holds only maps, lists, strings, numbers and booleans, and building Jackson's ObjectMapper cost
 * ~0.3 s of CPU at start, more than all the rest of measure.
 */
final class PrettyJson {
  private PrettyJson() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    value(out, value, 0);
    return out.toString();
  }

  private static void value(StringBuilder out, Object v, int depth) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Map<?, ?> map) {
      object(out, map, depth);
    } else if (v instanceof List<?> list) {
      array(out, list, depth);
    } else if (v instanceof String s) {
      string(out, s);
    } else if (v instanceof Double d) {
      // Jackson writes non-finite doubles as strings by default.
      if (d.isNaN() || d.isInfinite()) {
        string(out, d.toString());
      } else {
        out.append(d);
      }
    } else if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
      out.append(v);
    } else {
      throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
    }
  }

  private static void object(StringBuilder out, Map<?, ?> map, int depth) {
    if (map.isEmpty()) {
      out.append("{ }");
      return;
    }
    out.append('{');
    Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<?, ?> e = it.next();
      out.append('\n');
      indent(out, depth + 1);
      string(out, String.valueOf(e.getKey()));
      out.append(" : ");
      value(out, e.getValue(), depth + 1);
      if (it.hasNext()) {
        out.append(',');
      }
    }
    out.append('\n');
    indent(out, depth);
    out.append('}');
  }

  private static void array(StringBuilder out, List<?> list, int depth) {
    if (list.isEmpty()) {
      out.append("[ ]");
      return;
    }
    out.append("[ ");
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      value(out, list.get(i), depth);
    }
    out.append(" ]");
  }

  private static void indent(StringBuilder out, int depth) {
    for (int i = 0; i < depth; i++) {
      out.append("  ");
    }
  }

  private static void string(StringBuilder out, String s) {
    Json.quote(out, s);
  }
}
