package io.wattkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRD YAML is generated from the Java model (crd-generator-maven-plugin, process-classes) and
 * committed in two places: {@code crds/} for {@code kubectl apply -f crds/} and the chart's {@code
 * crds/}. This test fails when either copy drifts from the model. To regenerate both copies:
 *
 * <pre>./mvnw -pl crds verify -Dwattkeeper.updateCrds=true</pre>
 */
class CrdFilesTest {

  static final Path ROOT = Path.of(System.getProperty("wattkeeper.repoRoot", "..")).normalize();
  static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

  @ParameterizedTest
  @ValueSource(strings = {"energybudgets", "nodeenergyreports"})
  void committedCrdsMatchTheModel(String plural) throws IOException {
    String name = plural + ".wattkeeper.io-v1.yml";
    String expected = render(plural, name);
    List<Path> copies =
        List.of(
            ROOT.resolve("crds").resolve(name), ROOT.resolve("helm/wattkeeper/crds").resolve(name));
    for (Path copy : copies) {
      if (Boolean.getBoolean("wattkeeper.updateCrds")) {
        Files.writeString(copy, expected);
      }
      assertThat(copy)
          .withFailMessage(
              "%s is missing or differs from the Java model; regenerate with:%n"
                  + "  ./mvnw -pl crds verify -Dwattkeeper.updateCrds=true",
              copy)
          .exists();
      assertThat(Files.readString(copy))
          .withFailMessage(
              "%s differs from what the Java model generates; regenerate with:%n"
                  + "  ./mvnw -pl crds verify -Dwattkeeper.updateCrds=true",
              copy)
          .isEqualTo(expected);
    }
  }

  /**
   * The generator sorts printer columns by name; kubectl shows them in file order, so restore the
   * order in which the model declares them (PERIOD ENERGY CO2E USED% PHASE ACTIONS RESETS AGE).
   */
  static String render(String plural, String name) throws IOException {
    Path generated = Path.of("target/classes/META-INF/fabric8").resolve(name);
    ObjectNode crd = (ObjectNode) YAML.readTree(generated.toFile());
    Class<?> type = plural.equals("energybudgets") ? EnergyBudget.class : NodeEnergyReport.class;
    for (JsonNode version : crd.path("spec").path("versions")) {
      ArrayNode columns = (ArrayNode) version.path("additionalPrinterColumns");
      List<JsonNode> ordered = new ArrayList<>();
      for (AdditionalPrinterColumn c : type.getAnnotationsByType(AdditionalPrinterColumn.class)) {
        for (JsonNode col : columns) {
          if (col.path("jsonPath").asText().equals(c.jsonPath())) {
            ordered.add(col);
          }
        }
      }
      assertThat(ordered).hasSameSizeAs(columns);
      columns.removeAll();
      columns.addAll(ordered);
    }
    return "# Generated from the Java model in crds/src/main/java; do not edit.\n"
        + "# Regenerate: ./mvnw -pl crds verify -Dwattkeeper.updateCrds=true\n"
        + YAML.writeValueAsString(crd);
  }
}
