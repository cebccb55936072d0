package io.wattkeeper.agent.functionalunit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CounterResetsTest {
  @Test
  void firstReadingIsTheServersCountSoFar() {
    assertThat(CounterResets.advance(null, null, 120)).isEqualTo(120);
  }

  @Test
  void growthAdds() {
    assertThat(CounterResets.advance(500.0, 120.0, 150)).isEqualTo(530);
    assertThat(CounterResets.advance(500.0, 120.0, 120)).isEqualTo(500);
  }

  @Test
  void aDropIsARestartAndTheNewValueIsTheIncrease() {
    // server restarted at 150 and has counted 7 since
    assertThat(CounterResets.isReset(150.0, 7)).isTrue();
    assertThat(CounterResets.advance(530.0, 150.0, 7)).isEqualTo(537);
    assertThat(CounterResets.advance(530.0, 150.0, 0)).isEqualTo(530);
  }

  @Test
  void aRestartSeenThroughTheStartTimeCountsTheWholeNewValue() {
    // counted 200 since a restart: more than before, so only the start time shows the reset
    assertThat(CounterResets.advance(530.0, 150.0, 200, true)).isEqualTo(730);
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> CounterResets.advance(1.0, 1.0, -1)).hasMessageContaining("finite");
    assertThatThrownBy(() -> CounterResets.advance(1.0, 1.0, Double.NaN));
    assertThatThrownBy(() -> CounterResets.advance(1.0, 1.0, Double.POSITIVE_INFINITY));
  }
}
