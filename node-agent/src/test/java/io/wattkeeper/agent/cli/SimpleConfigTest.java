package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleConfigTest {
  @Test
  void environmentNamesAreQuarkusStandardForm() {
    for (String name :
        new String[] {
          "wattkeeper.agent.model.cpu-idle-watts", "wattkeeper.agent.zone", "a.ß-é/9", ""
        }) {
      assertThat(SimpleConfig.envName(name))
          .isEqualTo(name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
    }
    SimpleConfig c = new SimpleConfig(Map.of("WATTKEEPER_AGENT_MODEL_CPU_IDLE_WATTS", "12.5"));
    assertThat(c.getDouble("wattkeeper.agent.model.cpu-idle-watts").getAsDouble()).isEqualTo(12.5);
  }
}
