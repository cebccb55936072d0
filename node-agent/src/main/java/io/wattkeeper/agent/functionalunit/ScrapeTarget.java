package io.wattkeeper.agent.functionalunit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A pod's metrics endpoint, from its opt-in annotations. A pod that opted in with bad annotations
 * gets a target with a {@code problem}: it is reported with unknown counts and a warning, never
 * silently dropped.
 */
public record ScrapeTarget(int port, String path, ServerProfile profile, String problem) {
  public static final String PREFIX = "wattkeeper.io/functional-unit-";
  public static final String PROFILE = PREFIX + "profile";
  public static final String PORT = PREFIX + "port";
  public static final String PATH = PREFIX + "path";
  public static final String REQUESTS_METRIC = PREFIX + "requests-metric";
  public static final String PROMPT_TOKENS_METRIC = PREFIX + "prompt-tokens-metric";
  public static final String GENERATED_TOKENS_METRIC = PREFIX + "generated-tokens-metric";

  /** Written by the operator: the profile a budget names for the pods it charges (JSON). */
  public static final String FROM_BUDGET = PREFIX + "budget";

  /** The functional-unit annotations of a pod (the only ones the agent keeps). */
  public static Map<String, String> keep(Map<String, ?> annotations) {
    Map<String, String> out = new HashMap<>();
    if (annotations != null) {
      annotations.forEach(
          (k, v) -> {
            if (k.startsWith(PREFIX) && v instanceof String s && s.length() <= 512) {
              out.put(k, s);
            }
          });
    }
    return Map.copyOf(out);
  }

  /** The target a pod asks for; null when it did not opt in (no functional-unit annotation). */
  public static ScrapeTarget of(Map<String, String> annotations) {
    if (annotations == null || annotations.isEmpty()) {
      return null;
    }
    String profileName = annotations.get(PROFILE);
    if (profileName == null && annotations.containsKey(FROM_BUDGET)) {
      return ofBudget(annotations.get(FROM_BUDGET)); // the pod's own annotations win
    }
    if (profileName == null) {
      return bad(PROFILE + " missing (vllm, tgi, sglang, triton or custom)");
    }
    ServerProfile profile;
    if (profileName.trim().equalsIgnoreCase("custom")) {
      try {
        profile =
            ServerProfile.custom(
                blankToNull(annotations.get(REQUESTS_METRIC)),
                blankToNull(annotations.get(PROMPT_TOKENS_METRIC)),
                blankToNull(annotations.get(GENERATED_TOKENS_METRIC)));
      } catch (IllegalArgumentException e) {
        return bad(e.getMessage());
      }
    } else {
      var builtIn = ServerProfile.builtIn(profileName);
      if (builtIn.isEmpty()) {
        return bad(
            "unknown " + PROFILE + " '" + profileName + "' (vllm, tgi, sglang, triton or custom)");
      }
      profile = builtIn.get();
    }
    int port = profile.defaultPort();
    String portText = annotations.get(PORT);
    if (portText != null) {
      try {
        port = Integer.parseInt(portText.trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 1 || port > 65535) {
      return bad(PORT + (portText == null ? " missing" : " '" + portText + "' is not a port"));
    }
    String path = annotations.getOrDefault(PATH, "/metrics").trim();
    if (!path.startsWith("/") || !path.matches("[\\x21-\\x7e]{1,256}")) {
      return bad(PATH + " '" + path + "' must be an absolute path without spaces");
    }
    return new ScrapeTarget(port, path, profile, null);
  }

  /** The target a budget names for the pod (the operator's annotation, JSON). */
  static ScrapeTarget ofBudget(String json) {
    Map<String, Object> o;
    try {
      o =
          io.wattkeeper.agent.json.Json.object(
              io.wattkeeper.agent.json.Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return bad(FROM_BUDGET + " is not the operator's JSON: " + e.getMessage());
    }
    Map<String, String> asAnnotations = new HashMap<>();
    put(asAnnotations, PROFILE, o.get("profile"));
    put(asAnnotations, PORT, o.get("port"));
    put(asAnnotations, PATH, o.get("path"));
    put(asAnnotations, REQUESTS_METRIC, o.get("requestsMetric"));
    put(asAnnotations, PROMPT_TOKENS_METRIC, o.get("promptTokensMetric"));
    put(asAnnotations, GENERATED_TOKENS_METRIC, o.get("generatedTokensMetric"));
    if (!asAnnotations.containsKey(PROFILE)) {
      return bad(FROM_BUDGET + " names no profile");
    }
    ScrapeTarget t = of(asAnnotations);
    Object budget = o.get("budget");
    return t.problem() == null || budget == null
        ? t
        : bad(t.problem() + " (from budget " + budget + ")");
  }

  private static void put(Map<String, String> m, String key, Object value) {
    if (value instanceof String || value instanceof Number) {
      m.put(key, String.valueOf(value));
    }
  }

  private static ScrapeTarget bad(String problem) {
    return new ScrapeTarget(0, null, null, problem);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
