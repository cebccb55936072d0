package io.wattkeeper.operator.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.wattkeeper.api.carbon.GridIntensity;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.ValidationResult;
import io.wattkeeper.operator.ledger.BudgetAccount;
import io.wattkeeper.operator.ledger.Charge;
import io.wattkeeper.operator.ledger.PodDelta;
import io.wattkeeper.operator.period.Period;
import io.wattkeeper.operator.period.PeriodCalculator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BudgetEvaluatorTest {

  static final Instant NOW = Instant.parse("2026-09-15T10:00:00Z");
  static final GridIntensity DE =
      new GridIntensity("DE", "country", 381, OptionalInt.of(2023), "Ember/OWID");

  static EnergyBudgetSpec spec(String energy, String emissions, String cost, List<Integer> warnAt) {
    return new EnergyBudgetSpec(
        null,
        new EnergyBudgetSpec.Period("Calendar", "Month", null, "Europe/Berlin"),
        new EnergyBudgetSpec.Limits(energy, emissions, cost),
        warnAt,
        cost == null
            ? null
            : new EnergyBudgetSpec.Accounting(
                null, null, new EnergyBudgetSpec.Pricing("EUR", "0.25")),
        null,
        null);
  }

  static BudgetAccount account(ValidationResult v, double kWh, Instant first) {
    Period p = PeriodCalculator.current(v.policy().period(), NOW);
    BudgetAccount acc = new BudgetAccount("team-ml", "llm-serving", p);
    PodDelta d =
        new PodDelta(
            "u",
            "team-ml",
            "p",
            "n1",
            kWh * 3_600_000,
            0,
            0,
            kWh * 3_600_000 * 0.9,
            100,
            first,
            NOW.minusSeconds(10),
            null);
    acc.charge(d, Charge.of(d, 1.0, DE.gramsPerKWh(), v.policy().pricePerKWh()), DE);
    return acc;
  }

  static BudgetEvaluator.Evaluation eval(
      EnergyBudgetSpec s, double kWh, EnergyBudgetStatus stored) {
    ValidationResult v = BudgetValidator.validate(s);
    return BudgetEvaluator.evaluate(
        new BudgetEvaluator.Input(
            "team-ml",
            "llm-serving",
            3,
            stored,
            null,
            v,
            account(v, kWh, NOW.minus(Duration.ofDays(10))),
            4,
            NOW,
            Duration.ofMinutes(5),
            Duration.ofMinutes(15)));
  }

  @Test
  void exceededGivesAQuotaStyleEventAndStatus() {
    BudgetEvaluator.Evaluation e =
        eval(
            spec("500kWh", null, null, List.of(80)),
            512,
            new EnergyBudgetStatus().setPhase("Warning"));
    assertThat(e.phase()).isEqualTo("Exceeded");
    assertThat(e.event().reason()).isEqualTo("EnergyBudgetExceeded");
    assertThat(e.event().message())
        .isEqualTo(
            "exceeded energy budget team-ml/llm-serving: used 512kWh, limit 500kWh, resets 2026-10-01 00:00 CEST");
    EnergyBudgetStatus s = e.status();
    assertThat(s.getMaxPercentUsed()).isEqualTo(102);
    assertThat(s.getPercentUsed().getEnergy()).isEqualTo(102.4);
    assertThat(s.getPeriod().getStart()).isEqualTo("2026-09-01T00:00:00+02:00");
    assertThat(s.getPeriod().getEnd()).isEqualTo("2026-10-01T00:00:00+02:00");
    assertThat(s.getDisplay().getEnergy()).isEqualTo("512kWh/500kWh");
    assertThat(s.getDisplay().getPeriod()).isEqualTo("Month (Europe/Berlin)");
    assertThat(s.getDisplay().getResetsAt()).isEqualTo("2026-10-01 00:00 CEST");
    assertThat(s.getDisplay().getIntensity()).isEqualTo("381 g/kWh DE");
    assertThat(s.getDisplay().getDataQuality()).isEqualTo("90% measured");
    assertThat(s.getDataQuality().getMeasuredFraction()).isEqualTo(0.9);
    assertThat(s.getCarbonIntensity().getSource()).isEqualTo("Ember/OWID, 2023");
    assertThat(s.getObservedGeneration()).isEqualTo(3);
    assertThat(s.getMatchedPods()).isEqualTo(4);
    assertThat(s.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Valid", "Ready", "ThresholdReached", "Exceeded");
    assertThat(s.getConditions())
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3));
    assertThat(s.getConditions().get(3).getReason()).isEqualTo("EnergyExceeded");
    assertThat(s.getProjected().getExceedsAt()).isNull(); // already exceeded
  }

  @Test
  void noEventWhenThePhaseStaysTheSame() {
    EnergyBudgetStatus prev = eval(spec("500kWh", null, null, List.of(80)), 512, null).status();
    assertThat(eval(spec("500kWh", null, null, List.of(80)), 520, prev).event()).isNull();
  }

  @Test
  void warningAtEachThresholdAndForecastOfTheCrossing() {
    EnergyBudgetSpec s = spec("500kWh", null, null, List.of(50, 80));
    BudgetEvaluator.Evaluation at60 = eval(s, 300, new EnergyBudgetStatus().setPhase("Ok"));
    assertThat(at60.phase()).isEqualTo("Warning");
    assertThat(at60.event().message())
        .startsWith(
            "energy budget team-ml/llm-serving reached 50% of its energy limit: used 300kWh, limit 500kWh");
    assertThat(at60.status().getConditions().get(2).getReason()).isEqualTo("Energy50Percent");
    BudgetEvaluator.Evaluation at85 = eval(s, 425, at60.status());
    assertThat(at85.event().reason()).isEqualTo("EnergyBudgetThreshold");
    assertThat(at85.event().message()).contains("reached 80%");
    assertThat(eval(s, 430, at85.status()).event()).isNull();
    // Data began 10 days ago: 300 kWh / 10 d = 30 kWh/day; 200 kWh left -> 6 d 16 h from now.
    assertThat(at60.status().getProjected().getExceedsAt()).isEqualTo("2026-09-22T04:00:00+02:00");
    // 300 kWh + 30 kWh/day x 15.5 days left of September (Berlin time).
    assertThat(at60.status().getProjected().getEnergyWhAtPeriodEnd()).isEqualTo(765000.0);
  }

  @Test
  void backToOkAfterAnEditIsANormalEvent() {
    BudgetEvaluator.Evaluation e =
        eval(
            spec("2000kWh", null, null, List.of(80)),
            512,
            new EnergyBudgetStatus().setPhase("Exceeded"));
    assertThat(e.phase()).isEqualTo("Ok");
    assertThat(e.event().type()).isEqualTo("Normal");
    assertThat(e.event().message())
        .isEqualTo(
            "energy budget team-ml/llm-serving is within its limits: used 512kWh, limit 2MWh, resets 2026-10-01 00:00 CEST");
  }

  @Test
  void costAndEmissionsLimits() {
    BudgetEvaluator.Evaluation e = eval(spec(null, "150kg", "120", List.of()), 400, null);
    // 400 kWh x 381 g = 152.4 kg; 400 x 0.25 = 100 EUR
    assertThat(e.phase()).isEqualTo("Exceeded");
    assertThat(e.status().getPercentUsed().getEmissions()).isEqualTo(101.6);
    assertThat(e.status().getPercentUsed().getCost()).isEqualTo(83.3);
    assertThat(e.status().getPercentUsed().getEnergy()).isNull();
    assertThat(e.status().getUsed().getCost()).isEqualTo("100");
    assertThat(e.status().getDisplay().getCost()).isEqualTo("100/120 EUR");
    assertThat(e.status().getDisplay().getEmissions()).isEqualTo("152kg/150kg");
    assertThat(e.event().message())
        .isEqualTo(
            "exceeded energy budget team-ml/llm-serving: used 152kg CO2e, limit 150kg CO2e, resets 2026-10-01 00:00 CEST");
  }

  @Test
  void monitorOnlyIsOkWithoutPercentages() {
    BudgetEvaluator.Evaluation e = eval(spec(null, null, null, null), 12, null);
    assertThat(e.phase()).isEqualTo("Ok");
    assertThat(e.status().getMaxPercentUsed()).isNull();
    assertThat(e.status().getDisplay().getEnergy()).isEqualTo("12kWh");
    assertThat(e.event()).isNull();
  }

  @Test
  void invalidSpecNamesTheFieldAndTouchesOnlyPhaseAndConditions() {
    EnergyBudgetSpec bad = spec("500 kwh", null, null, List.of(80));
    ValidationResult v = BudgetValidator.validate(bad);
    BudgetEvaluator.Evaluation e =
        BudgetEvaluator.evaluate(
            new BudgetEvaluator.Input(
                "team-ml",
                "x",
                2,
                null,
                null,
                v,
                null,
                0,
                NOW,
                Duration.ofMinutes(5),
                Duration.ofMinutes(15)));
    assertThat(e.phase()).isEqualTo("Invalid");
    assertThat(e.fields()).doesNotContain("used", "display", "history");
    assertThat(e.status().getConditions().get(0).getMessage()).contains("spec.limits.energy");
    assertThat(e.event().reason()).isEqualTo("EnergyBudgetInvalid");
    // Same invalid spec again: no second Event.
    assertThat(
            BudgetEvaluator.evaluate(
                    new BudgetEvaluator.Input(
                        "team-ml",
                        "x",
                        2,
                        e.status(),
                        null,
                        v,
                        null,
                        0,
                        NOW,
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(15)))
                .event())
        .isNull();
  }

  @Test
  void staleDataIsUnknownNotOk() {
    ValidationResult v = BudgetValidator.validate(spec("500kWh", null, null, List.of(80)));
    BudgetAccount acc = account(v, 10, NOW.minus(Duration.ofHours(2)));
    BudgetEvaluator.Evaluation e =
        BudgetEvaluator.evaluate(
            new BudgetEvaluator.Input(
                "team-ml",
                "x",
                1,
                null,
                null,
                v,
                acc,
                3,
                NOW.plus(Duration.ofMinutes(30)),
                Duration.ofMinutes(5),
                Duration.ofMinutes(15)));
    assertThat(e.phase()).isEqualTo("Unknown");
    assertThat(e.status().getConditions().get(1).getReason()).isEqualTo("NoData");
  }

  @Test
  void actionsShowEnforcementAndSleepingWorkloads() {
    EnergyBudgetStatus stored =
        new EnergyBudgetStatus()
            .setEnforcement(
                new EnergyBudgetStatus.EnforcementStatus()
                    .setActiveActions(List.of("ScaleToZero", "DenyNewPods")))
            .setIdle(
                new EnergyBudgetStatus.IdleStatus()
                    .setSleeping(
                        List.of(
                            new EnergyBudgetStatus.SleepingWorkload(),
                            new EnergyBudgetStatus.SleepingWorkload())));
    assertThat(Display.actions(stored)).isEqualTo("ScaleToZero,DenyNewPods,Sleeping:2");
    assertThat(Display.actions(null)).isEqualTo("None");
  }

  @Test
  void conditionTransitionTimesStayWhileTheStatusHolds() {
    EnergyBudgetStatus first = eval(spec("500kWh", null, null, List.of(80)), 100, null).status();
    Condition valid = first.getConditions().get(0);
    valid.setLastTransitionTime("2026-09-01T00:00:00Z");
    EnergyBudgetStatus second = eval(spec("500kWh", null, null, List.of(80)), 110, first).status();
    assertThat(second.getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-09-01T00:00:00Z");
  }
}
