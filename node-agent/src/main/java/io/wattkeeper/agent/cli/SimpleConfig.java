package io.wattkeeper.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The agent's configuration names for {@code measure}, which runs without Quarkus: a system
 * property, else the environment variable (WATTKEEPER_AGENT_ZONE for wattkeeper.agent.zone), else a
 * plain value in application.properties.
 */
final class SimpleConfig {
  private final Map<String, String> env;
  private final Properties props = new Properties();

  SimpleConfig(Map<String, String> env) {
    this.env = env;
    try (InputStream in = SimpleConfig.class.getResourceAsStream("/application.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      // no defaults then
    }
  }

  /** The environment this configuration reads (CODECARBON_* variables are taken from it too). */
  Map<String, String> env() {
    return env;
  }

  static SimpleConfig system() {
    return new SimpleConfig(System.getenv());
  }

  Optional<String> get(String name) {
    String v = System.getProperty(name);
    if (v == null) {
      v = env.get(envName(name));
    }
    if (v == null) {
      v = expand(props.getProperty(name));
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** wattkeeper.agent.zone as WATTKEEPER_AGENT_ZONE: a loop, not a regex compiled per lookup. */
  static String envName(String name) {
    char[] c = name.toUpperCase(Locale.ROOT).toCharArray();
    for (int i = 0; i < c.length; i++) {
      if (!(c[i] >= 'A' && c[i] <= 'Z') && !(c[i] >= '0' && c[i] <= '9')) {
        c[i] = '_';
      }
    }
    return new String(c);
  }

  /** Expands the one form application.properties uses: ${ENV_VAR:default}. */
  private String expand(String value) {
    if (value == null || !value.startsWith("${") || !value.endsWith("}")) {
      return value;
    }
    String inner = value.substring(2, value.length() - 1);
    int colon = inner.indexOf(':');
    String var = colon < 0 ? inner : inner.substring(0, colon);
    String fromEnv = env.get(var);
    return fromEnv != null ? fromEnv : colon < 0 ? null : inner.substring(colon + 1);
  }

  java.util.OptionalDouble getDouble(String name) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return java.util.OptionalDouble.empty();
    }
    try {
      return java.util.OptionalDouble.of(Double.parseDouble(v.get()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: '" + v.get() + "'");
    }
  }
}
