package io.wattkeeper.operator.ledger;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Ledger settings. The chart sets PUE and the annotation interval through env variables. */
@ConfigMapping(prefix = "wattkeeper.ledger")
public interface LedgerConfig {

  /** Power usage effectiveness applied to IT energy unless a budget sets its own. */
  @WithDefault("1.0")
  double pue();

  /** Pod annotations are written at most this often per pod. */
  @WithDefault("60s")
  Duration annotationInterval();

  /** ... and only when a value moved by at least this fraction (0.01 = 1%). */
  @WithDefault("0.01")
  double annotationMinChange();

  /**
   * New usage reaches budget status at most this often (report time); phase, spec and period
   * changes are written at once.
   */
  @WithDefault("60s")
  Duration statusInterval();

  /** Closed periods kept in status.history. */
  @WithDefault("6")
  int historyLength();

  /** A budget with pods but no report for them this long is Unknown. */
  @WithDefault("5m")
  Duration staleAfter();

  /** No burn-rate forecast before this much of the period has data. */
  @WithDefault("15m")
  Duration forecastMinElapsed();

  /**
   * A report stamped further than this ahead of the operator's clock is refused; one within it is
   * taken as stamped now (periods follow the operator's clock).
   */
  @WithDefault("2m")
  Duration maxClockSkew();

  /**
   * The most one node can draw (W): a counter that grew faster than this over its interval is
   * refused, not charged.
   */
  @WithDefault("25000")
  double maxNodeWatts();
}
