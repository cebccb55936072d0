package io.wattkeeper.operator.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPatchTest {

  @Test
  void patchesOnlyOwnedFieldsWholeAndRemovesStaleOnes() {
    EnergyBudgetStatus current =
        new EnergyBudgetStatus()
            .setPhase("Ok")
            .setProjected(new EnergyBudgetStatus.Projected().setExceedsAt("x"))
            .setIdle(new EnergyBudgetStatus.IdleStatus().setEnergySavedWh(5.0))
            .setEnforcement(
                new EnergyBudgetStatus.EnforcementStatus().setActiveActions(List.of("DenyNewPods")))
            .setHistory(List.of(new EnergyBudgetStatus.HistoryEntry().setEnergyWh(1.0)));
    EnergyBudgetStatus desired =
        new EnergyBudgetStatus()
            .setPhase("Warning")
            .setHistory(
                List.of(
                    new EnergyBudgetStatus.HistoryEntry().setEnergyWh(2.0),
                    new EnergyBudgetStatus.HistoryEntry().setEnergyWh(1.0)));
    ArrayNode ops = StatusPatch.ops(current, desired, BudgetEvaluator.OWNED);
    List<String> paths = new ArrayList<>();
    for (JsonNode op : ops) {
      paths.add(op.get("op").asText() + " " + op.get("path").asText());
    }
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "add /status/phase", "add /status/history", "remove /status/projected");
    assertThat(ops.toString()).doesNotContain("idle").doesNotContain("enforcement");
    // Lists travel whole, never merged: a server that appends on merge cannot duplicate them.
    JsonNode history = ops.findValue("value");
    assertThat(ops.toString()).contains("\"value\":[{\"energyWh\":2.0},{\"energyWh\":1.0}]");
    assertThat(history).isNotNull();
  }

  @Test
  void nothingToDoWhenUnchanged() {
    EnergyBudgetStatus s = new EnergyBudgetStatus().setPhase("Ok").setMatchedPods(3);
    assertThat(
            StatusPatch.ops(
                s,
                new EnergyBudgetStatus().setPhase("Ok").setMatchedPods(3),
                BudgetEvaluator.OWNED))
        .isEmpty();
  }
}
