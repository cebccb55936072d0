package io.wattkeeper.operator.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.ledger.Checkpoint;
import io.wattkeeper.operator.ledger.PodAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationPolicyTest {

  static final Instant T = Instant.parse("2026-09-15T10:00:00Z");
  static final Duration MIN = Duration.ofSeconds(60);

  static PodAccount written(double wh) {
    PodAccount a = new PodAccount("u", "ns", "p");
    a.updatedAt = T;
    a.totals.energyWh = wh;
    a.watts = 100;
    a.writtenAt = T;
    a.writtenEnergyWh = wh;
    a.writtenWatts = 100;
    a.writtenCo2eGrams = 0;
    a.writtenMeasured = 0;
    a.writtenBudgets = "";
    a.dirty = true;
    return a;
  }

  @Test
  void firstDataIsWrittenAtOnce() {
    PodAccount a = new PodAccount("u", "ns", "p");
    assertThat(AnnotationPolicy.due(a, null, T, MIN, 0.01)).isFalse();
    a.updatedAt = T;
    assertThat(AnnotationPolicy.due(a, null, T, MIN, 0.01)).isTrue();
  }

  @Test
  void atMostOncePerIntervalAndOnlyWhenMovedOnePercent() {
    PodAccount a = written(1000);
    a.totals.energyWh = 1020;
    a.updatedAt = T.plusSeconds(59); // data 59 s newer than what was written
    assertThat(AnnotationPolicy.due(a, null, T.plusSeconds(59), MIN, 0.01)).isFalse();
    a.updatedAt = T.plusSeconds(60);
    assertThat(AnnotationPolicy.due(a, null, T.plusSeconds(60), MIN, 0.01)).isTrue();
    a.totals.energyWh = 1009; // 0.9%
    a.updatedAt = T.plusSeconds(600);
    assertThat(AnnotationPolicy.due(a, null, T.plusSeconds(600), MIN, 0.01)).isFalse();
    a.watts = 102; // power moved 2%
    assertThat(AnnotationPolicy.due(a, null, T.plusSeconds(600), MIN, 0.01)).isTrue();
  }

  @Test
  void budgetStateChangesAreWrittenAtOnce() {
    PodAccount a = written(1000);
    assertThat(AnnotationPolicy.due(a, "exceeded", T.plusSeconds(1), MIN, 0.01)).isTrue();
    a.writtenState = "exceeded";
    assertThat(AnnotationPolicy.due(a, "exceeded", T.plusSeconds(1), MIN, 0.01)).isFalse();
    assertThat(AnnotationPolicy.due(a, null, T.plusSeconds(1), MIN, 0.01)).isTrue();
  }

  @Test
  void valuesCarryUnitsSourceAndRemoveWhatNoLongerApplies() {
    PodAccount a = written(1234.56789);
    a.totals.co2eGrams = 470.1234;
    a.totals.measuredWh = 1000;
    a.budgets = "ns/b";
    a.intensity =
        io.wattkeeper.api.carbon.CarbonIntensityTable.builtIn().lookup("DE").orElseThrow();
    Map<String, String> m =
        PodAnnotations.of(
            a, new Checkpoint("n1", "e", 1, 2, 3, 1234.56789, 470.1234, Double.NaN, 1000), null);
    assertThat(m.get(Api.ANNOTATION_ENERGY_WH)).isEqualTo("1234.568");
    assertThat(m.get(Api.ANNOTATION_CO2E_GRAMS)).isEqualTo("470.123");
    assertThat(m.get(Api.ANNOTATION_POWER_WATTS)).isEqualTo("100");
    assertThat(m.get(Api.ANNOTATION_MEASURED_FRACTION)).isEqualTo("0.81");
    assertThat(m.get(Api.ANNOTATION_CARBON_INTENSITY))
        .startsWith(Math.round(a.intensity.gramsPerKWh()) + " gCO2e/kWh; DE; ");
    assertThat(m.get(Api.ANNOTATION_UPDATED_AT)).isEqualTo("2026-09-15T10:00:00Z");
    assertThat(m.get(Api.ANNOTATION_BUDGETS)).isEqualTo("ns/b");
    assertThat(m)
        .containsEntry(Api.ANNOTATION_COST, null)
        .containsEntry(Api.ANNOTATION_BUDGET_STATE, null);
    assertThat(Checkpoint.parse(m.get(Checkpoint.ANNOTATION)).orElseThrow().energyWh())
        .isEqualTo(1234.56789);
  }
}
