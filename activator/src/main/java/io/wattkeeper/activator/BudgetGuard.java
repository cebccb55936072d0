package io.wattkeeper.activator;

import static io.wattkeeper.api.activation.ActivationNames.*;

import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.ValidationResult;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Traffic must not undo enforcement: a workload put to sleep by a budget's ScaleToZero is not woken
 * on request while that budget is Exceeded in Enforce mode. An idle sleep always wakes.
 */
public final class BudgetGuard {

  private BudgetGuard() {}

  /**
   * @param annotations the workload's annotations
   * @param budget looks a budget of the workload's namespace up by name; {@code null} when gone
   * @return the refusal, naming the budget; empty when waking is allowed
   */
  public static Optional<String> refusal(
      String namespace, Map<String, String> annotations, Function<String, EnergyBudget> budget) {
    String holders = annotations == null ? null : annotations.get(ANNOTATION_SLEEP_HOLDERS);
    if (holders == null) {
      return Optional.empty();
    }
    for (String h : holders.split(",")) {
      h = h.trim();
      if (!h.startsWith(ENFORCE_HOLDER_PREFIX)) {
        continue;
      }
      String name = h.substring(ENFORCE_HOLDER_PREFIX.length());
      EnergyBudget b = budget.apply(name);
      if (b == null || b.getStatus() == null || !PHASE_EXCEEDED.equals(b.getStatus().getPhase())) {
        // Gone or no longer Exceeded: the operator wakes it on its own; a wake request is harmless.
        continue;
      }
      ValidationResult v = BudgetValidator.validate(b.getSpec());
      if (!v.valid()) {
        continue;
      }
      BudgetPolicy.EnforcementPolicy e = v.policy().enforcement();
      if (e.mode() == BudgetPolicy.Mode.Enforce
          && e.onExceeded().contains(BudgetPolicy.Action.ScaleToZero)) {
        return Optional.of(
            "wake refused: EnergyBudget "
                + namespace
                + "/"
                + name
                + " is Exceeded and enforces ScaleToZero (mode Enforce); the workload stays"
                + " asleep until the budget's period resets or its limit is raised");
      }
    }
    return Optional.empty();
  }
}
