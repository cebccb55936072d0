package io.wattkeeper.operator.enforce;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Budget enforcement settings. */
@ConfigMapping(prefix = "wattkeeper.enforce")
public interface EnforceConfig {

  /** How often an enforcing budget is re-evaluated when nothing changes. */
  @WithDefault("60s")
  Duration resyncInterval();

  /**
   * Master switch: when false the operator records what it would do (as DryRun) whatever a budget's
   * mode says. For a first rollout.
   */
  @WithDefault("true")
  boolean enabled();
}
