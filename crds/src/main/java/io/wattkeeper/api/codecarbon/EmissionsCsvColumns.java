package io.wattkeeper.api.codecarbon;

import java.util.List;
import java.util.regex.Pattern;

/**
 * CodeCarbon's {@code emissions.csv} columns, in the field order of CodeCarbon's
 * output_methods/emissions_data.py {@code EmissionsData} (v3), so files written by the {@code
 * measure} tool and by the operator's export load in notebooks and dashboards built for CodeCarbon.
 * One list for both writers.
 */
public final class EmissionsCsvColumns {
  public static final List<String> HEADER =
      List.of(
          "timestamp",
          "project_name",
          "run_id",
          "experiment_id",
          "duration",
          "emissions",
          "emissions_rate",
          "cpu_power",
          "gpu_power",
          "ram_power",
          "cpu_energy",
          "gpu_energy",
          "ram_energy",
          "energy_consumed",
          "water_consumed",
          "country_name",
          "country_iso_code",
          "region",
          "cloud_provider",
          "cloud_region",
          "os",
          "python_version",
          "codecarbon_version",
          "cpu_count",
          "cpu_model",
          "gpu_count",
          "gpu_model",
          "longitude",
          "latitude",
          "ram_total_size",
          "tracking_mode",
          "cpu_utilization_percent",
          "gpu_utilization_percent",
          "ram_utilization_percent",
          "ram_used_gb",
          "on_cloud",
          "pue",
          "wue");

  private EmissionsCsvColumns() {}

  /** A plain decimal number: no spreadsheet reads it as a formula, so it is written as is. */
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** First characters that make a spreadsheet evaluate a cell (OWASP CSV injection). */
  private static final String FORMULA_START = "=+-@\t\r";

  /**
   * One CSV field: null is empty; quoted when it holds a comma, quote, CR or LF. A text cell that
   * begins with {@code = + - @}, tab or CR would be run as a formula by spreadsheet programs (CSV
   * injection): it gets a leading {@code '} and is quoted, OWASP's rule. Plain numbers ({@code
   * -0.5}, {@code 1e-3}) stay numbers.
   */
  public static String escape(String v) {
    if (v == null || v.isEmpty()) {
      return "";
    }
    boolean formula = FORMULA_START.indexOf(v.charAt(0)) >= 0 && !NUMBER.matcher(v).matches();
    if (formula) {
      return "\"'" + v.replace("\"", "\"\"") + "\"";
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
