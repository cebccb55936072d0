package io.wattkeeper.api.carbon;

import java.util.OptionalInt;

/**
 * The average carbon intensity of a grid zone, with where it comes from.
 *
 * @param zone ISO 3166 alpha-2 country code or cloud region, as looked up
 * @param kind {@code country}, {@code aws}, {@code gcp}, {@code azure}, {@code fallback} or {@code
 *     override}
 * @param year the data year where the source states it
 */
public record GridIntensity(
    String zone, String kind, double gramsPerKWh, OptionalInt year, String source) {

  /** "Ember/OWID ... 2023" or "... (year not stated)": what users see next to a CO2e figure. */
  public String sourceWithYear() {
    return year.isPresent()
        ? source + ", " + year.getAsInt()
        : source + " (year not stated by source)";
  }
}
