package io.wattkeeper.activator;

import java.time.Duration;
import java.util.Map;

/**
 * The activator's settings (README, "Activator configuration").
 *
 * @param bindAddress where the reserved ports listen
 * @param maxPendingConnections connections held per workload while it wakes; more get a 503
 * @param wakeTimeout how long a connection is held at most (per workload: {@code
 *     wattkeeper.io/wake-timeout})
 * @param retryAfter {@code Retry-After} of a 503 until a cold start of the workload was observed
 * @param metricsPort port of {@code /metrics} and {@code /healthz}; 0 picks a free one, -1 none
 * @param replica this replica's name, written into the wake request
 * @param connectTimeout connecting to a Ready endpoint
 * @param refusalRecheck how long a refused wake (budget Exceeded) is remembered before asking again
 */
public record ActivatorConfig(
    String bindAddress,
    int maxPendingConnections,
    Duration wakeTimeout,
    Duration retryAfter,
    int metricsPort,
    String replica,
    Duration connectTimeout,
    Duration refusalRecheck) {

  public static ActivatorConfig defaults() {
    return new ActivatorConfig(
        "0.0.0.0",
        100,
        Duration.ofMinutes(5),
        Duration.ofSeconds(30),
        9090,
        "activator",
        Duration.ofSeconds(2),
        Duration.ofSeconds(5));
  }

  /** Reads {@code WATTKEEPER_ACTIVATOR_*} (and {@code POD_NAME}); a bad value stops start-up. */
  public static ActivatorConfig fromEnv(Map<String, String> env) {
    ActivatorConfig d = defaults();
    return new ActivatorConfig(
        env.getOrDefault("WATTKEEPER_ACTIVATOR_BIND", d.bindAddress()),
        intValue(env, "WATTKEEPER_ACTIVATOR_MAX_PENDING", d.maxPendingConnections()),
        duration(env, "WATTKEEPER_ACTIVATOR_WAKE_TIMEOUT", d.wakeTimeout()),
        duration(env, "WATTKEEPER_ACTIVATOR_RETRY_AFTER", d.retryAfter()),
        intValue(env, "WATTKEEPER_ACTIVATOR_METRICS_PORT", d.metricsPort()),
        env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", d.replica())),
        d.connectTimeout(),
        d.refusalRecheck());
  }

  public ActivatorConfig withMaxPending(int n) {
    return new ActivatorConfig(
        bindAddress,
        n,
        wakeTimeout,
        retryAfter,
        metricsPort,
        replica,
        connectTimeout,
        refusalRecheck);
  }

  public ActivatorConfig withWakeTimeout(Duration d) {
    return new ActivatorConfig(
        bindAddress,
        maxPendingConnections,
        d,
        retryAfter,
        metricsPort,
        replica,
        connectTimeout,
        refusalRecheck);
  }

  public ActivatorConfig withBind(String address, int metrics, String replicaName) {
    return new ActivatorConfig(
        address,
        maxPendingConnections,
        wakeTimeout,
        retryAfter,
        metrics,
        replicaName,
        connectTimeout,
        refusalRecheck);
  }

  private static int intValue(Map<String, String> env, String key, int dflt) {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < -1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
    }
  }

  private static Duration duration(Map<String, String> env, String key, Duration dflt) {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }
}
