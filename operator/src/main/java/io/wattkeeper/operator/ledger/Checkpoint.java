package io.wattkeeper.operator.ledger;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the ledger stores on a pod (annotation {@value #ANNOTATION}) so that a restarted operator
 * continues the pod's totals exactly: the counters of the last report included in the totals, and
 * the totals at full precision (the visible annotations are rounded).
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
    double measuredWh) {

  public static final String ANNOTATION = "wattkeeper.io/ledger-checkpoint";

  public String format() {
    return String.format(
        Locale.ROOT,
        "v1;node=%s;epoch=%s;cpuJ=%s;memJ=%s;gpuJ=%s;wh=%s;co2g=%s;cost=%s;measuredWh=%s",
        node,
        epoch,
        num(cpuJoules),
        num(memoryJoules),
        num(gpuJoules),
        num(energyWh),
        num(co2eGrams),
        Double.isNaN(cost) ? "" : num(cost),
        num(measuredWh));
  }

  /** Empty for a missing or unreadable value: the pod then starts from its next report. */
  public static Optional<Checkpoint> parse(String text) {
    if (text == null || !text.startsWith("v1;")) {
      return Optional.empty();
    }
    Map<String, String> kv = new HashMap<>();
    for (String part : text.substring(3).split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        kv.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    try {
      String cost = kv.getOrDefault("cost", "");
      return Optional.of(
          new Checkpoint(
              required(kv, "node"),
              kv.getOrDefault("epoch", ""),
              Double.parseDouble(required(kv, "cpuJ")),
              Double.parseDouble(required(kv, "memJ")),
              Double.parseDouble(required(kv, "gpuJ")),
              Double.parseDouble(required(kv, "wh")),
              Double.parseDouble(required(kv, "co2g")),
              cost.isEmpty() ? Double.NaN : Double.parseDouble(cost),
              Double.parseDouble(required(kv, "measuredWh"))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
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
