package io.wattkeeper.agent.metrics;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Serves {@link EnergyMetrics} at /q/metrics on the HTTP server that health already runs. Rendering
 * copies in-memory values only, so it runs on the event loop.
 */
@ApplicationScoped
public class MetricsRoute {
  static final String PATH = "/q/metrics";

  @Inject EnergyMetrics metrics;

  void init(@Observes Router router) {
    router
        .get(PATH)
        .handler(
            rc ->
                rc.response()
                    .putHeader("Content-Type", PrometheusText.CONTENT_TYPE)
                    .end(metrics.render()));
  }
}
