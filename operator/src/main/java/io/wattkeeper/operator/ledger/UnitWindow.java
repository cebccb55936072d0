package io.wattkeeper.operator.ledger;

/**
 * Matches one pod's energy to one of its functional-unit counters (requests or generated tokens)
 * over the same window: energy accumulates from report to report, and is paired with the counter's
 * increase when the counter is known again (SCI "measurement": C over a period ÷ R counted in the
 * same period). Energy before the first known count, and over a window the counter went backwards
 * in, is never paired (a decrease is refused: the agent already turned server restarts into growth,
 * so a decrease is a bad report). Pure; the ledger serialises access.
 */
public final class UnitWindow {
  /** A completed window: energy (Wh, PUE included), emissions (g CO2e) and units counted. */
  public record Step(double energyWh, double co2eGrams, double units) {}

  private Double last;
  private double pendingWh;
  private double pendingGrams;
  private long refused;

  /**
   * Adds one report's charge of the pod; {@code count} is the counter in that report (null when
   * unknown). Returns the window completed by this report, or null.
   */
  public Step observe(double energyWh, double co2eGrams, Double count) {
    pendingWh += energyWh;
    pendingGrams += co2eGrams;
    if (count == null) {
      return null; // unknown now: the energy waits for the next known count
    }
    if (last == null || count < last) {
      if (last != null) {
        refused++;
      }
      last = count; // a baseline: what came before it is not matched to any count
      pendingWh = 0;
      pendingGrams = 0;
      return null;
    }
    Step s = new Step(pendingWh, pendingGrams, count - last);
    last = count;
    pendingWh = 0;
    pendingGrams = 0;
    return s;
  }

  /** Windows dropped because the counter went backwards. */
  public long refused() {
    return refused;
  }
}
