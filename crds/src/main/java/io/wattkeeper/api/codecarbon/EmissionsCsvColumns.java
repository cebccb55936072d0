package io.wattkeeper.api.codecarbon;

import java.util.List;

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

  /** One CSV field: quoted when it holds a comma, quote or newline; null is empty. */
  public static String escape(String v) {
    if (v == null) {
      return "";
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
