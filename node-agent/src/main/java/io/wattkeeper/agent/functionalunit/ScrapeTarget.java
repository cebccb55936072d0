package io.wattkeeper.agent.functionalunit;

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

  private static ScrapeTarget bad(String problem) {
    return new ScrapeTarget(0, null, null, problem);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
