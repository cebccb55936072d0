package io.wattkeeper.operator.export;

import static io.wattkeeper.api.codecarbon.EmissionsCsvColumns.escape;

import io.wattkeeper.api.codecarbon.EmissionsCsvColumns;
import io.wattkeeper.operator.ledger.UsageSnapshot;
import io.wattkeeper.operator.ledger.UsageTotals;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One budget's per-pod usage in CodeCarbon's {@code emissions.csv} layout (v3 column order), so the
 * files load in the tools finance and sustainability teams already use. Units as CodeCarbon: kWh,
 * kgCO2e, W, seconds. Values we do not know are left empty, never guessed. Powers are mean IT power
 * (before PUE), energies include PUE, as in CodeCarbon.
 */
public final class CodeCarbonCsv {

  public static final List<String> HEADER = EmissionsCsvColumns.HEADER;

  /** Extra columns, only when asked for: they break CodeCarbon's strict header check. */
  public static final List<String> EXTENDED =
      List.of("measured_fraction", "node", "pod", "requests", "generated_tokens");

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private CodeCarbonCsv() {}

  public static String write(UsageSnapshot s, boolean extended) {
    StringBuilder out = new StringBuilder();
    out.append(String.join(",", HEADER));
    if (extended) {
      out.append(',').append(String.join(",", EXTENDED));
    }
    out.append('\n');
    for (UsageSnapshot.Row r : s.rows()) {
      UsageTotals t = r.totals();
      double seconds =
          r.first() == null || r.last() == null
              ? 0
              : Math.max(0, Duration.between(r.first(), r.last()).toMillis() / 1000.0);
      double kg = t.co2eGrams / 1000.0;
      String[] row = new String[HEADER.size()];
      java.util.Arrays.fill(row, "");
      row[col("timestamp")] = r.last() == null ? "" : TS.format(r.last());
      row[col("project_name")] = s.namespace() + "/" + s.budget();
      row[col("run_id")] = r.uid();
      row[col("experiment_id")] = r.namespace() + "/" + r.name();
      row[col("duration")] = num(seconds);
      row[col("emissions")] = num(kg);
      row[col("emissions_rate")] = seconds > 0 ? num(kg / seconds) : "";
      row[col("cpu_power")] = power(t.cpuWh, s.pue(), seconds);
      row[col("gpu_power")] = power(t.gpuWh, s.pue(), seconds);
      row[col("ram_power")] = power(t.memoryWh, s.pue(), seconds);
      row[col("cpu_energy")] = num(t.cpuWh / 1000.0);
      row[col("gpu_energy")] = num(t.gpuWh / 1000.0);
      row[col("ram_energy")] = num(t.memoryWh / 1000.0);
      row[col("energy_consumed")] = num(t.energyWh / 1000.0);
      String zone = r.zone() == null ? "" : r.zone();
      if (zone.length() == 2) {
        row[col("country_iso_code")] = zone.toUpperCase(Locale.ROOT);
      } else {
        row[col("region")] = zone;
      }
      row[col("tracking_mode")] = "pod";
      row[col("pue")] = num(s.pue());
      out.append(csv(row));
      if (extended) {
        double mf = t.measuredFraction();
        out.append(',').append(Double.isNaN(mf) ? "" : num(mf));
        out.append(',').append(escape(r.node()));
        out.append(',').append(escape(r.name()));
        // Functional units counted by the pod's server in windows matched to its energy; empty
        // when the pod reports none (unknown, not zero).
        out.append(',').append(r.requests() == null ? "" : num(r.requests()));
        out.append(',').append(r.generatedTokens() == null ? "" : num(r.generatedTokens()));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String power(double wh, double pue, double seconds) {
    return seconds > 0 ? num(wh / pue * 3600.0 / seconds) : "";
  }

  /** A column's position in CodeCarbon's header, by name: the order is the header's, not ours. */
  private static int col(String name) {
    int i = HEADER.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no CodeCarbon column " + name);
    }
    return i;
  }

  private static String num(double v) {
    return Double.isNaN(v)
        ? ""
        : String.format(Locale.ROOT, "%.9g", v).replaceAll("\\.?0+(?=e|$)", "");
  }

  private static String csv(String[] row) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < row.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(escape(row[i]));
    }
    return b.toString();
  }
}
