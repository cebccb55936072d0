package io.wattkeeper.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuQuantityTest {
  @Test
  void parsesTheFormsKubernetesAccepts() {
    assertThat(CpuQuantity.parse("250m").getAsDouble()).isCloseTo(0.25, within(1e-12));
    assertThat(CpuQuantity.parse("2").getAsDouble()).isEqualTo(2.0);
    assertThat(CpuQuantity.parse("1.5").getAsDouble()).isEqualTo(1.5);
    assertThat(CpuQuantity.parse(".5").getAsDouble()).isEqualTo(0.5);
    assertThat(CpuQuantity.parse("100000u").getAsDouble()).isCloseTo(0.1, within(1e-12));
    assertThat(CpuQuantity.parse("500000000n").getAsDouble()).isCloseTo(0.5, within(1e-12));
    assertThat(CpuQuantity.parse("1e3").getAsDouble()).isEqualTo(1000.0);
    assertThat(CpuQuantity.parse("2k").getAsDouble()).isEqualTo(2000.0);
    assertThat(CpuQuantity.parse("1Ki").getAsDouble()).isEqualTo(1024.0);
    assertThat(CpuQuantity.parse(" 3 ").getAsDouble()).isEqualTo(3.0);
  }

  @Test
  void refusesWhatIsNotAQuantity() {
    assertThat(CpuQuantity.parse(null)).isEmpty();
    assertThat(CpuQuantity.parse("")).isEmpty();
    assertThat(CpuQuantity.parse("abc")).isEmpty();
    assertThat(CpuQuantity.parse("1 core")).isEmpty();
    assertThat(CpuQuantity.parse("-1")).isEmpty();
    assertThat(CpuQuantity.parse("1mm")).isEmpty();
    assertThat(CpuQuantity.parse("1e999")).isEmpty();
  }
}
