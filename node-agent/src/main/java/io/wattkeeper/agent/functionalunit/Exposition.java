package io.wattkeeper.agent.functionalunit;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed Prometheus text exposition: per sample name (a histogram's {@code x_sum} and {@code
 * x_count} are names of their own), the sum over its label sets.
 *
 * @param sums sum per sample name over its label sets; NaN when a series was NaN
 * @param types the TYPE declared per family name
 * @param broken names with a line that could not be parsed: their sum is unknown
 * @param problems the first few problems, each with its line number
 * @param problemCount all problems, including those not kept
 * @param samples sample lines parsed
 */
public record Exposition(
    Map<String, Double> sums,
    Map<String, String> types,
    Set<String> broken,
    List<String> problems,
    int problemCount,
    int samples) {

  /** The sum of a sample name over its label sets; null when absent, broken or NaN. */
  public Double sum(String name) {
    if (broken.contains(name)) {
      return null;
    }
    Double v = sums.get(name);
    return v == null || v.isNaN() ? null : v;
  }

  /**
   * Whether a TYPE line declares the family of a sample name ({@code x_total}, {@code x_sum} and
   * {@code x_count} belong to {@code x}): a labelled counter with no series yet is declared but has
   * no samples, and counts zero.
   */
  public boolean declared(String name) {
    if (types.containsKey(name)) {
      return true;
    }
    for (String suffix : new String[] {"_total", "_sum", "_count"}) {
      if (name.endsWith(suffix)
          && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  /** Why {@link #sum} is null for a name present in the body, or null. */
  public String whyUnknown(String name) {
    if (broken.contains(name)) {
      return "a line of " + name + " could not be parsed";
    }
    Double v = sums.get(name);
    if (v == null) {
      return name + " absent";
    }
    return v.isNaN() ? name + " is NaN" : null;
  }
}
