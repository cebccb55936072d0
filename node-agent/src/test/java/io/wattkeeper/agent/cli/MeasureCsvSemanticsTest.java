package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.testing.HostFixture;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** emissions.csv columns with CodeCarbon's meaning, and the options a CodeCarbon user knows. */
class MeasureCsvSemanticsTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int measure(Map<String, String> env, GpuMeter gpu, String... args) {
    out.reset();
    err.reset();
    return MeasureCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new SimpleConfig(env),
        CodeCarbonConfig.load(tmp.resolve("home"), tmp.resolve("cwd"), env),
        gpu);
  }

  int measure(String... args) {
    return measure(Map.of(), GpuMeter.NONE, args);
  }

  /** The last row of a csv as column name -> cell. */
  static Map<String, String> lastRow(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",", -1);
    List<String> cells = GoldenRowTest.parseCsvLine(lines.get(lines.size() - 1));
    assertThat(cells).hasSize(header.length);
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      row.put(header[i], cells.get(i));
    }
    return row;
  }

  /** A fixture machine (16,384,000 kB, 8,000,000 free, 12,000,000 available) watched briefly. */
  Map<String, String> watchFixture(String... extra) throws Exception {
    new HostFixture(tmp.resolve("host")).machine("Mystery CPU", 2, true);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--host-root",
                tmp.resolve("host").toString(),
                "--duration",
                "300ms",
                "--interval",
                "100ms",
                "--output-dir",
                tmp.toString()));
    args.addAll(List.of(extra));
    assertThat(measure(args.toArray(String[]::new)))
        .as(err.toString(StandardCharsets.UTF_8))
        .isZero();
    return lastRow(tmp.resolve("emissions.csv"));
  }

  @Test
  void countryIsAlpha3WithItsNameAndAlpha3IsAcceptedAsZone() throws Exception {
    for (String zone : List.of("FR", "FRA", "fra")) {
      Map<String, String> row = watchFixture("--zone", zone);
      assertThat(row.get("country_iso_code")).isEqualTo("FRA");
      assertThat(row.get("country_name")).isEqualTo("France");
      assertThat(row.get("on_cloud")).isEqualTo("N");
      assertThat(row.get("cloud_provider")).isEmpty();
    }
    Map<String, String> gcp = watchFixture("--zone", "europe-west4");
    assertThat(gcp.get("country_iso_code")).isEqualTo("NLD");
    assertThat(gcp.get("country_name")).isEqualTo("Netherlands");
    assertThat(gcp.get("cloud_provider")).isEqualTo("gcp");
    assertThat(gcp.get("cloud_region")).isEqualTo("europe-west4");
    assertThat(gcp.get("on_cloud")).isEqualTo("Y");
    Map<String, String> aws = watchFixture("--zone", "us-east-1");
    assertThat(aws.get("country_iso_code")).isEqualTo("USA");
    assertThat(aws.get("country_name")).isEqualTo("United States");
    assertThat(aws.get("region")).isEqualTo("Virginia");
    Map<String, String> world = watchFixture();
    assertThat(world.get("country_iso_code")).isEqualTo("WLD");
    assertThat(world.get("country_name")).isEqualTo("World");
  }

  @Test
  void everyZoneOfTheCarbonTableHasACountry() throws Exception {
    int zones = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                io.wattkeeper.api.carbon.CarbonIntensityTable.class.getResourceAsStream(
                    "carbon-intensity.csv"),
                StandardCharsets.UTF_8))) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String zone = line.substring(0, line.indexOf(','));
        ZoneCountries.Country c =
            ZoneCountries.of(zone).orElseThrow(() -> new AssertionError(zone));
        assertThat(c.alpha3()).as(zone).matches("[A-Z]{3}");
        assertThat(c.name()).as(zone).isNotBlank();
        zones++;
      }
    }
    assertThat(zones).isGreaterThan(290);
    assertThat(ZoneCountries.size()).isEqualTo(zones + 1); // + world
  }

  @Test
  void memoryColumnsAreGibAndTheMachinesAsCodeCarbonsAndTimestampIsLocal() throws Exception {
    LocalDateTime before = LocalDateTime.now().withNano(0);
    Map<String, String> row = watchFixture();
    LocalDateTime after = LocalDateTime.now();
    assertThat(Double.parseDouble(row.get("ram_total_size")))
        .isCloseTo(16384000 * 1024.0 / (1 << 30), within(1e-9)); // 15.625 GiB
    // psutil used = total - free - buffers - cached: 8,384,000 kB
    assertThat(Double.parseDouble(row.get("ram_used_gb")))
        .isCloseTo(8384000 * 1024.0 / (1 << 30), within(1e-9));
    assertThat(Double.parseDouble(row.get("ram_utilization_percent")))
        .isCloseTo(100.0 * 4384000 / 16384000, within(1e-9));
    String ts = row.get("timestamp");
    assertThat(ts).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
    LocalDateTime written = LocalDateTime.parse(ts, EmissionsRow.TIMESTAMP);
    assertThat(written).isBetween(before, after);
    assertThat(row.get("tracking_mode")).isEqualTo("machine");
    assertThat(row.get("gpu_utilization_percent")).isEqualTo("0.0");
  }

  @Test
  void powersAreExactMeansAndPueScalesEnergyNotWatts() throws Exception {
    Map<String, String> row =
        watchFixture("--pue", "1.5", "--ram-power", "5", "--cpu-power", "100");
    double duration = Double.parseDouble(row.get("duration"));
    double ramPower = Double.parseDouble(row.get("ram_power"));
    double cpuPower = Double.parseDouble(row.get("cpu_power"));
    assertThat(ramPower).isCloseTo(5.0, within(1e-9));
    assertThat(cpuPower).isBetween(100 * 0.12 / 1.02 - 1e-9, 100.0);
    double ramKwh = Double.parseDouble(row.get("ram_energy"));
    assertThat(ramKwh).isCloseTo(5.0 * duration * 1.5 / 3.6e6, within(1e-12));
    double cpuKwh = Double.parseDouble(row.get("cpu_energy"));
    assertThat(cpuKwh).isCloseTo(cpuPower * duration * 1.5 / 3.6e6, within(1e-12));
    double energy = Double.parseDouble(row.get("energy_consumed"));
    assertThat(energy).isCloseTo(cpuKwh + ramKwh, within(1e-15));
    assertThat(Double.parseDouble(row.get("emissions"))).isCloseTo(energy * 0.475, within(1e-15));
    assertThat(row.get("pue")).isEqualTo("1.5");
    JsonNode report = reportOf("--pue", "1.5");
    assertThat(report.get("pue").asDouble()).isEqualTo(1.5);
  }

  @Test
  void wueGivesWaterAsCodeCarbonDoes() throws Exception {
    // CodeCarbon: water litres = wue x energy kWh (the PUE already in the energy); wue 0 default.
    Map<String, String> row = watchFixture("--pue", "1.5", "--wue", "1.8");
    double energy = Double.parseDouble(row.get("energy_consumed"));
    assertThat(energy).isPositive();
    assertThat(Double.parseDouble(row.get("water_consumed")))
        .isCloseTo(1.8 * energy, within(1e-15));
    assertThat(row.get("wue")).isEqualTo("1.8");
    assertThat(reportOf("--wue", "2").get("waterLitres").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(
            measure(
                Map.of("CODECARBON_WUE", "0.5", "CODECARBON_OUTPUT_DIR", tmp.toString()),
                GpuMeter.NONE,
                "--",
                "true"))
        .isZero();
    assertThat(lastRow(tmp.resolve("emissions.csv")).get("wue")).isEqualTo("0.5");
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("note:");
    assertThat(measure("--wue", "-1", "--", "true")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--wue must be at least 0 (litres of water per kWh), got '-1'");
  }

  JsonNode reportOf(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--format", "json"));
    args.addAll(List.of(extra));
    args.addAll(List.of("--output-dir", tmp.toString(), "--", "true"));
    assertThat(measure(args.toArray(String[]::new))).isZero();
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void machineTrackingCountsTheWholeMachineProcessTheCommandsShare() throws Exception {
    String busy = "i=0; while [ $i -lt 60000 ]; do i=$((i+1)); done";
    JsonNode process = reportOf("--tracking-mode", "process", "--project-name", "p");
    Map<String, String> processRow = lastRow(tmp.resolve("emissions.csv"));
    assertThat(processRow.get("tracking_mode")).isEqualTo("process");
    assertThat(process.get("trackingMode").asText()).isEqualTo("process");
    assertThat(
            measure(
                "--format",
                "json",
                "--tracking-mode",
                "machine",
                "--output-dir",
                tmp.toString(),
                "--",
                "sh",
                "-c",
                busy))
        .isZero();
    JsonNode machine = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    Map<String, String> row = lastRow(tmp.resolve("emissions.csv"));
    assertThat(row.get("tracking_mode")).isEqualTo("machine");
    // The machine's CPU energy, idle included, is what the row and the report carry.
    assertThat(machine.get("cpuJoules").asDouble())
        .isEqualTo(machine.get("machine").get("cpuJoules").asDouble());
    assertThat(machine.get("cpuJoules").asDouble())
        .isGreaterThanOrEqualTo(machine.get("machine").get("cpuIdleJoules").asDouble());
    assertThat(Double.parseDouble(row.get("cpu_energy")) * 3.6e6)
        .isCloseTo(machine.get("cpuJoules").asDouble(), within(0.01));
  }

  @Test
  void outputFileExperimentIdAndGpuIds() throws Exception {
    GpuMeter twoGpus = twoGpus();
    new HostFixture(tmp.resolve("host")).machine("Mystery CPU", 2, true);
    for (String ids : List.of("1", "GPU-bbbb")) {
      assertThat(
              measure(
                  Map.of(),
                  twoGpus,
                  "--host-root",
                  tmp.resolve("host").toString(),
                  "--duration",
                  "300ms",
                  "--interval",
                  "100ms",
                  "--gpu-ids",
                  ids,
                  "--experiment-id",
                  "exp-7",
                  "--output-dir",
                  tmp.toString(),
                  "--output-file",
                  "mine.csv"))
          .isZero();
      Map<String, String> row = lastRow(tmp.resolve("mine.csv"));
      assertThat(row.get("gpu_count")).isEqualTo("1");
      assertThat(Double.parseDouble(row.get("gpu_power"))).isCloseTo(100.0, within(1e-6));
      // A time-weighted mean of a constant 40: exact only up to rounding (39.99999999999999).
      assertThat(Double.parseDouble(row.get("gpu_utilization_percent")))
          .isCloseTo(40.0, within(1e-9));
      assertThat(row.get("experiment_id")).isEqualTo("exp-7");
    }
    assertThat(Files.exists(tmp.resolve("emissions.csv"))).isFalse();
  }

  /** Two fake GPUs: index 0 GPU-aaaa-1111 at 50 W, index 1 GPU-bbbb-2222 at 100 W. */
  static GpuMeter twoGpus() {
    return new GpuMeter() {
      @Override
      public String source() {
        return "nvml";
      }

      @Override
      public List<GpuSample> sample() {
        return List.of(gpu("GPU-aaaa-1111", 50), gpu("GPU-bbbb-2222", 100));
      }

      @Override
      public double setPowerLimit(String uuid, double watts) {
        throw new UnsupportedOperationException();
      }

      @Override
      public double restoreDefaultPowerLimit(String uuid) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Test
  void aGpuIdThatMatchesNoGpuIsSaidNotSilentlyZero() throws Exception {
    new HostFixture(tmp.resolve("host")).machine("Mystery CPU", 2, true);
    String[] args = {
      "--host-root",
      tmp.resolve("host").toString(),
      "--format",
      "json",
      "--output-dir",
      tmp.toString(),
      "--gpu-ids",
      "1,7,GPU-cccc",
      "--",
      "true"
    };
    assertThat(measure(Map.of(), twoGpus(), args)).isZero();
    JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(report.get("warnings").toString())
        .contains("GPU ids 7, GPU-cccc match none of the 2 GPUs")
        .doesNotContain("GPU ids 1");
    assertThat(lastRow(tmp.resolve("emissions.csv")).get("gpu_count")).isEqualTo("1");
  }

  @Test
  void cudaVisibleDevicesChoosesTheGpusWhenNothingElseDoesAsInCodeCarbon() throws Exception {
    new HostFixture(tmp.resolve("host")).machine("Mystery CPU", 2, true);
    String[] args = {
      "--host-root",
      tmp.resolve("host").toString(),
      "--duration",
      "300ms",
      "--interval",
      "100ms",
      "--output-dir",
      tmp.toString()
    };
    assertThat(measure(Map.of("CUDA_VISIBLE_DEVICES", "1"), twoGpus(), args)).isZero();
    Map<String, String> row = lastRow(tmp.resolve("emissions.csv"));
    assertThat(row.get("gpu_count")).isEqualTo("1");
    assertThat(Double.parseDouble(row.get("gpu_power"))).isCloseTo(100.0, within(1e-6));
    // gpu_ids (setting or option) wins; ROCR_VISIBLE_DEVICES when CUDA's is unset.
    assertThat(
            measure(
                Map.of("CUDA_VISIBLE_DEVICES", "1", "CODECARBON_GPU_IDS", "0"), twoGpus(), args))
        .isZero();
    assertThat(Double.parseDouble(lastRow(tmp.resolve("emissions.csv")).get("gpu_power")))
        .isCloseTo(50.0, within(1e-6));
    assertThat(measure(Map.of("ROCR_VISIBLE_DEVICES", "0"), twoGpus(), args)).isZero();
    assertThat(Double.parseDouble(lastRow(tmp.resolve("emissions.csv")).get("gpu_power")))
        .isCloseTo(50.0, within(1e-6));
    // Empty (CodeCarbon: not set) leaves every GPU.
    assertThat(measure(Map.of("CUDA_VISIBLE_DEVICES", ""), twoGpus(), args)).isZero();
    assertThat(lastRow(tmp.resolve("emissions.csv")).get("gpu_count")).isEqualTo("2");
  }

  static GpuSample gpu(String uuid, double watts) {
    return new GpuSample(uuid, "Fake", watts, Double.NaN, 40, 300, 300, 100, 400, List.of());
  }

  @Test
  void codeCarbonConfigAndEnvironmentAreReadAndOptionsWin() throws Exception {
    Path cwd = tmp.resolve("cwd");
    Files.createDirectories(cwd);
    Files.createDirectories(tmp.resolve("home"));
    Files.writeString(
        tmp.resolve("home/.codecarbon.config"),
        "[codecarbon]\nproject_name = from-home\npue = 1.2\nlog_level = DEBUG\n");
    Files.writeString(
        cwd.resolve(".codecarbon.config"),
        "# team set-up\n[other]\nproject_name = not-this-section\n[codecarbon]\n"
            + "project_name: from-cwd\ncountry_iso_code = DEU\nexperiment_id = e-1\n"
            + "output_dir = "
            + tmp.resolve("out")
            + "\ntracking_mode = machine\nsave_to_api = True\n");
    int code =
        measure(
            Map.of("CODECARBON_EXPERIMENT_ID", "e-env"),
            GpuMeter.NONE,
            "--pue",
            "1.1",
            "--",
            "true");
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Map<String, String> row = lastRow(tmp.resolve("out/emissions.csv"));
    assertThat(row.get("project_name")).isEqualTo("from-cwd"); // cwd file over home file
    assertThat(row.get("country_iso_code")).isEqualTo("DEU");
    assertThat(row.get("experiment_id")).isEqualTo("e-env"); // environment over files
    assertThat(row.get("pue")).isEqualTo("1.1"); // option over everything
    assertThat(row.get("tracking_mode")).isEqualTo("machine");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("note: CodeCarbon setting 'save_to_api'")
        .doesNotContain("'log_level'");
  }

  @Test
  void aCloudRegionOfTheCodeCarbonSetUpIsTheZoneAsInCodeCarbon() throws Exception {
    Path cwd = tmp.resolve("cwd");
    Files.createDirectories(cwd);
    // CodeCarbon: cloud_provider + cloud_region set, the cloud region's country wins over
    // country_iso_code (emissions_tracker.py _get_cloud_metadata / _prepare_emissions_data).
    Files.writeString(
        cwd.resolve(".codecarbon.config"),
        "[codecarbon]\ncountry_iso_code = DEU\ncloud_provider = gcp\n"
            + "cloud_region = europe-west4\noutput_dir = "
            + tmp
            + "\n");
    assertThat(measure("--", "true")).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Map<String, String> row = lastRow(tmp.resolve("emissions.csv"));
    assertThat(row.get("country_iso_code")).isEqualTo("NLD");
    assertThat(row.get("cloud_provider")).isEqualTo("gcp");
    assertThat(row.get("cloud_region")).isEqualTo("europe-west4");
    assertThat(row.get("on_cloud")).isEqualTo("Y");
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("note:");
    // The environment too, and --zone over both.
    assertThat(
            measure(
                Map.of("CODECARBON_CLOUD_PROVIDER", "aws", "CODECARBON_CLOUD_REGION", "us-east-1"),
                GpuMeter.NONE,
                "--",
                "true"))
        .isZero();
    assertThat(lastRow(tmp.resolve("emissions.csv")).get("cloud_region")).isEqualTo("us-east-1");
    assertThat(
            measure(
                Map.of("CODECARBON_CLOUD_PROVIDER", "aws", "CODECARBON_CLOUD_REGION", "us-east-1"),
                GpuMeter.NONE,
                "--zone",
                "FR",
                "--",
                "true"))
        .isZero();
    assertThat(lastRow(tmp.resolve("emissions.csv")).get("country_iso_code")).isEqualTo("FRA");
  }

  @Test
  void aCloudRegionWithoutItsProviderOrOfAnotherProviderIsSaid() throws Exception {
    // CodeCarbon needs both; a region alone is not used, the country is.
    assertThat(
            measure(
                Map.of(
                    "CODECARBON_CLOUD_REGION",
                    "europe-west4",
                    "CODECARBON_COUNTRY_ISO_CODE",
                    "DEU",
                    "CODECARBON_OUTPUT_DIR",
                    tmp.toString()),
                GpuMeter.NONE,
                "--",
                "true"))
        .isZero();
    assertThat(lastRow(tmp.resolve("emissions.csv")).get("country_iso_code")).isEqualTo("DEU");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("note: CodeCarbon setting 'cloud_region'")
        .contains("without cloud_provider");
    // A region of another provider than the one named: used (regions are unique in the table),
    // and said.
    assertThat(
            measure(
                Map.of(
                    "CODECARBON_CLOUD_PROVIDER",
                    "aws",
                    "CODECARBON_CLOUD_REGION",
                    "europe-west4",
                    "CODECARBON_OUTPUT_DIR",
                    tmp.toString()),
                GpuMeter.NONE,
                "--",
                "true"))
        .isZero();
    assertThat(lastRow(tmp.resolve("emissions.csv")).get("cloud_provider")).isEqualTo("gcp");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("cloud_region 'europe-west4' is a gcp region, not aws");
  }

  @Test
  void aBadSettingNamesWhereItCameFrom() throws Exception {
    Path cwd = tmp.resolve("cwd");
    Files.createDirectories(cwd);
    Files.writeString(cwd.resolve(".codecarbon.config"), "[codecarbon]\npue = 0.5\n");
    assertThat(measure("--", "true")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("pue setting (" + cwd.resolve(".codecarbon.config") + ") must be at least 1");
    assertThat(measure(Map.of("CODECARBON_PUE", "x"), GpuMeter.NONE, "--", "true")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("pue setting (environment variable CODECARBON_PUE) must be a number, got 'x'");
  }

  @Test
  void iniSectionAsConfigParserReadsIt() {
    assertThat(
            CodeCarbonConfig.section(
                "[codecarbon]\r\nProject_Name = a = b\n; c\nx: 1\n  continued\n[next]\ny = 2\n"))
        .containsExactly(Map.entry("project_name", "a = b"), Map.entry("x", "1\ncontinued"));
  }

  @Test
  void machineMemoryIsPsutilsDefinition() {
    MachineMemory m =
        MachineMemory.parse(
            "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\nBuffers: 50 kB\n"
                + "Cached: 300 kB\nSReclaimable: 50 kB\n");
    assertThat(m.usedBytes()).isEqualTo(500 * 1024);
    assertThat(m.percent()).isEqualTo(40.0);
    assertThat(
            MachineMemory.parse("MemTotal: 1000 kB\nMemFree: 900 kB\nCached: 500 kB\n").usedBytes())
        .isEqualTo(100 * 1024); // negative: total - free
    assertThat(MachineMemory.parse("nothing")).isNull();
  }

  @Test
  void gpuIdsOfACodeCarbonSetUpAreReadAsCodeCarbonReadsThem() {
    // core/config.py parse_gpu_ids: keep letters, digits, '-' and ','; drop empty ids.
    for (String written : List.of("[0, 1]", "0, 1", "0,1,", " 0 ,1")) {
      CodeCarbonConfig cc =
          CodeCarbonConfig.load(
              tmp.resolve("home"), tmp.resolve("cwd"), Map.of("CODECARBON_GPU_IDS", written));
      assertThat(
              MeasureOptions.parse(new String[] {"--", "true"}, new SimpleConfig(Map.of()), cc)
                  .gpuIds())
          .as(written)
          .containsExactly("0", "1");
    }
    CodeCarbonConfig uuid =
        CodeCarbonConfig.load(
            tmp.resolve("home"),
            tmp.resolve("cwd"),
            Map.of("CODECARBON_GPU_IDS", "['GPU-5fd4a1b2-0c', 'GPU-77']"));
    assertThat(
            MeasureOptions.parse(new String[] {"--", "true"}, new SimpleConfig(Map.of()), uuid)
                .gpuIds())
        .containsExactly("GPU-5fd4a1b2-0c", "GPU-77");
    CodeCarbonConfig none =
        CodeCarbonConfig.load(
            tmp.resolve("home"), tmp.resolve("cwd"), Map.of("CODECARBON_GPU_IDS", "[]"));
    assertThatThrownBy(
            () ->
                MeasureOptions.parse(new String[] {"--", "true"}, new SimpleConfig(Map.of()), none))
        .hasMessageContaining("gpu_ids setting (environment variable CODECARBON_GPU_IDS)");
  }

  @Test
  void helpExitsZeroAndBadValuesNameTheirOption() {
    assertThat(measure("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage:").contains("--tracking-mode");
    assertThat(measure("-h")).isZero();
    Map<List<String>, String> refused =
        Map.ofEntries(
            Map.entry(List.of("--duration", "-5s"), "--duration must be a positive duration"),
            Map.entry(List.of("--duration", "0s"), "--duration must be a positive duration"),
            Map.entry(List.of("--duration", "soon"), "--duration: not a duration: 'soon'"),
            Map.entry(List.of("--top", "abc", "--", "true"), "--top must be a whole number"),
            Map.entry(List.of("--top", "0", "--", "true"), "--top must be a whole number"),
            Map.entry(List.of("--interval", "1ms", "--", "true"), "--interval must be at least"),
            Map.entry(List.of("--pue", "0.9", "--", "true"), "--pue must be at least 1"),
            Map.entry(List.of("--pue", "x", "--", "true"), "--pue must be a number"),
            Map.entry(List.of("--cpu-power", "-3", "--", "true"), "--cpu-power must be watts"),
            Map.entry(List.of("--ram-power", "NaN", "--", "true"), "--ram-power must be a number"),
            Map.entry(List.of("--gpu-ids", "0;1", "--", "true"), "--gpu-ids must be GPU indexes"),
            Map.entry(
                List.of("--tracking-mode", "node", "--", "true"),
                "--tracking-mode must be machine or process"),
            Map.entry(
                List.of("--tracking-mode", "process", "--duration", "5s"),
                "--tracking-mode process needs a command"),
            Map.entry(List.of("--output-dir", "", "--", "true"), "--output-dir needs a value"),
            Map.entry(List.of("--bogus", "--", "true"), "unknown option '--bogus'"));
    refused.forEach(
        (args, message) -> {
          assertThat(measure(args.toArray(String[]::new))).as(args.toString()).isEqualTo(2);
          assertThat(err.toString(StandardCharsets.UTF_8)).as(args.toString()).contains(message);
        });
    assertThat(
            MeasureOptions.parse(
                    new String[] {"--duration=2m", "--top=3"}, new SimpleConfig(Map.of()))
                .duration())
        .contains(Duration.ofMinutes(2));
  }
}
