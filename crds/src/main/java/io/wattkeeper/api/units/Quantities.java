package io.wattkeeper.api.units;

import io.wattkeeper.api.validation.Echo;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser for the quantities users write in budgets. Everything is exact: energy in Wh and
 * mass in grams as {@link BigDecimal}, durations in nanoseconds. Each method throws {@link
 * QuantityException} with a message that names the field and the accepted form.
 */
public final class Quantities {

  private static final Pattern NUMBER_UNIT =
      Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s?([A-Za-zµ]+)\\s*$");
  private static final Pattern DECIMAL = Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*$");
  private static final Pattern DURATION_PART =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");

  /** Energy units to Wh. Case matters: "kwh" is refused, as in the message users see. */
  private static final Map<String, BigDecimal> ENERGY_TO_WH =
      Map.of(
          "J", BigDecimal.ONE,
          "kJ", BigDecimal.valueOf(1_000),
          "MJ", BigDecimal.valueOf(1_000_000),
          "Wh", BigDecimal.ONE,
          "kWh", BigDecimal.valueOf(1_000),
          "MWh", BigDecimal.valueOf(1_000_000));

  private static final Map<String, BigDecimal> MASS_TO_G =
      Map.of(
          "g", BigDecimal.ONE,
          "kg", BigDecimal.valueOf(1_000),
          "t", BigDecimal.valueOf(1_000_000));

  private static final Map<String, Long> DURATION_TO_NANOS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private Quantities() {}

  /**
   * Parses an energy such as {@code 500kWh} into watt-hours. Joule forms are converted exactly to
   * 1/3600 Wh; the result keeps up to 12 decimals.
   */
  public static BigDecimal energyWh(String field, String text) {
    String accepted = "use a number and one of J, kJ, MJ, Wh, kWh, MWh";
    Matcher m = match(field, text, "an energy", accepted);
    BigDecimal factor = ENERGY_TO_WH.get(m.group(2));
    if (factor == null) {
      throw invalid(field, text, "an energy", accepted);
    }
    BigDecimal value = new BigDecimal(m.group(1)).multiply(factor);
    if (m.group(2).endsWith("J")) {
      value = value.divide(BigDecimal.valueOf(3600), 12, RoundingMode.HALF_EVEN);
    }
    return value.stripTrailingZeros();
  }

  /** Parses a CO2e mass such as {@code 150kg} into grams. */
  public static BigDecimal massGrams(String field, String text) {
    String accepted = "use a number and one of g, kg, t (CO2e)";
    Matcher m = match(field, text, "a mass", accepted);
    BigDecimal factor = MASS_TO_G.get(m.group(2));
    if (factor == null) {
      throw invalid(field, text, "a mass", accepted);
    }
    return new BigDecimal(m.group(1)).multiply(factor).stripTrailingZeros();
  }

  /** Parses a non-negative decimal such as {@code "1200"} or {@code "0.22"}. */
  public static BigDecimal decimal(String field, String text) {
    if (text == null || !DECIMAL.matcher(text).matches()) {
      throw invalid(
          field, text, "a decimal number", "use digits with an optional fraction, e.g. 0.22");
    }
    return new BigDecimal(text.trim());
  }

  /**
   * Parses a Go-style duration such as {@code 168h}, {@code 1h30m} or {@code 90s}. Zero and
   * negative durations are refused.
   */
  public static Duration duration(String field, String text) {
    String accepted = "use a Go-style duration such as 30m, 1h30m or 168h (units h, m, s, ms)";
    if (text == null || text.isBlank()) {
      throw invalid(field, text, "a duration", accepted);
    }
    Matcher m = DURATION_PART.matcher(text.trim());
    int end = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (m.find()) {
      if (m.start() != end) {
        throw invalid(field, text, "a duration", accepted);
      }
      nanos =
          nanos.add(
              new BigDecimal(m.group(1))
                  .multiply(BigDecimal.valueOf(DURATION_TO_NANOS.get(m.group(2)))));
      end = m.end();
    }
    if (end != text.trim().length() || end == 0) {
      throw invalid(field, text, "a duration", accepted);
    }
    if (nanos.signum() <= 0) {
      throw new QuantityException(field + ": " + Echo.quoted(text) + " must be longer than zero");
    }
    try {
      return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException e) {
      throw new QuantityException(field + ": " + Echo.quoted(text) + " is too long");
    }
  }

  /** Formats watt-hours for people: 312kWh, 1.5MWh, 820Wh. */
  public static String formatEnergy(double wh) {
    if (wh >= 1_000_000) {
      return trim(wh / 1_000_000) + "MWh";
    }
    if (wh >= 1_000) {
      return trim(wh / 1_000) + "kWh";
    }
    return trim(wh) + "Wh";
  }

  /** Formats grams for people: 98kg, 1.2t, 350g. */
  public static String formatMass(double grams) {
    if (grams >= 1_000_000) {
      return trim(grams / 1_000_000) + "t";
    }
    if (grams >= 1_000) {
      return trim(grams / 1_000) + "kg";
    }
    return trim(grams) + "g";
  }

  /** Watt-hours from joules. */
  public static double whFromJoules(double joules) {
    return joules / 3600.0;
  }

  private static String trim(double v) {
    if (!Double.isFinite(v)) {
      return "?"; // never throw while showing a figure (validation bounds every limit)
    }
    // Three significant figures at most, no trailing zeros: 312, 31.2, 3.12.
    BigDecimal bd = BigDecimal.valueOf(v);
    int digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return bd.setScale(digits, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  private static Matcher match(String field, String text, String what, String accepted) {
    if (text == null) {
      throw invalid(field, text, what, accepted);
    }
    Matcher m = NUMBER_UNIT.matcher(text);
    if (!m.matches()) {
      throw invalid(field, text, what, accepted);
    }
    return m;
  }

  private static QuantityException invalid(
      String field, String text, String what, String accepted) {
    String shown = Echo.quoted(text);
    return new QuantityException(
        String.format(Locale.ROOT, "%s: %s is not %s; %s", field, shown, what, accepted));
  }
}
