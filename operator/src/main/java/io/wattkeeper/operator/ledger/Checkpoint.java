package io.wattkeeper.operator.ledger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the ledger stores on a pod (annotation {@value #ANNOTATION}) so that a restarted operator
 * continues the pod's totals exactly: the counters of the last report included in the totals, and
 * the totals at full precision (the visible annotations are rounded).
 *
 * <p>For budgets it also says when it was written ({@code at}, the ledger's own stamp) and what the
 * pod used since its previous checkpoint ({@code behind*}, IT joules; {@code prevAt} that
 * checkpoint's stamp, null when there was none). A budget status records the part of its usage that
 * the checkpoints written before its own stamp account for; a checkpoint written after that status
 * tells, through {@code behind*}, what the budget still lacks (see docs/ledger.md).
 */
public record Checkpoint(
    String node,
    String epoch,
    double cpuJoules,
    double memoryJoules,
    double gpuJoules,
    double energyWh,
    double co2eGrams,
    double cost,
    double measuredWh,
    Instant at,
    double behindCpuJoules,
    double behindMemoryJoules,
    double behindGpuJoules,
    double behindMeasuredJoules,
    Instant prevAt) {

  public static final String ANNOTATION = "wattkeeper.io/ledger-checkpoint";

  /** A checkpoint without budget position (as version 1 wrote them). */
  public Checkpoint(
      String node,
      String epoch,
      double cpuJoules,
      double memoryJoules,
      double gpuJoules,
      double energyWh,
      double co2eGrams,
      double cost,
      double measuredWh) {
    this(
        node,
        epoch,
        cpuJoules,
        memoryJoules,
        gpuJoules,
        energyWh,
        co2eGrams,
        cost,
        measuredWh,
        null,
        0,
        0,
        0,
        0,
        null);
  }

  public String format() {
    String v1 =
        String.format(
            Locale.ROOT,
            "node=%s;epoch=%s;cpuJ=%s;memJ=%s;gpuJ=%s;wh=%s;co2g=%s;cost=%s;measuredWh=%s",
            node,
            epoch,
            num(cpuJoules),
            num(memoryJoules),
            num(gpuJoules),
            num(energyWh),
            num(co2eGrams),
            Double.isNaN(cost) ? "" : num(cost),
            num(measuredWh));
    if (at == null) {
      return "v1;" + v1;
    }
    return "v2;"
        + v1
        + ";at="
        + at
        + ";bCpuJ="
        + num(behindCpuJoules)
        + ";bMemJ="
        + num(behindMemoryJoules)
        + ";bGpuJ="
        + num(behindGpuJoules)
        + ";bMeasJ="
        + num(behindMeasuredJoules)
        + (prevAt == null ? "" : ";prevAt=" + prevAt);
  }

  /** Empty for a missing or unreadable value: the pod then starts from its next report. */
  public static Optional<Checkpoint> parse(String text) {
    if (text == null || !(text.startsWith("v1;") || text.startsWith("v2;"))) {
      return Optional.empty();
    }
    boolean v2 = text.startsWith("v2;");
    Map<String, String> kv = new HashMap<>();
    for (String part : text.substring(3).split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        kv.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    try {
      String cost = kv.getOrDefault("cost", "");
      String prevAt = kv.get("prevAt");
      Checkpoint c =
          new Checkpoint(
              required(kv, "node"),
              kv.getOrDefault("epoch", ""),
              Double.parseDouble(required(kv, "cpuJ")),
              Double.parseDouble(required(kv, "memJ")),
              Double.parseDouble(required(kv, "gpuJ")),
              Double.parseDouble(required(kv, "wh")),
              Double.parseDouble(required(kv, "co2g")),
              cost.isEmpty() ? Double.NaN : Double.parseDouble(cost),
              Double.parseDouble(required(kv, "measuredWh")),
              v2 ? Instant.parse(required(kv, "at")) : null,
              v2 ? Double.parseDouble(required(kv, "bCpuJ")) : 0,
              v2 ? Double.parseDouble(required(kv, "bMemJ")) : 0,
              v2 ? Double.parseDouble(required(kv, "bGpuJ")) : 0,
              v2 ? Double.parseDouble(required(kv, "bMeasJ")) : 0,
              prevAt == null ? null : Instant.parse(prevAt));
      return c.sane() ? Optional.of(c) : Optional.empty();
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Anyone who may edit the pod may edit this: counters that are not finite and >= 0 are refused.
   */
  private boolean sane() {
    for (double v :
        new double[] {
          cpuJoules,
          memoryJoules,
          gpuJoules,
          energyWh,
          co2eGrams,
          measuredWh,
          behindCpuJoules,
          behindMemoryJoules,
          behindGpuJoules,
          behindMeasuredJoules
        }) {
      if (!Double.isFinite(v) || v < 0) {
        return false;
      }
    }
    return Double.isNaN(cost) || (Double.isFinite(cost) && cost >= 0);
  }

  /** IT joules the pod used since its previous checkpoint. */
  public double behindJoules() {
    return behindCpuJoules + behindMemoryJoules + behindGpuJoules;
  }

  private static String required(Map<String, String> kv, String key) {
    String v = kv.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }

  private static String num(double v) {
    return Double.toString(v);
  }
}
