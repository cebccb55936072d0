package io.wattkeeper.operator.webhook;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The webhook port serves only the webhook, and the webhook is served only there, over TLS: the
 * chart exposes the TLS port to the API server and the plain port to probes and scrapers, so
 * neither can be used to reach what the other is for. Quarkus serves every route on both listeners;
 * this filter splits them.
 */
@ApplicationScoped
public class WebhookPort {

  static final String PATH = "/admission/validate";

  /**
   * Runs before the usage-access filter: a wrong port is answered without asking the API server.
   */
  static final int PRIORITY = 200;

  private final WebhookConfig config;

  public WebhookPort(WebhookConfig config) {
    this.config = config;
  }

  void register(@Observes Filters filters) {
    if (config.tlsOnly()) {
      filters.register(this::filter, PRIORITY);
    }
  }

  void filter(RoutingContext rc) {
    if (allowed(rc.request().isSSL(), rc.normalizedPath())) {
      rc.next();
    } else {
      rc.response()
          .setStatusCode(404)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(
              rc.request().isSSL()
                  ? "this port serves only " + PATH + "\n"
                  : PATH + " is served over TLS only\n");
    }
  }

  /** TLS: the webhook only. Plain HTTP: everything but the webhook. */
  static boolean allowed(boolean tls, String path) {
    return tls == PATH.equals(path);
  }
}
