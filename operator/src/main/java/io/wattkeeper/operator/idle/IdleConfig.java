package io.wattkeeper.operator.idle;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Idle detection and scale-to-zero settings. */
@ConfigMapping(prefix = "wattkeeper.idle")
public interface IdleConfig {

  /** Report interval assumed when a NodeEnergyReport does not state its own. */
  @WithDefault("30s")
  Duration reportInterval();

  /**
   * A gap between two samples of a pod longer than this many report intervals breaks an idle run
   * (unknown is not idle); the latest sample older than this is stale.
   */
  @WithDefault("2.5")
  double gapIntervals();

  /**
   * How long per-pod samples are kept in memory at least; raised automatically to the longest
   * idle.after in use (plus four report intervals).
   */
  @WithDefault("1h")
  Duration historyRetention();

  /** How often a budget is re-evaluated when nothing changes. */
  @WithDefault("30s")
  Duration resyncInterval();
}
