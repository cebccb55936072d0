package io.wattkeeper.agent.cli;

import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.carbon.GridIntensity;
import java.util.Optional;

/** Grid intensity for measure: --zone, else config, else the world average, with its source. */
final class Carbon {
  private Carbon() {}

  /** The intensity and a warning when the zone was given but unknown. */
  record Resolved(GridIntensity intensity, String requestedZone, String warning) {}

  static Resolved resolve(Optional<String> zone) {
    if (zone.isEmpty()) {
      return new Resolved(CarbonIntensityTable.WORLD_AVERAGE, null, null);
    }
    Optional<GridIntensity> hit = CarbonIntensityTable.builtIn().lookup(zone.get());
    if (hit.isPresent()) {
      return new Resolved(hit.get(), zone.get(), null);
    }
    return new Resolved(
        CarbonIntensityTable.WORLD_AVERAGE,
        zone.get(),
        "zone '" + zone.get() + "' is not in the built-in table: using the world average");
  }
}
