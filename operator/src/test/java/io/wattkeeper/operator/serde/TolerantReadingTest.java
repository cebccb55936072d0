package io.wattkeeper.operator.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.ValidationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One object that does not fit the model costs only itself, named by field, never the list. */
class TolerantReadingTest {

  static final UnreadableObjects.Sink SINK = new UnreadableObjects.Sink();
  final ObjectMapper mapper = mapper();

  static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper();
    m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    new TolerantObjectMapper(SINK).customize(m);
    return m;
  }

  static String budget(String name, String spec) {
    return "{\"apiVersion\":\"wattkeeper.io/v1alpha1\",\"kind\":\"EnergyBudget\","
        + "\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"t\",\"resourceVersion\":\"7\"},\"spec\":"
        + spec
        + ",\"status\":{\"phase\":\"Ok\",\"used\":{\"energyWh\":12.5}}}";
  }

  @Test
  void aBadWarnAtMakesThatBudgetInvalidNamingTheFieldAndTheListSurvives() throws Exception {
    String good = budget("good", "{\"warnAt\":[50,80],\"limits\":{\"energy\":\"1kWh\"}}");
    String bad = budget("bad", "{\"warnAt\":[150,-1,\"abc\"],\"limits\":{\"energy\":\"1kWh\"}}");
    long before = SINK.count("EnergyBudget");
    List<EnergyBudget> read =
        mapper.readValue("[" + good + "," + bad + "]", new TypeReference<List<EnergyBudget>>() {});
    assertThat(read).hasSize(2);
    assertThat(read.get(0).getUnreadable()).isNull();
    assertThat(read.get(0).getSpec().warnAt()).containsExactly(50, 80);
    EnergyBudget b = read.get(1);
    assertThat(b.getMetadata().getName()).isEqualTo("bad");
    assertThat(b.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(b.getUnreadable()).isEqualTo("spec.warnAt[2]: cannot read \"abc\" as Integer");
    // The status was readable: kept (the ledger restores from it).
    assertThat(b.getStatus().getUsed().getEnergyWh()).isEqualTo(12.5);
    ValidationResult v = BudgetValidator.validate(b);
    assertThat(v.valid()).isFalse();
    assertThat(v.message()).contains("spec.warnAt[2]").contains("abc");
    assertThat(SINK.count("EnergyBudget")).isEqualTo(before + 1);
    // Never written back: the marker is not part of the object.
    assertThat(mapper.writeValueAsString(b)).doesNotContain("unreadable");
  }

  @Test
  void aReportWithATextCounterKeepsItsNameAndLosesOnlyItsStatus() throws Exception {
    String json =
        "{\"apiVersion\":\"wattkeeper.io/v1alpha1\",\"kind\":\"NodeEnergyReport\","
            + "\"metadata\":{\"name\":\"n1\"},\"status\":{\"timestamp\":\"2026-09-15T10:00:00Z\","
            + "\"pods\":[{\"uid\":\"u\",\"namespace\":\"ns\",\"name\":\"p\",\"cpuJoules\":\"abc\"}]}}";
    NodeEnergyReport r = mapper.readValue(json, NodeEnergyReport.class);
    assertThat(r.getMetadata().getName()).isEqualTo("n1");
    assertThat(r.getStatus()).isNull();
    assertThat(r.getUnreadable())
        .isEqualTo("status.pods[0].cpuJoules: cannot read \"abc\" as Double");
  }

  @Test
  void echoedValuesAreCapped() throws Exception {
    String huge = "x".repeat(1_000_000);
    EnergyBudget b =
        mapper.readValue(budget("big", "{\"warnAt\":[\"" + huge + "\"]}"), EnergyBudget.class);
    assertThat(b.getUnreadable()).hasSizeLessThan(200).contains("spec.warnAt[0]");
  }

  @Test
  void aWellFormedObjectIsReadAsBefore() throws Exception {
    EnergyBudget b =
        mapper.readValue(budget("ok", "{\"limits\":{\"energy\":\"2kWh\"}}"), EnergyBudget.class);
    assertThat(b.getUnreadable()).isNull();
    assertThat(b.getSpec().limits().energy()).isEqualTo("2kWh");
  }
}
