package io.wattkeeper.api.carbon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The built-in, offline carbon-intensity table: countries (Ember/OWID via CodeCarbon) and the cloud
 * regions of AWS, GCP and Azure (Google, Cloud Carbon Footprint). Derived reproducibly by {@code
 * scripts/derive-carbon-table.py}; sources and licences in NOTICE.
 */
public final class CarbonIntensityTable {

  /** CodeCarbon's world-average fallback (IEA 2019). */
  public static final GridIntensity WORLD_AVERAGE =
      new GridIntensity("world", "fallback", 475.0, OptionalInt.of(2019), "world average (IEA)");

  private static final String RESOURCE = "carbon-intensity.csv";
  private static volatile CarbonIntensityTable builtIn;

  private final Map<String, GridIntensity> byZone;
  private final Map<String, String> alpha3ToAlpha2;

  CarbonIntensityTable(Map<String, GridIntensity> byZone) {
    this.byZone = Map.copyOf(byZone);
    Map<String, String> a3 = new HashMap<>();
    for (String c : Locale.getISOCountries()) {
      try {
        a3.put(new Locale("", c).getISO3Country(), c);
      } catch (MissingResourceException e) {
        // A code with no alpha-3 form: only alpha-2 lookups reach it.
      }
    }
    this.alpha3ToAlpha2 = Map.copyOf(a3);
  }

  /** The table shipped in this jar, loaded once. */
  public static CarbonIntensityTable builtIn() {
    CarbonIntensityTable t = builtIn;
    if (t == null) {
      synchronized (CarbonIntensityTable.class) {
        if (builtIn == null) {
          builtIn = load();
        }
        t = builtIn;
      }
    }
    return t;
  }

  /**
   * Looks a zone up: an ISO alpha-2 or alpha-3 country code (any case), or a cloud region as
   * Kubernetes labels it ({@code us-east-1}, {@code europe-west4}, {@code westeurope}; Azure
   * display names such as "West Europe" are accepted too). Empty when unknown: callers decide the
   * fallback and say so.
   */
  public Optional<GridIntensity> lookup(String zone) {
    if (zone == null || zone.isBlank()) {
      return Optional.empty();
    }
    String z = zone.trim();
    GridIntensity hit = byZone.get(z);
    if (hit == null) {
      hit = byZone.get(z.toLowerCase(Locale.ROOT).replace(" ", ""));
    }
    if (hit == null && (z.length() == 2 || z.length() == 3)) {
      String upper = z.toUpperCase(Locale.ROOT);
      hit = byZone.get(z.length() == 3 ? alpha3ToAlpha2.getOrDefault(upper, upper) : upper);
    }
    return Optional.ofNullable(hit);
  }

  /** Number of zones, for diagnostics. */
  public int size() {
    return byZone.size();
  }

  static CarbonIntensityTable load() {
    try (InputStream in = CarbonIntensityTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("built-in carbon table " + RESOURCE + " missing from jar");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CarbonIntensityTable parse(BufferedReader reader) throws IOException {
    Map<String, GridIntensity> rows = new HashMap<>();
    String header = reader.readLine();
    if (!"zone,kind,gramsPerKWh,year,source".equals(header)) {
      throw new IllegalStateException("unexpected carbon table header: " + header);
    }
    String line;
    int n = 1;
    while ((line = reader.readLine()) != null) {
      n++;
      // The source column is last and may itself contain commas (quoted by the csv writer).
      String[] f = line.split(",", 5);
      if (f.length != 5) {
        throw new IllegalStateException("carbon table line " + n + " is malformed: " + line);
      }
      String source = f[4].startsWith("\"") ? f[4].substring(1, f[4].length() - 1) : f[4];
      double grams = Double.parseDouble(f[2]);
      if (!(grams >= 0 && grams < 2000)) {
        throw new IllegalStateException(
            "carbon table line " + n + " has absurd intensity " + grams);
      }
      OptionalInt year =
          f[3].isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(f[3]));
      rows.put(f[0], new GridIntensity(f[0], f[1], grams, year, source));
    }
    return new CarbonIntensityTable(rows);
  }
}
