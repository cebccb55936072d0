package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of kubectl JSONPath that printer columns use: {@code .a.b}, {@code .a[0]}, {@code
 * .a[*].b} and filters {@code .a[?(@.type=="Ready")].status}. Anything else is an error, not a
 * blank cell.
 */
public final class JsonPath {
  private JsonPath() {}

  /** The first match, or null. */
  public static JsonNode first(JsonNode root, String path) {
    List<JsonNode> all = select(root, path);
    return all.isEmpty() ? null : all.get(0);
  }

  public static List<JsonNode> select(JsonNode root, String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1);
    }
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    List<JsonNode> current = new ArrayList<>(List.of(root));
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
          end++;
        }
        String field = p.substring(i + 1, end);
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode n : current) {
          JsonNode v = n.get(field);
          if (v != null) {
            next.add(v);
          }
        }
        current = next;
        i = end;
      } else if (c == '[') {
        int end = p.indexOf(']', i);
        if (end < 0) {
          throw ApiError.badRequest("unclosed [ in JSONPath " + path);
        }
        String inner = p.substring(i + 1, end);
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode n : current) {
          if (!n.isArray()) {
            continue;
          }
          if (inner.equals("*")) {
            n.forEach(next::add);
          } else if (inner.startsWith("?(@.") && inner.endsWith(")")) {
            String cond = inner.substring(4, inner.length() - 1);
            int eq = cond.indexOf("==");
            if (eq < 0) {
              throw ApiError.badRequest("unsupported JSONPath filter " + inner);
            }
            String field = cond.substring(0, eq).trim();
            String want = cond.substring(eq + 2).trim().replaceAll("^[\"']|[\"']$", "");
            for (JsonNode item : n) {
              if (want.equals(Json.at(item, field))) {
                next.add(item);
              }
            }
          } else {
            int idx = Integer.parseInt(inner.trim());
            JsonNode v = n.get(idx < 0 ? n.size() + idx : idx);
            if (v != null) {
              next.add(v);
            }
          }
        }
        current = next;
        i = end + 1;
      } else {
        throw ApiError.badRequest("unsupported JSONPath " + path);
      }
    }
    return current;
  }
}
