package io.wattkeeper.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends rows to emissions.csv with CodeCarbon's exact column header (the field order of
 * codecarbon output_methods/emissions_data.py EmissionsData), so notebooks and dashboards built for
 * CodeCarbon read it. A file with another header is kept as emissions.csv.bak, as CodeCarbon does.
 */
public final class EmissionsCsv {
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

  private EmissionsCsv() {}

  /** Appends one row (values in HEADER order); returns the file written. */
  public static Path append(Path dir, List<String> values) throws IOException {
    if (values.size() != HEADER.size()) {
      throw new IllegalArgumentException(
          "emissions.csv row has " + values.size() + " values, header has " + HEADER.size());
    }
    Files.createDirectories(dir);
    Path file = dir.resolve("emissions.csv");
    String header = String.join(",", HEADER);
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals(header)) {
        Files.move(file, dir.resolve("emissions.csv.bak"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    StringBuilder out = new StringBuilder();
    if (!Files.exists(file)) {
      out.append(header).append('\n');
    }
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(escape(values.get(i)));
    }
    out.append('\n');
    Files.writeString(
        file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return file;
  }

  static String escape(String v) {
    if (v == null) {
      return "";
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
