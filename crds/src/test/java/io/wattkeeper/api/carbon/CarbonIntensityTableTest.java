package io.wattkeeper.api.carbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class CarbonIntensityTableTest {

  final CarbonIntensityTable table = CarbonIntensityTable.builtIn();

  @Test
  void coversCountriesAndTheThreeClouds() {
    assertThat(table.size()).isGreaterThan(250);
    GridIntensity de = table.lookup("DE").orElseThrow();
    assertThat(de.gramsPerKWh()).isBetween(300.0, 450.0);
    assertThat(de.year()).isPresent();
    assertThat(de.sourceWithYear())
        .contains("Ember")
        .contains(String.valueOf(de.year().getAsInt()));
    assertThat(table.lookup("us-east-1").orElseThrow().kind()).isEqualTo("aws");
    assertThat(table.lookup("europe-west4").orElseThrow().kind()).isEqualTo("gcp");
    assertThat(table.lookup("westeurope").orElseThrow().kind()).isEqualTo("azure");
  }

  @Test
  void acceptsTheSpellingsUsersWrite() {
    double de = table.lookup("DE").orElseThrow().gramsPerKWh();
    assertThat(table.lookup("de").orElseThrow().gramsPerKWh()).isEqualTo(de);
    assertThat(table.lookup("DEU").orElseThrow().gramsPerKWh()).isEqualTo(de);
    assertThat(table.lookup("West Europe").orElseThrow().zone()).isEqualTo("westeurope");
  }

  @Test
  void unknownZonesAreEmptyNotGuessed() {
    assertThat(table.lookup("atlantis-1")).isEmpty();
    assertThat(table.lookup("")).isEmpty();
    assertThat(table.lookup(null)).isEmpty();
  }

  @Test
  void repairedSourceValuesAreLabelledAndPlausible() {
    GridIntensity frankfurt = table.lookup("germanywestcentral").orElseThrow();
    assertThat(frankfurt.gramsPerKWh()).isEqualTo(402.0);
    assertThat(frankfurt.source()).contains("repaired");
    assertThat(frankfurt.sourceWithYear()).endsWith("(year not stated by source)");
  }

  @Test
  void worldAverageIsCodeCarbons() {
    assertThat(CarbonIntensityTable.WORLD_AVERAGE.gramsPerKWh()).isEqualTo(475.0);
  }

  @Test
  void refusesACorruptTable() {
    assertThatThrownBy(
            () ->
                CarbonIntensityTable.parse(
                    new BufferedReader(
                        new StringReader(
                            "zone,kind,gramsPerKWh,year,source\nXX,country,1e9,,x\n"))))
        .hasMessageContaining("absurd intensity");
  }
}
