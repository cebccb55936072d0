package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import org.junit.jupiter.api.Test;

class BudgetMessageTest {

  static EnergyBudget budget(EnergyBudgetStatus st) {
    EnergyBudget b = new EnergyBudget();
    b.getMetadata().setName("llm-serving");
    b.getMetadata().setNamespace("team-ml");
    b.setSpec(
        new EnergyBudgetSpec(
            null,
            null,
            new EnergyBudgetSpec.Limits("500kWh", "150kg", null),
            null,
            null,
            null,
            null));
    b.setStatus(st);
    return b;
  }

  @Test
  void namesBudgetUsageLimitAndReset() {
    EnergyBudgetStatus st =
        new EnergyBudgetStatus()
            .setPercentUsed(
                new EnergyBudgetStatus.PercentUsed().setEnergy(102.4).setEmissions(50.0))
            .setDisplay(
                new EnergyBudgetStatus.Display()
                    .setEnergy("512kWh/500kWh")
                    .setResetsAt("2026-10-01 00:00 CEST"));
    assertThat(BudgetMessage.exceeded(budget(st)))
        .isEqualTo(
            "exceeded energy budget team-ml/llm-serving: used 512kWh, limit 500kWh, resets 2026-10-01 00:00 CEST");
  }

  @Test
  void fallsBackToRawFiguresAndSaysUnknown() {
    EnergyBudgetStatus st =
        new EnergyBudgetStatus()
            .setPercentUsed(
                new EnergyBudgetStatus.PercentUsed().setEnergy(101.0).setEmissions(120.0))
            .setUsed(new EnergyBudgetStatus.Used().setEnergyWh(505_000.0));
    assertThat(BudgetMessage.exceeded(budget(st)))
        .isEqualTo(
            "exceeded energy budget team-ml/llm-serving: used 505kWh, limit 500kWh; emissions used unknown, limit 150kg, resets unknown");
  }
}
