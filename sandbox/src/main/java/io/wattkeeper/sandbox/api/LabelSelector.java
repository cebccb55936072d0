package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A label selector in the API's string form, with the set-based operators: {@code a=b}, {@code
 * a==b}, {@code a!=b}, {@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a}. Requirements
 * are ANDed. As on a real server, {@code a!=b} and {@code notin} also match objects without the
 * label.
 */
public final class LabelSelector implements Predicate<JsonNode> {
  private record Requirement(String key, String op, Set<String> values) {}

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  public static LabelSelector parse(String text) {
    List<Requirement> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return new LabelSelector(out);
    }
    for (String part : splitTopLevel(text)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw ApiError.badRequest("unable to parse requirement: empty requirement in " + text);
      }
      int sp = p.indexOf(' ');
      String lower = p.replaceAll("\\s+", " ");
      if (lower.matches("[^ !=()]+ (in|notin) \\(.*\\)")) {
        String key = lower.substring(0, lower.indexOf(' '));
        String op = lower.substring(key.length() + 1, lower.indexOf(' ', key.length() + 1));
        String inner = lower.substring(lower.indexOf('(') + 1, lower.lastIndexOf(')'));
        List<String> values = new ArrayList<>();
        for (String v : inner.split(",")) {
          if (!v.trim().isEmpty()) {
            values.add(v.trim());
          }
        }
        if (values.isEmpty()) {
          throw ApiError.badRequest(
              "unable to parse requirement: for 'in', 'notin' operators, values set can't be"
                  + " empty");
        }
        out.add(new Requirement(key, op, Set.copyOf(values)));
      } else if (p.contains("!=")) {
        String[] kv = p.split("!=", 2);
        out.add(new Requirement(check(kv[0].trim()), "!=", Set.of(kv[1].trim())));
      } else if (p.contains("==")) {
        String[] kv = p.split("==", 2);
        out.add(new Requirement(check(kv[0].trim()), "=", Set.of(kv[1].trim())));
      } else if (p.contains("=")) {
        String[] kv = p.split("=", 2);
        out.add(new Requirement(check(kv[0].trim()), "=", Set.of(kv[1].trim())));
      } else if (p.startsWith("!")) {
        out.add(new Requirement(check(p.substring(1).trim()), "!", Set.of()));
      } else if (sp < 0) {
        out.add(new Requirement(check(p), "exists", Set.of()));
      } else {
        throw ApiError.badRequest("unable to parse requirement: " + p);
      }
    }
    return new LabelSelector(out);
  }

  /** A selector from a LabelSelector object (matchLabels and matchExpressions). */
  public static LabelSelector fromObject(JsonNode selector) {
    List<Requirement> out = new ArrayList<>();
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return new LabelSelector(out);
    }
    selector
        .path("matchLabels")
        .fields()
        .forEachRemaining(
            e -> out.add(new Requirement(e.getKey(), "=", Set.of(e.getValue().asText()))));
    for (JsonNode e : selector.path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      String op =
          switch (e.path("operator").asText()) {
            case "In" -> "in";
            case "NotIn" -> "notin";
            case "Exists" -> "exists";
            case "DoesNotExist" -> "!";
            default ->
                throw ApiError.badRequest(
                    "unknown label selector operator " + e.path("operator").asText());
          };
      out.add(new Requirement(e.path("key").asText(), op, Set.copyOf(values)));
    }
    return new LabelSelector(out);
  }

  /** A plain map selector (a Service's spec.selector): every pair must match. */
  public static LabelSelector fromMap(JsonNode map) {
    List<Requirement> out = new ArrayList<>();
    if (map != null) {
      map.fields()
          .forEachRemaining(
              e -> out.add(new Requirement(e.getKey(), "=", Set.of(e.getValue().asText()))));
    }
    return new LabelSelector(out);
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** Tests an object's metadata.labels. */
  @Override
  public boolean test(JsonNode object) {
    return matchesLabels(object.path("metadata").path("labels"));
  }

  public boolean matchesLabels(JsonNode labels) {
    for (Requirement r : requirements) {
      JsonNode v = labels.get(r.key());
      String value = v == null || v.isNull() ? null : v.asText();
      boolean ok =
          switch (r.op()) {
            case "=", "in" -> value != null && r.values().contains(value);
            case "!=", "notin" -> value == null || !r.values().contains(value);
            case "exists" -> value != null;
            case "!" -> value == null;
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The selector's string form (for a Scale's status.selector). */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Requirement r : requirements) {
      switch (r.op()) {
        case "=" -> parts.add(r.key() + "=" + r.values().iterator().next());
        case "!=" -> parts.add(r.key() + "!=" + r.values().iterator().next());
        case "exists" -> parts.add(r.key());
        case "!" -> parts.add("!" + r.key());
        default ->
            parts.add(
                r.key()
                    + " "
                    + r.op()
                    + " ("
                    + String.join(",", r.values().stream().sorted().toList())
                    + ")");
      }
    }
    return String.join(",", parts);
  }

  private static String check(String key) {
    if (key.isEmpty() || !key.matches("[A-Za-z0-9./_-]+")) {
      throw ApiError.badRequest("unable to parse requirement: invalid label key \"" + key + "\"");
    }
    return key;
  }

  /** Splits at commas outside parentheses. */
  private static List<String> splitTopLevel(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(text.substring(start, i));
        start = i + 1;
      }
    }
    out.add(text.substring(start));
    return out;
  }
}
