package io.wattkeeper.operator.access;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * Guards every HTTP path that returns usage data (the CSV export and {@code /q/metrics}): 401
 * without a bearer token the API server authenticates, 403 without {@code get energybudgets} where
 * the data lies (the namespace asked for; cluster-wide for metrics, which span namespaces). Runs as
 * a Vert.x filter so it covers the metrics route too, which is not a JAX-RS resource. Health probes
 * stay open.
 */
@ApplicationScoped
public class UsageAccessFilter {

  /** Before the routes, after nothing else of ours. */
  static final int PRIORITY = 100;

  private final AccessReviewer reviewer;
  private final AccessConfig config;

  public UsageAccessFilter(AccessReviewer reviewer, AccessConfig config) {
    this.reviewer = reviewer;
    this.config = config;
  }

  void register(@Observes Filters filters) {
    if (config.enabled()) {
      filters.register(this::filter, PRIORITY);
    }
  }

  void filter(RoutingContext rc) {
    Optional<UsageRequest> request = UsageRequest.of(rc.normalizedPath());
    if (request.isEmpty()) {
      rc.next();
      return;
    }
    String token = bearer(rc.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      deny(rc, AccessDecision.unauthenticated("a bearer token is required"));
      return;
    }
    rc.vertx()
        .executeBlocking(() -> reviewer.review(token, request.get()), false)
        .onComplete(
            ar -> {
              AccessDecision d =
                  ar.succeeded()
                      ? ar.result()
                      : AccessDecision.unavailable("could not check access: " + ar.cause());
              if (d.allowed()) {
                rc.next();
              } else {
                deny(rc, d);
              }
            });
  }

  static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static void deny(RoutingContext rc, AccessDecision d) {
    if (d.status() == 401) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"wattkeeper\"");
    }
    rc.response()
        .setStatusCode(d.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(d.message() + "\n");
  }
}
