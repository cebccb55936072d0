package io.wattkeeper.api.validation;

import java.util.List;

/**
 * Either a usable policy or the list of problems, each naming the field and the accepted form.
 *
 * @param policy {@code null} when {@code errors} is not empty
 */
public record ValidationResult(BudgetPolicy policy, List<String> errors) {

  public boolean valid() {
    return errors.isEmpty();
  }

  /** All errors in one message, for a status condition; capped (see {@link Echo}). */
  public String message() {
    return Echo.message(String.join("; ", errors));
  }
}
