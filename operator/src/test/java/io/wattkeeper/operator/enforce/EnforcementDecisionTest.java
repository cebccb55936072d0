package io.wattkeeper.operator.enforce;

import static io.wattkeeper.operator.enforce.EnforcementDecision.Verdict.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.AffectedWorkload;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.EnforcementStatus;
import io.wattkeeper.api.validation.BudgetPolicy.Action;
import io.wattkeeper.api.validation.BudgetPolicy.EnforcementPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnforcementDecisionTest {

  static final String SINCE = "2026-03-10T00:00:00Z";
  static final EnforcementStatus IN_FORCE =
      new EnforcementStatus()
          .setSince(SINCE)
          .setActiveActions(List.of("DenyNewPods"))
          .setAffected(
              List.of(
                  new AffectedWorkload()
                      .setAction("DenyNewPods")
                      .setKind("Namespace")
                      .setName("ns")
                      .setDetail("mode=Enforce; limits=10kWh|null|null")));

  static EnforcementPolicy policy(boolean restore, Action... actions) {
    return new EnforcementPolicy(Mode.Enforce, Set.of(actions), null, false, 60, restore);
  }

  @Test
  void appliesWhileExceeded() {
    assertThat(
            EnforcementDecision.decide(
                "Exceeded",
                "2026-03-01T00:00:00Z",
                null,
                policy(true, Action.DenyNewPods),
                "x",
                false))
        .isEqualTo(APPLY);
  }

  @Test
  void nothingWithoutActionsAndUndoWhenActionsRemoved() {
    assertThat(EnforcementDecision.decide("Exceeded", null, null, policy(true), "x", false))
        .isEqualTo(NONE);
    assertThat(EnforcementDecision.decide("Exceeded", null, IN_FORCE, policy(true), "x", false))
        .isEqualTo(UNDO);
  }

  @Test
  void unknownInvalidOrMissingPhaseKeepsWhatIsThere() {
    for (String phase : new String[] {null, "Unknown", "Invalid"}) {
      assertThat(
              EnforcementDecision.decide(
                  phase, null, IN_FORCE, policy(true, Action.DenyNewPods), "x", false))
          .isEqualTo(KEEP);
      assertThat(
              EnforcementDecision.decide(
                  phase, null, null, policy(true, Action.DenyNewPods), "x", false))
          .isEqualTo(NONE);
    }
  }

  @Test
  void periodResetUndoesOnlyWithRestoreOnReset() {
    String newPeriod = "2026-04-01T00:00:00+02:00";
    assertThat(
            EnforcementDecision.decide(
                "Ok",
                newPeriod,
                IN_FORCE,
                policy(true, Action.DenyNewPods),
                "10kWh|null|null",
                false))
        .isEqualTo(UNDO);
    assertThat(
            EnforcementDecision.decide(
                "Ok",
                newPeriod,
                IN_FORCE,
                policy(false, Action.DenyNewPods),
                "10kWh|null|null",
                false))
        .isEqualTo(KEEP);
    // ... unless the limit changed too.
    assertThat(
            EnforcementDecision.decide(
                "Ok",
                newPeriod,
                IN_FORCE,
                policy(false, Action.DenyNewPods),
                "20kWh|null|null",
                false))
        .isEqualTo(UNDO);
  }

  @Test
  void noLongerExceededInTheSamePeriodMeansTheLimitWasRaised() {
    assertThat(
            EnforcementDecision.decide(
                "Warning",
                "2026-03-01T00:00:00Z",
                IN_FORCE,
                policy(false, Action.DenyNewPods),
                "x",
                false))
        .isEqualTo(UNDO);
    assertThat(
            EnforcementDecision.decide(
                "Ok", "2026-03-01T00:00:00Z", null, policy(true, Action.DenyNewPods), "x", false))
        .isEqualTo(NONE);
  }

  @Test
  void rollingWindowUndoesOnceNoLongerExceededEvenWithoutRestoreOnReset() {
    // A rolling window's start passes "since" one window after enforcement began: that is no
    // reset, and usage falling out of the window must undo the actions.
    String windowStart = "2026-03-11T00:00:00Z";
    assertThat(
            EnforcementDecision.decide(
                "Ok",
                windowStart,
                IN_FORCE,
                policy(false, Action.DenyNewPods),
                "10kWh|null|null",
                true))
        .isEqualTo(UNDO);
    assertThat(
            EnforcementDecision.decide(
                "Warning",
                windowStart,
                IN_FORCE,
                policy(false, Action.DenyNewPods),
                "10kWh|null|null",
                true))
        .isEqualTo(UNDO);
    assertThat(
            EnforcementDecision.decide(
                "Exceeded",
                windowStart,
                IN_FORCE,
                policy(false, Action.DenyNewPods),
                "10kWh|null|null",
                true))
        .isEqualTo(APPLY);
    EnergyBudgetStatus st =
        new EnergyBudgetStatus()
            .setPhase("Ok")
            .setPeriod(new EnergyBudgetStatus.PeriodStatus().setStart(windowStart));
    assertThat(EnforcementDecision.undoReason(st, IN_FORCE, true))
        .isEqualTo("the budget is no longer exceeded (usage left the rolling window)");
    assertThat(EnforcementDecision.undoReason(st, IN_FORCE, false))
        .isEqualTo("the budget period was reset");
  }

  @Test
  void fingerprintAndDefaults() {
    assertThat(EnforcementDecision.limitsFingerprint(null)).isEqualTo("none");
    assertThat(
            EnforcementDecision.limitsFingerprint(
                new EnergyBudgetSpec(
                    null,
                    null,
                    new EnergyBudgetSpec.Limits("10kWh", "5kg", null),
                    null,
                    null,
                    null,
                    null)))
        .isEqualTo("10kWh|5kg|null");
    assertThat(EnforcementDecision.defaultIdlePolicy().after()).isEqualTo(Duration.ofMinutes(30));
  }
}
