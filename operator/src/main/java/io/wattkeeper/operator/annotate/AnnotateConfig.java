package io.wattkeeper.operator.annotate;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The pod annotation writer's bounds. Annotations are a convenience copy of the ledger (which
 * budget status and the CSV export read directly), so they get a fixed share of the API server and
 * never hold up accounting.
 */
@ConfigMapping(prefix = "wattkeeper.annotate")
public interface AnnotateConfig {

  /**
   * Pod patch requests per second, cluster-wide (the operator runs one replica). At 20,000 pods a
   * full refresh at 50/s takes under 7 minutes; the most stale and most changed pods go first.
   */
  @WithDefault("50")
  double maxWritesPerSecond();

  /** Pod writes in flight at once. */
  @WithDefault("4")
  int concurrency();

  /** How often the ledger is asked which pods are due for a write. */
  @WithDefault("1s")
  Duration planInterval();
}
