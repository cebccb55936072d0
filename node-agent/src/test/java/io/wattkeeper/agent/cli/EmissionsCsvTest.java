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
  void wrongRowLengthIsRefused() {
    assertThatThrownBy(() -> EmissionsCsv.append(tmp, List.of("x")))
        .hasMessageContaining("header has 38");
  }
}
