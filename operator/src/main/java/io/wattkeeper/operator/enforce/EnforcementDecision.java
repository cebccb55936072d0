package io.wattkeeper.operator.enforce;

import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.AffectedWorkload;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.EnforcementStatus;
import io.wattkeeper.api.validation.BudgetPolicy.EnforcementPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.IdlePolicy;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.operator.budget.BudgetEvaluator;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Whether a budget's actions apply, stay or are undone, from the ledger's phase and period and what
 * is recorded in {@code status.enforcement}. Pure.
 *
 * <p>Undo happens at a calendar period's reset (when restoreOnReset), when a rolling window is no
 * longer exceeded, when the budget is no longer exceeded within the same period (the limit was
 * raised above usage), or when the actions are removed from the spec. An Unknown, Invalid or
 * missing phase changes nothing: unknown is neither "exceeded" nor "fine".
 */
public final class EnforcementDecision {

  public enum Verdict {
    APPLY,
    KEEP,
    UNDO,
    NONE
  }

  private EnforcementDecision() {}

  public static Verdict decide(
      String phase,
      String periodStart,
      EnforcementStatus prev,
      EnforcementPolicy ep,
      String limitsFingerprint,
      boolean rollingPeriod) {
    boolean inForce = inForce(prev);
    if (ep.onExceeded().isEmpty()) {
      return inForce ? Verdict.UNDO : Verdict.NONE;
    }
    if (BudgetEvaluator.EXCEEDED.equals(phase)) {
      return Verdict.APPLY;
    }
    if (phase == null
        || BudgetEvaluator.UNKNOWN.equals(phase)
        || BudgetEvaluator.INVALID.equals(phase)) {
      return inForce ? Verdict.KEEP : Verdict.NONE;
    }
    if (!inForce) {
      return Verdict.NONE;
    }
    // A rolling window has no reset (its start passes "since" one window after enforcement
    // began): there, no longer Exceeded means the usage left the window, and the actions go.
    if (!rollingPeriod && periodReset(periodStart, prev)) {
      if (ep.restoreOnReset()) {
        return Verdict.UNDO;
      }
      String recorded = recordedLimits(prev);
      return recorded != null && !recorded.equals(limitsFingerprint) ? Verdict.UNDO : Verdict.KEEP;
    }
    return Verdict.UNDO;
  }

  public static boolean inForce(EnforcementStatus prev) {
    return prev != null
        && ((prev.getAffected() != null && !prev.getAffected().isEmpty())
            || (prev.getActiveActions() != null && !prev.getActiveActions().isEmpty()));
  }

  static boolean periodReset(String periodStart, EnforcementStatus prev) {
    Instant start = parse(periodStart);
    Instant since = prev == null ? null : parse(prev.getSince());
    return start != null && since != null && start.isAfter(since);
  }

  public static String undoReason(
      EnergyBudgetStatus st, EnforcementStatus prev, boolean rollingPeriod) {
    boolean fine =
        st != null
            && (BudgetEvaluator.OK.equals(st.getPhase())
                || BudgetEvaluator.WARNING.equals(st.getPhase()));
    if (rollingPeriod && fine) {
      return "the budget is no longer exceeded (usage left the rolling window)";
    }
    if (!rollingPeriod
        && st != null
        && st.getPeriod() != null
        && periodReset(st.getPeriod().getStart(), prev)) {
      return "the budget period was reset";
    }
    if (fine) {
      return "the budget is no longer exceeded (limit raised above usage)";
    }
    return "the actions were removed from the budget";
  }

  /** The limits as written, to tell a raised limit from a reset period. */
  public static String limitsFingerprint(EnergyBudgetSpec spec) {
    EnergyBudgetSpec.Limits l = spec == null ? null : spec.limits();
    if (l == null) {
      return "none";
    }
    return l.energy() + "|" + l.emissions() + "|" + l.cost();
  }

  static String recordedLimits(EnforcementStatus prev) {
    List<AffectedWorkload> a = prev.getAffected();
    if (a == null) {
      return null;
    }
    for (AffectedWorkload w : a) {
      String d = w.getDetail();
      int i = d == null ? -1 : d.indexOf("limits=");
      if (i >= 0) {
        return d.substring(i + "limits=".length()).trim();
      }
    }
    return null;
  }

  /** Idle thresholds for ScaleToZero onlyIdle when the budget has no idle section. */
  public static IdlePolicy defaultIdlePolicy() {
    return DEFAULT_IDLE;
  }

  // The validator's defaults for an empty idle section: constant, so worked out once.
  private static final IdlePolicy DEFAULT_IDLE =
      BudgetValidator.validate(
              new EnergyBudgetSpec(
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  new EnergyBudgetSpec.Idle(null, null, null, null, null, null, null)))
          .policy()
          .idle();

  private static Instant parse(String s) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
