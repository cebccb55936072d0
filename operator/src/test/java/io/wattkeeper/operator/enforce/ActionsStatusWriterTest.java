package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.EnforcementStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.IdleStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionsStatusWriterTest {

  @Test
  void touchesOnlyItsTwoMembers() {
    EnergyBudgetStatus cur =
        new EnergyBudgetStatus()
            .setPhase("Exceeded")
            .setIdle(new IdleStatus().setEnergySavedWh(1.0));
    List<Map<String, Object>> ops =
        ActionsStatusWriter.ops(
            cur, null, new EnforcementStatus().setActiveActions(List.of("DenyNewPods")));
    assertThat(ops)
        .extracting(o -> o.get("op") + " " + o.get("path"))
        .containsExactly("add /status/idle", "add /status/enforcement");
    assertThat(ops.get(0)).containsEntry("value", null);
  }

  @Test
  void noOpWhenUnchanged() {
    EnergyBudgetStatus cur =
        new EnergyBudgetStatus().setPhase("Ok").setIdle(new IdleStatus().setEnergySavedWh(1.0));
    assertThat(ActionsStatusWriter.ops(cur, new IdleStatus().setEnergySavedWh(1.0), null))
        .isEmpty();
    assertThat(ActionsStatusWriter.ops(null, null, null)).isEmpty();
  }
}
