package io.wattkeeper.agent.cli;

import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.carbon.GridIntensity;
import java.util.List;
import java.util.Optional;

/** Grid intensity for measure: --zone, else config, else the world average, with its source. */
final class Carbon {
  private Carbon() {}

  /**
   * The intensity, where it applies and a warning when the zone was given but unknown.
   *
   * @param country the zone's country (alpha-3, name, region); WLD / World for the world average
   */
  record Resolved(
      GridIntensity intensity,
      String requestedZone,
      String warning,
      ZoneCountries.Country country) {

    /** aws, gcp or azure for a cloud region, else empty. */
    String cloudProvider() {
      return List.of("aws", "gcp", "azure").contains(intensity.kind()) ? intensity.kind() : "";
    }

    String cloudRegion() {
      return cloudProvider().isEmpty() ? "" : intensity.zone();
    }
  }

  static Resolved resolve(Optional<String> zone) {
    if (zone.isEmpty()) {
      return new Resolved(CarbonIntensityTable.WORLD_AVERAGE, null, null, ZoneCountries.WORLD);
    }
    Optional<GridIntensity> hit = CarbonIntensityTable.builtIn().lookup(zone.get());
    if (hit.isPresent()) {
      return new Resolved(
          hit.get(),
          zone.get(),
          null,
          ZoneCountries.of(hit.get().zone()).orElse(ZoneCountries.WORLD));
    }
    return new Resolved(
        CarbonIntensityTable.WORLD_AVERAGE,
        zone.get(),
        "zone '" + zone.get() + "' is not in the built-in table: using the world average",
        ZoneCountries.WORLD);
  }
}
