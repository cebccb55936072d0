package io.wattkeeper.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.Accounting;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.CarbonIntensityOverride;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.Enforcement;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.GpuPowerCap;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.Idle;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.Limits;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.Period;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.Pricing;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.ScaleToZero;
import io.wattkeeper.api.validation.BudgetPolicy.Action;
import io.wattkeeper.api.validation.BudgetPolicy.CalendarUnit;
import io.wattkeeper.api.validation.BudgetPolicy.Mode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BudgetValidatorTest {

  static final Period MONTH = new Period("Calendar", "Month", null, "Europe/Berlin");
  static final LabelSelector INFERENCE =
      new LabelSelectorBuilder().addToMatchLabels("wattkeeper.io/role", "inference").build();

  static EnergyBudgetSpec spec(
      Period period,
      Limits limits,
      List<Integer> warnAt,
      Accounting acc,
      Enforcement e,
      Idle idle) {
    return new EnergyBudgetSpec(null, period, limits, warnAt, acc, e, idle);
  }

  @Test
  void fullSpecBecomesTypedPolicy() {
    var r =
        BudgetValidator.validate(
            spec(
                MONTH,
                new Limits("500kWh", "150kg", "1200"),
                List.of(95, 80),
                new Accounting(
                    1.2, new CarbonIntensityOverride("DE", 350.0), new Pricing("EUR", "0.22")),
                new Enforcement(
                    "Enforce",
                    List.of("ScaleToZero", "DenyNewPods", "GpuPowerCap"),
                    new ScaleToZero(INFERENCE, false),
                    new GpuPowerCap(60),
                    true),
                new Idle(INFERENCE, "30m", 5.0, 0.05, 1024.0, "10m", null)));
    assertThat(r.errors()).isEmpty();
    BudgetPolicy p = r.policy();
    assertThat(p.period().unit()).isEqualTo(CalendarUnit.Month);
    assertThat(p.period().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(p.energyLimitWh()).contains(new BigDecimal("5E+5"));
    assertThat(p.emissionsLimitGrams().get()).isEqualByComparingTo("150000");
    assertThat(p.costLimit().get()).isEqualByComparingTo("1200");
    assertThat(p.warnAt()).containsExactly(80, 95);
    assertThat(p.pricePerKWh()).isEqualByComparingTo("0.22");
    assertThat(p.enforcement().mode()).isEqualTo(Mode.Enforce);
    assertThat(p.enforcement().onExceeded())
        .containsExactlyInAnyOrder(Action.ScaleToZero, Action.DenyNewPods, Action.GpuPowerCap);
    assertThat(p.idle().after()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.monitorOnly()).isFalse();
  }

  @Test
  void emptySpecIsMonitorOnlyMonthInUtc() {
    var r =
        BudgetValidator.validate(new EnergyBudgetSpec(null, null, null, null, null, null, null));
    assertThat(r.valid()).isTrue();
    assertThat(r.policy().monitorOnly()).isTrue();
    assertThat(r.policy().period().unit()).isEqualTo(CalendarUnit.Month);
    assertThat(r.policy().enforcement().restoreOnReset()).isTrue();
    assertThat(r.policy().idle()).isNull();
  }

  @Test
  void idleDefaultsApply() {
    var r =
        BudgetValidator.validate(
            spec(
                MONTH,
                null,
                null,
                null,
                null,
                new Idle(INFERENCE, null, null, null, null, null, null)));
    assertThat(r.policy().idle().after()).isEqualTo(Duration.ofMinutes(30));
    assertThat(r.policy().idle().cooldownAfterWake()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.policy().idle().gpuUtilizationBelowPercent()).isEqualTo(5);
    assertThat(r.policy().idle().cpuCoresBelow()).isEqualTo(0.05);
    assertThat(r.policy().idle().networkReceiveBytesPerSecondBelow()).isEqualTo(1024);
    assertThat(r.policy().idle().requestsPerSecondBelow()).isNull(); // the signal is off
  }

  @Test
  void aFunctionalUnitProfileIsCheckedAndKept() {
    var ok =
        BudgetValidator.validate(
            new EnergyBudgetSpec(
                null,
                MONTH,
                null,
                null,
                null,
                null,
                null,
                new EnergyBudgetSpec.FunctionalUnits("vllm", 8000, "/metrics", null, null, null)));
    assertThat(ok.valid()).isTrue();
    assertThat(ok.policy().functionalUnits().profile()).isEqualTo("vllm");
    var bad =
        BudgetValidator.validate(
            new EnergyBudgetSpec(
                null,
                MONTH,
                null,
                null,
                null,
                null,
                null,
                new EnergyBudgetSpec.FunctionalUnits(
                    "custom", 70000, "no-slash", null, "a b", null)));
    assertThat(bad.valid()).isFalse();
    assertThat(bad.errors())
        .anyMatch(e -> e.contains("spec.functionalUnits.requestsMetric"))
        .anyMatch(e -> e.contains("spec.functionalUnits.port"))
        .anyMatch(e -> e.contains("spec.functionalUnits.path"))
        .anyMatch(e -> e.contains("spec.functionalUnits.promptTokensMetric"));
  }

  @Test
  void theRequestRateSignalIsOnWhenSetAndChecked() {
    var on =
        BudgetValidator.validate(
            spec(
                MONTH,
                null,
                null,
                null,
                null,
                new Idle(INFERENCE, null, null, null, null, null, 0.1)));
    assertThat(on.policy().idle().requestsPerSecondBelow()).isEqualTo(0.1);
    var bad =
        BudgetValidator.validate(
            spec(
                MONTH,
                null,
                null,
                null,
                null,
                new Idle(INFERENCE, null, null, null, null, null, -1.0)));
    assertThat(bad.valid()).isFalse();
    assertThat(bad.errors()).anyMatch(e -> e.contains("spec.idle.requestsPerSecondBelow"));
  }

  static Stream<Arguments> badSpecs() {
    LabelSelector badOp =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("Equals")
            .withValues("a")
            .endMatchExpression()
            .build();
    LabelSelector inWithoutValues =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("In")
            .endMatchExpression()
            .build();
    LabelSelector badKey = new LabelSelectorBuilder().addToMatchLabels("not a key!", "x").build();
    return Stream.of(
        Arguments.of(
            spec(MONTH, new Limits("500 kwh", null, null), null, null, null, null),
            "spec.limits.energy: \"500 kwh\" is not an energy; use a number and one of J, kJ, MJ,"
                + " Wh, kWh, MWh"),
        Arguments.of(
            spec(MONTH, new Limits(null, "150 lbs", null), null, null, null, null),
            "spec.limits.emissions: \"150 lbs\" is not a mass; use a number and one of g, kg, t"),
        Arguments.of(
            spec(new Period("Monthly", null, null, null), null, null, null, null, null),
            "spec.period.type: \"Monthly\" is not accepted; use one of Calendar, Rolling"),
        Arguments.of(
            spec(new Period("Rolling", null, null, null), null, null, null, null, null),
            "spec.period.window: is required when spec.period.type is Rolling"),
        Arguments.of(
            spec(new Period("Rolling", null, "7d", null), null, null, null, null, null),
            "spec.period.window: \"7d\" is not a duration"),
        Arguments.of(
            spec(new Period("Calendar", "Year", null, null), null, null, null, null, null),
            "spec.period.unit: \"Year\" is not accepted; use one of Day, Week, Month"),
        Arguments.of(
            spec(new Period("Calendar", "Day", null, "Mars/Olympus"), null, null, null, null, null),
            "spec.period.timeZone: \"Mars/Olympus\" is not a time zone; use an IANA name"),
        Arguments.of(
            spec(MONTH, null, List.of(80, 120), null, null, null),
            "spec.warnAt[1]: 120 is not a percentage; use 1 to 100"),
        Arguments.of(
            spec(MONTH, null, null, new Accounting(0.8, null, null), null, null),
            "spec.accounting.pue: 0.8 is out of range; use a number from 1.0 to 3.0"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                new Accounting(null, null, new Pricing("euro", "0.2")),
                null,
                null),
            "spec.accounting.pricing.currency: \"euro\" is not a currency"),
        Arguments.of(
            spec(MONTH, new Limits(null, null, "1200"), null, null, null, null),
            "spec.limits.cost: needs spec.accounting.pricing.perKWh"),
        Arguments.of(
            spec(MONTH, null, null, null, new Enforcement("Block", null, null, null, null), null),
            "spec.enforcement.mode: \"Block\" is not accepted; use one of Enforce, Warn, DryRun"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                null,
                new Enforcement(null, List.of("Evict"), null, null, null),
                null),
            "spec.enforcement.onExceeded[0]: \"Evict\" is not accepted"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                null,
                new Enforcement(null, List.of("ScaleToZero"), null, null, null),
                null),
            "spec.enforcement.scaleToZero.workloadSelector: is required for ScaleToZero"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                null,
                new Enforcement(null, null, null, new GpuPowerCap(5), null),
                null),
            "spec.enforcement.gpuPowerCap.percent: 5 is out of range; use 10 to 100"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                null,
                null,
                new Idle(INFERENCE, "soon", null, null, null, null, null)),
            "spec.idle.after: \"soon\" is not a duration"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                null,
                null,
                new Idle(INFERENCE, null, 150.0, null, null, null, null)),
            "spec.idle.gpuUtilizationBelowPercent: 150.0 is out of range"),
        Arguments.of(
            spec(
                MONTH, null, null, null, null, new Idle(badOp, null, null, null, null, null, null)),
            "spec.idle.workloadSelector.matchExpressions[0].operator: \"Equals\" is not an operator"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                null,
                null,
                new Idle(inWithoutValues, null, null, null, null, null, null)),
            "spec.idle.workloadSelector.matchExpressions[0].values: must not be empty for operator In"),
        Arguments.of(
            new EnergyBudgetSpec(badKey, MONTH, null, null, null, null, null),
            "spec.selector.matchLabels: \"not a key!\" is not a label key"),
        Arguments.of(
            spec(MONTH, new Limits("0kWh", null, null), null, null, null, null),
            "spec.limits.energy: must be greater than zero"),
        Arguments.of(
            spec(
                MONTH,
                null,
                null,
                new Accounting(null, new CarbonIntensityOverride(null, -3.0), null),
                null,
                null),
            "spec.accounting.carbonIntensity.gramsPerKWh: -3.0 is out of range"));
  }

  @ParameterizedTest
  @MethodSource("badSpecs")
  void badInputIsRefusedWithFieldAndAcceptedForm(EnergyBudgetSpec spec, String expected) {
    ValidationResult r = BudgetValidator.validate(spec);
    assertThat(r.valid()).isFalse();
    assertThat(r.policy()).isNull();
    assertThat(r.message()).contains(expected);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    var r =
        BudgetValidator.validate(
            spec(
                new Period("Calendar", "Year", null, "Nowhere"),
                new Limits("5 lightyears", "1 ton", null),
                null,
                null,
                null,
                null));
    assertThat(r.errors()).hasSize(4);
  }
}
