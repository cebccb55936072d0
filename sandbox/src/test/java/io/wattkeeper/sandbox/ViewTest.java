package io.wattkeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ViewTest {

  @Test
  void showsTheCumulativeFigureOfAPerUnitAnnotationOnlyWhenKnown() {
    assertThat(View.cumulative("interval=idle cumulative=0.00002846")).isEqualTo("0.00002846");
    assertThat(View.cumulative("interval=0.0001 cumulative=idle")).isNull();
    assertThat(View.cumulative("interval=0.0001")).isNull();
    assertThat(View.cumulative(null)).isNull();
  }
}
