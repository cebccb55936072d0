package io.wattkeeper.operator.ledger;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Energy per functional unit over some span (a pod's whole life, an annotation interval, a budget
 * period): sums of completed {@link UnitWindow} steps. A figure is null (unknown) until a window
 * completed; a span whose windows counted no unit is idle, never an infinite or zero cost.
 */
public final class UnitTotals {
  public double requests;
  public double requestWh;
  public int requestWindows;
  public double generatedTokens;
  public double tokenWh;
  public double tokenGrams;
  public int tokenWindows;

  public void addRequests(UnitWindow.Step s) {
    requests += s.units();
    requestWh += s.energyWh();
    requestWindows++;
  }

  public void addTokens(UnitWindow.Step s) {
    generatedTokens += s.units();
    tokenWh += s.energyWh();
    tokenGrams += s.co2eGrams();
    tokenWindows++;
  }

  public void clear() {
    requests = requestWh = generatedTokens = tokenWh = tokenGrams = 0;
    requestWindows = tokenWindows = 0;
  }

  public boolean isEmpty() {
    return requestWindows == 0 && tokenWindows == 0;
  }

  /** Wh per request; NaN when no window completed or none counted a request (idle). */
  public double whPerRequest() {
    return requests > 0 ? requestWh / requests : Double.NaN;
  }

  public double whPer1kTokens() {
    return generatedTokens > 0 ? tokenWh / generatedTokens * 1000 : Double.NaN;
  }

  public double gramsPer1kTokens() {
    return generatedTokens > 0 ? tokenGrams / generatedTokens * 1000 : Double.NaN;
  }

  public boolean requestsIdle() {
    return requestWindows > 0 && requests == 0;
  }

  public boolean tokensIdle() {
    return tokenWindows > 0 && generatedTokens == 0;
  }

  /** "idle", a number with 4 significant digits, or null when unknown. */
  public static String text(double figure, boolean idle, int windows) {
    if (windows == 0) {
      return null;
    }
    if (idle || Double.isNaN(figure)) {
      return "idle";
    }
    return new BigDecimal(figure).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
