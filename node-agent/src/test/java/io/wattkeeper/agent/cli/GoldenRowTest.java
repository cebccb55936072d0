package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row written by measure, read back the way CodeCarbon's users read it: the column list and types
 * of CodeCarbon's {@code EmissionsData} dataclass (codecarbon/output_methods/emissions_data.py at
 * mlco2/codecarbon b05965e4, 2026-08-08), and a pandas-like typed reader (pandas.read_csv: an empty
 * cell is NaN in every column; a float column must parse as Python's float()).
 */
class GoldenRowTest {
  /** EmissionsData's fields in order, with their declared types. */
  static final Map<String, String> CODECARBON_COLUMNS = new LinkedHashMap<>();

  static {
    String[][] fields = {
      {"timestamp", "str"},
      {"project_name", "str"},
      {"run_id", "str"},
      {"experiment_id", "str"},
      {"duration", "float"},
      {"emissions", "float"},
      {"emissions_rate", "float"},
      {"cpu_power", "float"},
      {"gpu_power", "float"},
      {"ram_power", "float"},
      {"cpu_energy", "float"},
      {"gpu_energy", "float"},
      {"ram_energy", "float"},
      {"energy_consumed", "float"},
      {"water_consumed", "float"},
      {"country_name", "str"},
      {"country_iso_code", "str"},
      {"region", "str"},
      {"cloud_provider", "str"},
      {"cloud_region", "str"},
      {"os", "str"},
      {"python_version", "str"},
      {"codecarbon_version", "str"},
      {"cpu_count", "float"},
      {"cpu_model", "str"},
      {"gpu_count", "float"},
      {"gpu_model", "str"},
      {"longitude", "float"},
      {"latitude", "float"},
      {"ram_total_size", "float"},
      {"tracking_mode", "str"},
      {"cpu_utilization_percent", "float"},
      {"gpu_utilization_percent", "float"},
      {"ram_utilization_percent", "float"},
      {"ram_used_gb", "float"},
      {"on_cloud", "str"},
      {"pue", "float"},
      {"wue", "float"}
    };
    for (String[] f : fields) {
      CODECARBON_COLUMNS.put(f[0], f[1]);
    }
  }

  /**
   * Columns CodeCarbon's offline tracker may leave empty (None or ""): region and the cloud columns
   * off the cloud, longitude/latitude. measure also leaves python_version and codecarbon_version
   * empty (no Python, no CodeCarbon). Every other column must be filled, or pandas reads NaN where
   * CodeCarbon's tools expect a value (carbonboard calls country_iso_code.upper()).
   */
  static final Set<String> MAY_BE_EMPTY =
      Set.of(
          "region",
          "cloud_provider",
          "cloud_region",
          "longitude",
          "latitude",
          "python_version",
          "codecarbon_version",
          "gpu_model",
          "experiment_id");

  /** Python's float() literal (what pandas' C parser accepts for a float column). */
  static final Pattern PYTHON_FLOAT =
      Pattern.compile("[+-]?((\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|inf|nan)");

  @TempDir Path tmp;

  @Test
  void headerIsCodeCarbonsColumnList() {
    assertThat(EmissionsCsv.HEADER).containsExactlyElementsOf(CODECARBON_COLUMNS.keySet());
  }

  @Test
  void aFixedRowIsByteForByteAsExpected() {
    Carbon.Resolved fr = Carbon.resolve(Optional.of("FRA"));
    EmissionsRow row =
        new EmissionsRow(
            LocalDateTime.of(2026, 12, 5, 9, 30, 15, 999_000_000),
            "proj",
            "3f0c5d7a-0000-4000-8000-000000000001",
            "",
            10.0,
            360.0,
            0.0,
            36.0,
            1.0,
            0.0,
            fr.intensity().gramsPerKWh(),
            fr,
            "Linux-6.8",
            2,
            "AMD EPYC, \"Rome\"",
            0,
            "",
            25_276_000_000L,
            "process",
            12.5,
            0.0,
            40.0,
            2_147_483_648.0);
    List<String> cells = new ArrayList<>();
    for (String v : row.values()) {
      cells.add(io.wattkeeper.api.codecarbon.EmissionsCsvColumns.escape(v));
    }
    double kwh = 396.0 / 3.6e6;
    double kg = kwh * fr.intensity().gramsPerKWh() / 1000;
    assertThat(String.join(",", cells))
        .isEqualTo(
            "2026-12-05T09:30:15,proj,3f0c5d7a-0000-4000-8000-000000000001,,10.0,"
                + kg
                + ","
                + kg / 10
                + ",36.0,0.0,3.6,1.0E-4,0.0,1.0E-5,"
                + kwh
                + ",0.0,France,FRA,,,,Linux-6.8,,,2,\"AMD EPYC, \"\"Rome\"\"\",0,,,,"
                + 25_276_000_000L / (1024.0 * 1024 * 1024)
                + ",process,12.5,0.0,40.0,2.0,N,1.0,0.0");
  }

  @Test
  void aRowWrittenByMeasureReadsWithCodeCarbonsColumnsAndTypes() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream quiet = new PrintStream(sink, true, StandardCharsets.UTF_8);
    for (String zone : List.of("europe-west4", "DE")) {
      assertThat(
              MeasureCommand.run(
                  new String[] {"--zone", zone, "--output-dir", tmp.toString(), "--", "true"},
                  quiet,
                  quiet,
                  new SimpleConfig(Map.of()),
                  CodeCarbonConfig.NONE,
                  GpuMeter.NONE))
          .isZero();
    }
    assertThat(
            MeasureCommand.run(
                new String[] {
                  "--duration", "200ms", "--interval", "100ms", "--output-dir", tmp.toString()
                },
                quiet,
                quiet,
                new SimpleConfig(Map.of()),
                CodeCarbonConfig.NONE,
                GpuMeter.NONE))
        .isZero();
    List<String> lines = Files.readAllLines(tmp.resolve("emissions.csv"));
    assertThat(lines).hasSize(4);
    List<String> header = parseCsvLine(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      Map<String, Object> typed = readTyped(header, parseCsvLine(line));
      typed.forEach(
          (column, value) -> {
            if (!MAY_BE_EMPTY.contains(column)) {
              assertThat(value).as(column + " in " + line).isNotNull();
            }
          });
      // What CodeCarbon's own tools do with a row: carbonboard, compute_delta_emission.
      assertThat(((String) typed.get("country_iso_code")).toUpperCase()).matches("[A-Z]{3}");
      assertThat((Double) typed.get("duration")).isPositive();
      assertThat((Double) typed.get("energy_consumed"))
          .isCloseTo(
              (Double) typed.get("cpu_energy")
                  + (Double) typed.get("gpu_energy")
                  + (Double) typed.get("ram_energy"),
              org.assertj.core.api.Assertions.within(1e-15));
      assertThat((Double) typed.get("ram_total_size")).isBetween(0.01, 1e5); // GiB, not bytes
      assertThat(typed.get("on_cloud")).isIn("Y", "N");
      assertThat(typed.get("tracking_mode")).isIn("machine", "process");
    }
    Map<String, Object> gcp = readTyped(header, parseCsvLine(lines.get(1)));
    assertThat(gcp.get("country_iso_code")).isEqualTo("NLD");
    assertThat(gcp.get("cloud_provider")).isEqualTo("gcp");
    assertThat(
            CarbonIntensityTable.builtIn().lookup("europe-west4").orElseThrow().gramsPerKWh()
                * (Double) gcp.get("energy_consumed")
                / 1000)
        .isCloseTo((Double) gcp.get("emissions"), org.assertj.core.api.Assertions.within(1e-15));
  }

  /**
   * pandas.read_csv with CodeCarbon's dtypes: empty is NaN (null here) in every column; a float
   * column holds a Python float literal, else the read fails.
   */
  static Map<String, Object> readTyped(List<String> header, List<String> cells) {
    assertThat(header).containsExactlyElementsOf(CODECARBON_COLUMNS.keySet());
    assertThat(cells).hasSameSizeAs(header);
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String column = header.get(i);
      String cell = cells.get(i);
      if (cell.isEmpty()) {
        out.put(column, null);
      } else if (CODECARBON_COLUMNS.get(column).equals("float")) {
        assertThat(cell).as(column).matches(PYTHON_FLOAT);
        out.put(column, Double.parseDouble(cell));
      } else {
        out.put(column, cell);
      }
    }
    return out;
  }

  /** One RFC 4180 record on one line (no embedded newlines in our rows). */
  static List<String> parseCsvLine(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
