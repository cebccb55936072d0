package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's JSON must stay what Jackson's pretty printer wrote before. */
class PrettyJsonTest {
  static String jackson(Object v) throws Exception {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(v);
  }

  @Test
  void sameTextAsJacksonForEveryKindOfValueInTheReport() throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", "4242");
    row.put("name", "python3 \"train\" \\ x\ty\nz\u0001\u001f é ✓ /");
    row.put("cpuSeconds", 12.5);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("cpuJoules", 0.0);
    nested.put("tiny", 1.0e-9);
    nested.put("huge", 1.2345678e21);
    nested.put("negative", -3.25);
    nested.put("cpus", 2);
    nested.put("memoryBytes", 8_589_934_592L);
    nested.put("nothing", null);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", List.of("sh", "-c", "echo hi"));
    r.put("exitCode", 7);
    r.put("estimated", true);
    r.put("measured", false);
    r.put("nan", Double.NaN);
    r.put("inf", Double.NEGATIVE_INFINITY);
    r.put("machine", nested);
    r.put("processes", List.of(row, new LinkedHashMap<>(row)));
    r.put("warnings", new ArrayList<>());
    r.put("empty", new LinkedHashMap<>());
    r.put("nestedLists", List.of(List.of(1, 2), List.of()));
    assertThat(PrettyJson.write(r)).isEqualTo(jackson(r));
    assertThat(PrettyJson.write(List.of())).isEqualTo(jackson(List.of()));
  }

  @Test
  void refusesWhatTheReportNeverHolds() {
    assertThatThrownBy(() -> PrettyJson.write(Map.of("x", new Object())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
