package io.wattkeeper.operator.carbon;

import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.carbon.GridIntensity;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns a zone into an intensity: live provider when configured and fresh, else the built-in table,
 * else the world average, which then says which zone was unknown.
 */
public final class IntensityResolver {

  private final CarbonIntensityTable table;
  private final Optional<LiveIntensityProvider> live;

  public IntensityResolver(CarbonIntensityTable table, Optional<LiveIntensityProvider> live) {
    this.table = table;
    this.live = live;
  }

  /** Intensity for a node's zone; {@code zone} empty means the node has no zone at all. */
  public GridIntensity forZone(Optional<String> zone) {
    if (zone.isEmpty()) {
      return CarbonIntensityTable.WORLD_AVERAGE;
    }
    String z = zone.get();
    if (live.isPresent()) {
      Optional<GridIntensity> v = live.get().latest(z);
      if (v.isPresent()) {
        return v.get();
      }
    }
    return table
        .lookup(z)
        .orElseGet(
            () ->
                new GridIntensity(
                    z,
                    "fallback",
                    CarbonIntensityTable.WORLD_AVERAGE.gramsPerKWh(),
                    CarbonIntensityTable.WORLD_AVERAGE.year(),
                    CarbonIntensityTable.WORLD_AVERAGE.source() + "; zone not in table"));
  }

  /**
   * The budget's {@code accounting.carbonIntensity} wins over the node: a fixed value, else its
   * zone looked up like a node's.
   */
  public GridIntensity withOverride(String zone, Double gramsPerKWh, GridIntensity nodeValue) {
    if (gramsPerKWh != null) {
      return new GridIntensity(
          zone == null ? "custom" : zone,
          "override",
          gramsPerKWh,
          OptionalInt.empty(),
          "budget spec.accounting.carbonIntensity");
    }
    if (zone != null) {
      return forZone(Optional.of(zone));
    }
    return nodeValue;
  }
}
