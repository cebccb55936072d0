package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.gpu.GpuSample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs measure on this machine, on real child processes (no RAPL here: the model). */
class MeasureCommandTest {
  static final String BUSY = "i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done; exit 7";

  @TempDir Path tmp;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int measure(Map<String, String> env, String... args) {
    return MeasureCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new SimpleConfig(env),
        CodeCarbonConfig.NONE,
        GpuMeter.NONE);
  }

  @Test
  void measuresABusyChildPropagatesItsExitCodeAndWritesCodeCarbonCsv() throws Exception {
    int code =
        measure(
            Map.of(),
            "--format",
            "json",
            "--output-dir",
            tmp.toString(),
            "--zone",
            "FR",
            "--",
            "sh",
            "-c",
            BUSY);
    assertThat(code).isEqualTo(7);
    JsonNode r = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(r.get("exitCode").asInt()).isEqualTo(7);
    assertThat(r.get("cpuSeconds").asDouble()).isGreaterThan(0.05);
    assertThat(r.get("cpuJoules").asDouble()).isGreaterThan(0);
    assertThat(r.get("energyKWh").asDouble()).isGreaterThan(0);
    assertThat(r.get("co2eKg").asDouble()).isGreaterThan(0);
    assertThat(r.get("sources").get("cpu").asText()).isEqualTo("model");
    assertThat(r.get("estimated").asBoolean()).isTrue();
    assertThat(r.get("model").get("source").asText()).isNotBlank();
    assertThat(r.get("carbonIntensity").get("zone").asText()).isEqualTo("FR");
    assertThat(r.get("carbonIntensity").get("source").asText()).isNotBlank();
    double kwh = r.get("energyKWh").asDouble();
    double grams = r.get("carbonIntensity").get("gramsPerKWh").asDouble();
    assertThat(r.get("co2eKg").asDouble())
        .isCloseTo(kwh * grams / 1000, org.assertj.core.api.Assertions.within(1e-15));

    List<String> csv = Files.readAllLines(tmp.resolve("emissions.csv"));
    assertThat(csv.get(0)).isEqualTo(EmissionsCsvTest.CODECARBON_HEADER);
    assertThat(csv).hasSize(2);
    String[] row = csv.get(1).split(",", -1);
    assertThat(row).hasSize(38);
    assertThat(Double.parseDouble(row[13]))
        .isCloseTo(kwh, org.assertj.core.api.Assertions.withinPercentage(0.001)); // energy_consumed
    assertThat(row[16]).isEqualTo("FRA"); // country_iso_code, alpha-3 as CodeCarbon
    assertThat(row[15]).isEqualTo("France"); // country_name
    assertThat(row[30]).isEqualTo("process"); // tracking_mode
  }

  @Test
  void worldAverageWhenNoZoneAndTextOnStderr() {
    int code = measure(Map.of(), "--output-dir", tmp.toString(), "--", "true");
    assertThat(code).isZero();
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("475.0 g/kWh")
        .contains("world average")
        .contains("sources          cpu=model");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void zoneFromConfigAndUnknownZoneWarning() throws Exception {
    measure(
        Map.of("WATTKEEPER_AGENT_ZONE", "DE"),
        "--format",
        "json",
        "--output-dir",
        tmp.toString(),
        "--",
        "true");
    assertThat(
            new ObjectMapper()
                .readTree(out.toString(StandardCharsets.UTF_8))
                .get("carbonIntensity")
                .get("zone")
                .asText())
        .isEqualTo("DE");
    out.reset();
    measure(
        Map.of(),
        "--format",
        "json",
        "--zone",
        "Atlantis",
        "--output-dir",
        tmp.toString(),
        "--",
        "true");
    JsonNode r = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(r.get("carbonIntensity").get("gramsPerKWh").asDouble()).isEqualTo(475.0);
    assertThat(r.get("carbonWarning").asText()).contains("Atlantis");
  }

  @Test
  void aRowThatCannotBeWrittenIsAnErrorAndShowsInTheExitStatus() throws Exception {
    Path notADirectory = tmp.resolve("file");
    Files.writeString(notADirectory, "x");
    Path dir = notADirectory.resolve("out");
    assertThat(measure(Map.of(), "--output-dir", dir.toString(), "--", "true"))
        .isEqualTo(MeasureCommand.ROW_NOT_WRITTEN);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("ERROR: the emissions.csv row was NOT written to " + dir)
        // The JDK's message for a file-system error is the path alone: the reason is said too.
        .containsIgnoringCase("not a directory");
    Path dangling = tmp.resolve("dangling.csv");
    Files.createSymbolicLink(dangling, tmp.resolve("nowhere/x.csv"));
    assertThat(
            measure(
                Map.of(),
                "--output-dir",
                tmp.toString(),
                "--output-file",
                "dangling.csv",
                "--",
                "true"))
        .isEqualTo(MeasureCommand.ROW_NOT_WRITTEN);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .containsIgnoringCase("no such file or directory");
    // A failed command's own status is never hidden by the lost row.
    assertThat(measure(Map.of(), "--output-dir", dir.toString(), "--", "sh", "-c", "exit 7"))
        .isEqualTo(7);
    assertThat(MeasureCommand.exitStatus(0, true)).isZero();
    assertThat(MeasureCommand.exitStatus(130, false)).isEqualTo(130);
  }

  @Test
  void badArgumentsAndMissingCommands() {
    assertThat(measure(Map.of(), "--format", "xml", "--", "true")).isEqualTo(2);
    assertThat(measure(Map.of(), "--duration", "soon")).isEqualTo(2);
    assertThat(measure(Map.of())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--format must be text or json");
    assertThat(measure(Map.of(), "--output-dir", tmp.toString(), "--", "/nonexistent/command"))
        .isEqualTo(127);
  }

  @Test
  void machineModeListsTheBusiestProcesses() throws Exception {
    int code =
        measure(
            Map.of(),
            "--duration",
            "1500ms",
            "--interval",
            "500ms",
            "--format",
            "json",
            "--output-dir",
            tmp.toString());
    assertThat(code).isZero();
    JsonNode r = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(r.get("durationSeconds").asDouble()).isGreaterThan(1.0);
    assertThat(r.get("cpuJoules").asDouble()).isGreaterThan(0);
    assertThat(r.get("processes").isArray()).isTrue();
    assertThat(r.get("cgroups").isArray()).isTrue();
    assertThat(Files.readAllLines(tmp.resolve("emissions.csv")).get(1)).contains(",machine,");
  }

  @Test
  void treeScanFollowsNewDescendantsAndReadsOnlyNewOrTreeProcesses() throws Exception {
    io.wattkeeper.agent.testing.HostFixture f =
        new io.wattkeeper.agent.testing.HostFixture(tmp).machine("Mystery CPU", 2, true);
    f.process(100, 1, "sh", 10, "/")
        .process(101, 100, "python", 20, "/")
        .process(200, 1, "other", 5, "/");
    MachineContext m =
        new MachineContext(
            new io.wattkeeper.agent.host.HostPaths(tmp), new SimpleConfig(Map.of()), GpuMeter.NONE);
    Set<Integer> tree = new java.util.HashSet<>(Set.of(100));
    Map<Integer, Long> ticks = new java.util.HashMap<>();
    Set<Integer> outside = new java.util.HashSet<>();
    double rss = CommandRun.scanTree(m, tree, ticks, outside, true);
    assertThat(tree).containsExactlyInAnyOrder(100, 101);
    assertThat(outside).containsExactly(200);
    assertThat(rss).isEqualTo(2 * 2560 * 4096.0);
    // A grandchild and its child appear; an outsider's stat turns to garbage (not re-read).
    f.process(102, 101, "worker", 7, "/")
        .process(103, 102, "worker", 3, "/")
        .process(201, 1, "x", 1, "/");
    io.wattkeeper.agent.testing.HostFixture.write(tmp.resolve("proc/200/stat"), "garbage");
    f.process(101, 100, "python", 50, "/");
    CommandRun.scanTree(m, tree, ticks, outside, false);
    assertThat(tree).containsExactlyInAnyOrder(100, 101, 102, 103);
    assertThat(outside).containsExactlyInAnyOrder(200, 201);
    assertThat(ticks).containsEntry(101, 50L).containsEntry(103, 3L);
  }

  @Test
  void durations() {
    assertThat(MeasureOptions.parseDuration("30s").toSeconds()).isEqualTo(30);
    assertThat(MeasureOptions.parseDuration("5m").toMinutes()).isEqualTo(5);
    assertThat(MeasureOptions.parseDuration("PT1H").toHours()).isEqualTo(1);
    assertThat(MeasureOptions.parseDuration("250ms").toMillis()).isEqualTo(250);
  }

  @Test
  void gpuShareOfTheTree() {
    GpuSample g =
        new GpuSample(
            "G",
            "x",
            100,
            Double.NaN,
            80,
            300,
            300,
            100,
            400,
            List.of(new GpuSample.GpuProcess(10, 0, 30), new GpuSample.GpuProcess(20, 0, 50)));
    assertThat(CommandRun.treeShare(g, Set.of(10))).isEqualTo(0.3);
    assertThat(CommandRun.treeShare(g, Set.of(99))).isZero();
    GpuSample unknown =
        new GpuSample(
            "G",
            "x",
            100,
            Double.NaN,
            80,
            300,
            300,
            100,
            400,
            List.of(
                new GpuSample.GpuProcess(10, 0, Double.NaN),
                new GpuSample.GpuProcess(20, 0, Double.NaN)));
    assertThat(CommandRun.treeShare(unknown, Set.of(10)))
        .isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-12));
  }
}
