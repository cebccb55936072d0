package io.wattkeeper.agent.cli;

import static io.wattkeeper.api.codecarbon.EmissionsCsvColumns.escape;

import io.wattkeeper.api.codecarbon.EmissionsCsvColumns;
import java.io.BufferedReader;
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
  public static final List<String> HEADER = EmissionsCsvColumns.HEADER;

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
    if (Files.exists(file) && !header.equals(firstLine(file))) {
      Files.move(file, dir.resolve("emissions.csv.bak"), StandardCopyOption.REPLACE_EXISTING);
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

  /** Only the header line: the file grows by a row per run and need not be read whole. */
  private static String firstLine(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return r.readLine();
    }
  }
}
