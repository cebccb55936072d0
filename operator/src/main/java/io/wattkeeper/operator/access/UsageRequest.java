package io.wattkeeper.operator.access;

import java.util.Optional;

/**
 * What a usage-data request asks to read, as the RBAC attributes it needs: {@code get} on {@code
 * energybudgets.wattkeeper.io} in the namespace (and name) asked for, or cluster-wide for data that
 * spans namespaces. Paths that return no usage data map to nothing and stay open (health probes).
 *
 * @param namespace null: cluster-wide
 * @param name null: any budget
 */
public record UsageRequest(String namespace, String name) {

  static final String METRICS = "/q/metrics";
  private static final String EXPORT_PREFIX = "/api/v1/namespaces/";

  /** The attributes a path needs; empty when the path returns no usage data. */
  public static Optional<UsageRequest> of(String path) {
    if (path == null) {
      return Optional.empty();
    }
    if (path.equals(METRICS) || path.startsWith(METRICS + "/")) {
      return Optional.of(new UsageRequest(null, null));
    }
    if (path.startsWith(EXPORT_PREFIX)) {
      // /api/v1/namespaces/{ns}/energybudgets/{name}/usage.csv; any other shape under this prefix
      // still needs the namespace-wide right rather than none.
      String[] p = path.substring(EXPORT_PREFIX.length()).split("/", -1);
      String ns = p[0].isEmpty() ? null : p[0];
      String name = p.length >= 3 && p[1].equals("energybudgets") && !p[2].isEmpty() ? p[2] : null;
      return Optional.of(new UsageRequest(ns, name));
    }
    if (path.startsWith("/api/")) {
      return Optional.of(new UsageRequest(null, null));
    }
    return Optional.empty();
  }

  /** For messages: what the caller lacks. */
  public String describe() {
    String what =
        name == null ? "energybudgets.wattkeeper.io" : "energybudgets.wattkeeper.io/" + name;
    return "get " + what + (namespace == null ? " cluster-wide" : " in namespace " + namespace);
  }
}
