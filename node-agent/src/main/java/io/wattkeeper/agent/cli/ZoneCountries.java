package io.wattkeeper.agent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each zone of the built-in carbon table lies, as CodeCarbon writes it: {@code
 * country_iso_code} (ISO 3166 alpha-3), {@code country_name}, {@code region}. Countries from
 * CodeCarbon's global_energy_mix.json, GCP regions from its cloud-impact.csv, AWS and Azure regions
 * from the providers' published locations; {@code world} (the world average) as WLD / World.
 * Derived by {@code scripts/derive-zone-countries.py}.
 */
final class ZoneCountries {
  /** A zone's country. */
  record Country(String alpha3, String name, String region) {}

  static final Country WORLD = new Country("WLD", "World", "");

  private static final Map<String, Country> BY_ZONE = load();

  private ZoneCountries() {}

  /** The country of a zone as the carbon table names it (FR, europe-west4, world). */
  static Optional<Country> of(String zone) {
    return Optional.ofNullable(BY_ZONE.get(zone));
  }

  static int size() {
    return BY_ZONE.size();
  }

  private static Map<String, Country> load() {
    Map<String, Country> m = new HashMap<>();
    try (InputStream in = ZoneCountries.class.getResourceAsStream("zone-countries.csv")) {
      if (in == null) {
        throw new IllegalStateException("zone-countries.csv missing from the jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String header = r.readLine();
      if (!"zone,alpha3,country_name,region".equals(header)) {
        throw new IllegalStateException("zone-countries.csv: unexpected header " + header);
      }
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",", -1);
        if (f.length != 4 || line.indexOf('"') >= 0) {
          throw new IllegalStateException("zone-countries.csv: malformed line " + line);
        }
        m.put(f[0], new Country(f[1], f[2], f[3]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(m);
  }
}
