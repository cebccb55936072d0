package io.wattkeeper.agent.kube;

import java.math.BigDecimal;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities (such as a CPU request: "250m", "2", "1.5", "1e3") as numbers. */
public final class CpuQuantity {
  private static final Pattern FORM =
      Pattern.compile("^([+-]?[0-9]*\\.?[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+|[numkMGTPE])?$");

  private CpuQuantity() {}

  /** The quantity's value, or empty when it is not a Kubernetes quantity. */
  public static OptionalDouble parse(String text) {
    if (text == null) {
      return OptionalDouble.empty();
    }
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      return OptionalDouble.empty();
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2);
    BigDecimal value =
        suffix == null
            ? number
            : switch (suffix) {
              case "n" -> number.movePointLeft(9);
              case "u" -> number.movePointLeft(6);
              case "m" -> number.movePointLeft(3);
              case "k" -> number.movePointRight(3);
              case "M" -> number.movePointRight(6);
              case "G" -> number.movePointRight(9);
              case "T" -> number.movePointRight(12);
              case "P" -> number.movePointRight(15);
              case "E" -> number.movePointRight(18);
              case "Ki" -> number.multiply(BigDecimal.valueOf(1L << 10));
              case "Mi" -> number.multiply(BigDecimal.valueOf(1L << 20));
              case "Gi" -> number.multiply(BigDecimal.valueOf(1L << 30));
              case "Ti" -> number.multiply(BigDecimal.valueOf(1L << 40));
              case "Pi" -> number.multiply(BigDecimal.valueOf(1L << 50));
              case "Ei" -> number.multiply(BigDecimal.valueOf(1L << 60));
              default -> number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
            };
    double d = value.doubleValue();
    return d < 0 || Double.isInfinite(d) ? OptionalDouble.empty() : OptionalDouble.of(d);
  }
}
