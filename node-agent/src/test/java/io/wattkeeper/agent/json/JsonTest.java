package io.wattkeeper.agent.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's own JSON: parsing, writing, and the same documents as Jackson's databind (which the
 * operator and the API server's other clients use) for every property of the report status.
 */
class JsonTest {
  static final ObjectMapper JACKSON = new ObjectMapper();

  static Object parse(String json) throws IOException {
    return Json.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesIntoPlainValues() throws IOException {
    Object v =
        parse(
            "{\"s\":\"a\\\"b\\u00e9\",\"i\":42,\"big\":123456789012345678901234,\"d\":1.5,"
                + "\"t\":true,\"f\":false,\"n\":null,\"a\":[1,{\"x\":[]}],\"o\":{}}");
    Map<String, Object> o = Json.object(v);
    assertThat(o.get("s")).isEqualTo("a\"bé");
    assertThat(o.get("i")).isEqualTo(42L);
    assertThat((Double) o.get("big")).isEqualTo(1.2345678901234568E23);
    assertThat(o.get("d")).isEqualTo(1.5);
    assertThat(o).containsEntry("t", true).containsEntry("f", false).containsEntry("n", null);
    assertThat(Json.at(v, "a")).isEqualTo(List.of(1L, Map.of("x", List.of())));
    assertThat(Json.at(v, "o")).isEqualTo(Map.of());
    assertThat(new ArrayList<>(o.keySet()))
        .containsExactly("s", "i", "big", "d", "t", "f", "n", "a", "o");
  }

  @Test
  void readingHelpersNeverThrowOnTheWrongShape() throws IOException {
    Object v = parse("{\"a\":{\"b\":\"c\"},\"n\":1}");
    assertThat(Json.at(v, "a", "b")).isEqualTo("c");
    assertThat(Json.at(v, "a", "b", "c")).isNull();
    assertThat(Json.at(v, "x", "y")).isNull();
    assertThat(Json.string(Json.at(v, "n"))).isNull();
    assertThat(Json.array(Json.at(v, "a"))).isEmpty();
    assertThat(Json.object(Json.at(v, "n"))).isEmpty();
  }

  @Test
  void refusesWhatIsNotJson() {
    assertThatThrownBy(() -> parse("")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("{\"a\":")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parse("{\"a\" 1}")).isInstanceOf(IOException.class);
  }

  @Test
  void writesValidJsonThatReadsBackTheSame() throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 é");
    doc.put("long", 9_007_199_254_740_993L);
    doc.put("double", 0.1);
    doc.put("exp", 1.0e-12);
    doc.put("list", List.of(true, false, "x"));
    doc.put("nested", Map.of("k", List.of()));
    doc.put("null", null);
    byte[] written = Json.write(doc);
    assertThat(Json.parse(written)).isEqualTo(doc);
    // Jackson reads the same document too.
    assertThat(JACKSON.readValue(written, Map.class).get("text")).isEqualTo(doc.get("text"));
  }

  @Test
  void nanAndInfinityAreNullNotInvalidJson() throws IOException {
    String out = Json.writeString(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 1.0));
    assertThat(out).isEqualTo("[null,null,1.0]");
    JACKSON.readTree(out);
  }

  @Test
  void recordsAreWrittenByComponentWithoutNulls() throws IOException {
    String out = Json.writeString(new NodeEnergyReportSpec.GpuPowerLimit("GPU-1", 200, null));
    assertThat(out).isEqualTo("{\"gpuUuid\":\"GPU-1\",\"watts\":200}");
  }

  /** Every property of the status filled in: ours and Jackson's documents must be equal. */
  @Test
  void theReportStatusIsTheDocumentJacksonWrites() throws Exception {
    NodeEnergyReportStatus status =
        (NodeEnergyReportStatus) filled(NodeEnergyReportStatus.class, 0);
    Object ours = Json.parse(Json.write(status));
    Object theirs = Json.parse(JACKSON.writeValueAsBytes(status));
    assertThat(ours).isEqualTo(theirs);
    assertThat(Json.writeString(status)).contains("\"pods\":[{").contains("\"agent\":{");
    // And an empty status is an empty object, as NON_NULL makes it for Jackson.
    assertThat(Json.writeString(new NodeEnergyReportStatus()))
        .isEqualTo(JACKSON.writeValueAsString(new NodeEnergyReportStatus()));
  }

  /** A bean of {@code type} with every setter called with a sample value, recursively. */
  static Object filled(Class<?> type, int depth) throws Exception {
    Object bean = type.getDeclaredConstructor().newInstance();
    for (Method m : type.getMethods()) {
      if (!m.getName().startsWith("set") || m.getParameterCount() != 1) {
        continue;
      }
      m.invoke(bean, sample(m.getGenericParameterTypes()[0], m.getName(), depth));
    }
    return bean;
  }

  static Object sample(Type type, String name, int depth) throws Exception {
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      return List.of(
          sample(p.getActualTypeArguments()[0], name, depth + 1),
          sample(p.getActualTypeArguments()[0], name + "2", depth + 1));
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return name + "-value";
    } else if (c == Integer.class || c == int.class) {
      return name.length();
    } else if (c == Long.class || c == long.class) {
      return (long) name.length() * 1_000_000_007L;
    } else if (c == Double.class || c == double.class) {
      return name.length() + 0.25;
    } else if (c == Boolean.class || c == boolean.class) {
      return true;
    } else if (depth < 4) {
      return filled(c, depth + 1);
    }
    throw new IllegalStateException("no sample for " + type + " at " + name);
  }
}
