package io.wattkeeper.api.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

  @ParameterizedTest
  @CsvSource({
    "500kWh, 500000",
    "1.5MWh, 1500000",
    "820Wh, 820",
    "0.1 kWh, 100",
    "3600J, 1",
    "7.2kJ, 2",
    "36MJ, 10000"
  })
  void parsesEnergyExactly(String text, String wh) {
    assertThat(Quantities.energyWh("f", text)).isEqualByComparingTo(new BigDecimal(wh));
  }

  @Test
  void jouleConversionKeepsFractions() {
    assertThat(Quantities.energyWh("f", "1J"))
        .isEqualByComparingTo(new BigDecimal("0.000277777778"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"500 kwh", "500", "kWh", "-5kWh", "5e3Wh", "5,0kWh", "500 kWhs", ""})
  void refusesBadEnergyWithTheAcceptedForm(String text) {
    assertThatThrownBy(() -> Quantities.energyWh("spec.limits.energy", text))
        .isInstanceOf(QuantityException.class)
        .hasMessageStartingWith("spec.limits.energy: ")
        .hasMessageContaining("is not an energy; use a number and one of J, kJ, MJ, Wh, kWh, MWh");
  }

  @Test
  void messageQuotesTheValue() {
    assertThatThrownBy(() -> Quantities.energyWh("spec.limits.energy", "500 kwh"))
        .hasMessage(
            "spec.limits.energy: \"500 kwh\" is not an energy; use a number and one of J, kJ, MJ,"
                + " Wh, kWh, MWh");
  }

  @ParameterizedTest
  @CsvSource({"150kg, 150000", "2t, 2000000", "350g, 350", "0.5 kg, 500"})
  void parsesMass(String text, String grams) {
    assertThat(Quantities.massGrams("f", text)).isEqualByComparingTo(new BigDecimal(grams));
  }

  @ParameterizedTest
  @ValueSource(strings = {"150KG", "150kgCO2e", "150 lb", "abc"})
  void refusesBadMass(String text) {
    assertThatThrownBy(() -> Quantities.massGrams("spec.limits.emissions", text))
        .hasMessageContaining("is not a mass; use a number and one of g, kg, t");
  }

  @ParameterizedTest
  @CsvSource({"168h, PT168H", "30m, PT30M", "1h30m, PT1H30M", "90s, PT1M30S", "1.5h, PT1H30M"})
  void parsesGoDurations(String text, String iso) {
    assertThat(Quantities.duration("f", text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"7d", "30 m", "m30", "1h 30m", "", "0s", "-5m", "PT5M"})
  void refusesBadDurations(String text) {
    assertThatThrownBy(() -> Quantities.duration("spec.idle.after", text))
        .isInstanceOf(QuantityException.class)
        .hasMessageStartingWith("spec.idle.after: ");
  }

  @Test
  void decimalsAreExact() {
    assertThat(Quantities.decimal("f", "0.22")).isEqualTo(new BigDecimal("0.22"));
    assertThatThrownBy(() -> Quantities.decimal("spec.limits.cost", "12,00"))
        .hasMessage(
            "spec.limits.cost: \"12,00\" is not a decimal number; use digits with an optional"
                + " fraction, e.g. 0.22");
  }

  @Test
  void formatsForPeople() {
    assertThat(Quantities.formatEnergy(312_400)).isEqualTo("312kWh");
    assertThat(Quantities.formatEnergy(1_500_000)).isEqualTo("1.5MWh");
    assertThat(Quantities.formatEnergy(12.345)).isEqualTo("12.3Wh");
    assertThat(Quantities.formatEnergy(0)).isEqualTo("0Wh");
    assertThat(Quantities.formatMass(98_200)).isEqualTo("98.2kg");
    assertThat(Quantities.formatMass(150_000)).isEqualTo("150kg");
  }
}
