package io.wattkeeper.api.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.wattkeeper.api.units.Quantities;
import io.wattkeeper.api.units.QuantityException;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.validation.BudgetPolicy.Action;
import io.wattkeeper.api.validation.BudgetPolicy.CalendarUnit;
import io.wattkeeper.api.validation.BudgetPolicy.EnforcementPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.IdlePolicy;
import io.wattkeeper.api.validation.BudgetPolicy.Mode;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates an {@link EnergyBudgetSpec} again in the operator: the CRD schema is not enforced
 * everywhere (older API servers, the mock server, objects created before a schema change).
 */
public final class BudgetValidator {

  static final Duration DEFAULT_IDLE_AFTER = Duration.ofMinutes(30);
  static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(10);
  static final double DEFAULT_GPU_UTIL_BELOW = 5;
  static final double DEFAULT_CPU_CORES_BELOW = 0.05;
  static final double DEFAULT_NET_RX_BELOW = 1024;
  static final int DEFAULT_GPU_CAP_PERCENT = 60;

  // Kubernetes label key: optional DNS prefix, then a name of at most 63 characters.
  private static final Pattern LABEL_NAME =
      Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$");
  private static final Pattern DNS_PREFIX =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
  // An Electricity Maps style zone: country code, then up to three region parts (US-CAL-CISO).
  private static final Pattern ZONE = Pattern.compile("^[A-Z]{2,3}(-[A-Z0-9]{1,12}){0,3}$");

  /**
   * The largest limits accepted (README, "Maxima and bad input"): far above any real budget, and
   * small enough that every figure derived from them stays finite and printable.
   */
  public static final BigDecimal MAX_ENERGY_WH = new BigDecimal("1e9"); // 1 TWh

  public static final BigDecimal MAX_EMISSIONS_G = new BigDecimal("1e12"); // 1 Mt CO2e
  public static final BigDecimal MAX_COST = new BigDecimal("1e12");
  public static final BigDecimal MAX_PRICE_PER_KWH = new BigDecimal("1000");

  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private BudgetValidator() {}

  /** Validates a budget as read: a spec that could not be read is invalid, naming the field. */
  public static ValidationResult validate(io.wattkeeper.api.v1alpha1.EnergyBudget b) {
    if (b.getUnreadable() != null) {
      return new ValidationResult(null, List.of(Echo.message(b.getUnreadable())));
    }
    return validate(b.getSpec());
  }

  public static ValidationResult validate(EnergyBudgetSpec spec) {
    List<String> errors = new ArrayList<>();
    if (spec == null) {
      return new ValidationResult(null, List.of("spec: is missing"));
    }
    selector(errors, "spec.selector", spec.selector());
    PeriodPolicy period = period(errors, spec.period());

    EnergyBudgetSpec.Limits limits = spec.limits();
    Optional<BigDecimal> energy =
        limits == null || limits.energy() == null
            ? Optional.empty()
            : parse(errors, () -> Quantities.energyWh("spec.limits.energy", limits.energy()));
    Optional<BigDecimal> emissions =
        limits == null || limits.emissions() == null
            ? Optional.empty()
            : parse(
                errors, () -> Quantities.massGrams("spec.limits.emissions", limits.emissions()));
    Optional<BigDecimal> cost =
        limits == null || limits.cost() == null
            ? Optional.empty()
            : parse(errors, () -> Quantities.decimal("spec.limits.cost", limits.cost()));
    positive(errors, "spec.limits.energy", energy);
    positive(errors, "spec.limits.emissions", emissions);
    positive(errors, "spec.limits.cost", cost);
    energy = atMost(errors, "spec.limits.energy", energy, MAX_ENERGY_WH, "1000000MWh (1 TWh)");
    emissions =
        atMost(errors, "spec.limits.emissions", emissions, MAX_EMISSIONS_G, "1000000t (1 Mt)");
    cost = atMost(errors, "spec.limits.cost", cost, MAX_COST, "1000000000000");

    List<Integer> warnAt = warnAt(errors, spec.warnAt());

    Double pue = null;
    String zone = null;
    Double grams = null;
    String currency = null;
    BigDecimal price = null;
    EnergyBudgetSpec.Accounting acc = spec.accounting();
    if (acc != null) {
      if (acc.pue() != null) {
        if (acc.pue().isNaN() || acc.pue() < 1.0 || acc.pue() > 3.0) {
          errors.add(
              "spec.accounting.pue: "
                  + acc.pue()
                  + " is out of range; use a number from 1.0 to 3.0");
        } else {
          pue = acc.pue();
        }
      }
      if (acc.carbonIntensity() != null) {
        zone = zone(errors, blankToNull(acc.carbonIntensity().zone()));
        grams = acc.carbonIntensity().gramsPerKWh();
        if (grams != null && (grams.isNaN() || grams < 0 || grams > 2000)) {
          errors.add(
              "spec.accounting.carbonIntensity.gramsPerKWh: "
                  + grams
                  + " is out of range; use gCO2e/kWh from 0 to 2000");
          grams = null;
        }
      }
      if (acc.pricing() != null) {
        currency = acc.pricing().currency();
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
          errors.add(
              "spec.accounting.pricing.currency: "
                  + Echo.quoted(currency)
                  + " is not a currency; use an ISO 4217 code such as EUR or USD");
        }
        if (acc.pricing().perKWh() != null) {
          price =
              parse(
                      errors,
                      () ->
                          Quantities.decimal(
                              "spec.accounting.pricing.perKWh", acc.pricing().perKWh()))
                  .orElse(null);
          price =
              atMost(
                      errors,
                      "spec.accounting.pricing.perKWh",
                      Optional.ofNullable(price),
                      MAX_PRICE_PER_KWH,
                      "1000")
                  .orElse(null);
        }
      }
    }
    if (cost.isPresent() && price == null) {
      errors.add(
          "spec.limits.cost: needs spec.accounting.pricing.perKWh (and currency) to be computed");
    }

    EnforcementPolicy enforcement = enforcement(errors, spec.enforcement());
    IdlePolicy idle = idle(errors, spec.idle());
    EnergyBudgetSpec.FunctionalUnits units = spec.functionalUnits();
    if (units != null) {
      if (units.profile() == null || !units.profile().matches("vllm|tgi|sglang|triton|custom")) {
        errors.add(
            "spec.functionalUnits.profile: "
                + Echo.value(String.valueOf(units.profile()))
                + " is not one of vllm, tgi, sglang, triton, custom");
      } else if (units.profile().equals("custom") && units.requestsMetric() == null) {
        errors.add("spec.functionalUnits.requestsMetric: required with profile custom");
      }
      if (units.port() != null && (units.port() < 1 || units.port() > 65535)) {
        errors.add("spec.functionalUnits.port: " + units.port() + " is not a port");
      }
      if (units.path() != null
          && (units.path().length() > 256 || !units.path().matches("/[A-Za-z0-9/._~-]*"))) {
        errors.add("spec.functionalUnits.path: " + Echo.value(units.path()) + " is not a path");
      }
      for (String[] m :
          new String[][] {
            {"requestsMetric", units.requestsMetric()},
            {"promptTokensMetric", units.promptTokensMetric()},
            {"generatedTokensMetric", units.generatedTokensMetric()}
          }) {
        if (m[1] != null
            && (m[1].length() > 128 || !m[1].matches(EnergyBudgetSpec.METRIC_PATTERN))) {
          errors.add(
              "spec.functionalUnits." + m[0] + ": " + Echo.value(m[1]) + " is not a metric name");
        }
      }
    }

    if (!errors.isEmpty()) {
      return new ValidationResult(null, List.copyOf(errors));
    }
    return new ValidationResult(
        new BudgetPolicy(
            spec.selector(),
            period,
            energy,
            emissions,
            cost,
            warnAt,
            pue,
            zone,
            grams,
            currency,
            price,
            enforcement,
            idle,
            units),
        List.of());
  }

  private static PeriodPolicy period(List<String> errors, EnergyBudgetSpec.Period p) {
    if (p == null) {
      // A budget without a period is a calendar month in UTC, like most bills.
      return new PeriodPolicy(PeriodType.Calendar, CalendarUnit.Month, null, ZoneOffset.UTC);
    }
    PeriodType type = enumValue(errors, "spec.period.type", p.type(), PeriodType.class, null);
    ZoneId zone = ZoneOffset.UTC;
    if (p.timeZone() != null && !p.timeZone().isBlank()) {
      try {
        zone = ZoneId.of(p.timeZone());
      } catch (DateTimeException e) {
        errors.add(
            "spec.period.timeZone: "
                + Echo.quoted(p.timeZone())
                + " is not a time zone; use an IANA name such as Europe/Berlin or UTC");
      }
    }
    if (type == PeriodType.Rolling) {
      if (p.window() == null) {
        errors.add("spec.period.window: is required when spec.period.type is Rolling; e.g. 168h");
        return null;
      }
      Duration window =
          parse(errors, () -> Quantities.duration("spec.period.window", p.window())).orElse(null);
      if (window != null && window.compareTo(Duration.ofMinutes(1)) < 0) {
        errors.add(
            "spec.period.window: " + Echo.quoted(p.window()) + " is too short; use at least 1m");
      }
      return new PeriodPolicy(type, null, window, zone);
    }
    if (type == PeriodType.Calendar) {
      if (p.unit() == null) {
        errors.add(
            "spec.period.unit: is required when spec.period.type is Calendar; use Day, Week or Month");
        return null;
      }
      CalendarUnit unit = enumValue(errors, "spec.period.unit", p.unit(), CalendarUnit.class, null);
      return new PeriodPolicy(type, unit, null, zone);
    }
    return null;
  }

  private static List<Integer> warnAt(List<String> errors, List<Integer> warnAt) {
    if (warnAt == null) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < warnAt.size(); i++) {
      Integer v = warnAt.get(i);
      if (v == null || v < 1 || v > 100) {
        errors.add("spec.warnAt[" + i + "]: " + v + " is not a percentage; use 1 to 100");
      } else {
        out.add(v);
      }
    }
    return out.stream().distinct().sorted().toList();
  }

  private static EnforcementPolicy enforcement(
      List<String> errors, EnergyBudgetSpec.Enforcement e) {
    if (e == null) {
      return new EnforcementPolicy(
          Mode.Enforce, Set.of(), null, false, DEFAULT_GPU_CAP_PERCENT, true);
    }
    Mode mode = enumValue(errors, "spec.enforcement.mode", e.mode(), Mode.class, Mode.Enforce);
    Set<Action> actions = EnumSet.noneOf(Action.class);
    if (e.onExceeded() != null) {
      for (int i = 0; i < e.onExceeded().size(); i++) {
        Action a =
            enumValue(
                errors,
                "spec.enforcement.onExceeded[" + i + "]",
                e.onExceeded().get(i),
                Action.class,
                null);
        if (a != null) {
          actions.add(a);
        }
      }
    }
    LabelSelector s2z = e.scaleToZero() == null ? null : e.scaleToZero().workloadSelector();
    selector(errors, "spec.enforcement.scaleToZero.workloadSelector", s2z);
    if (actions.contains(Action.ScaleToZero) && isEmpty(s2z)) {
      errors.add(
          "spec.enforcement.scaleToZero.workloadSelector: is required for ScaleToZero; an empty"
              + " selector matches nothing, never every workload");
    }
    int percent = DEFAULT_GPU_CAP_PERCENT;
    if (e.gpuPowerCap() != null && e.gpuPowerCap().percent() != null) {
      percent = e.gpuPowerCap().percent();
      if (percent < 10 || percent > 100) {
        errors.add(
            "spec.enforcement.gpuPowerCap.percent: "
                + percent
                + " is out of range; use 10 to 100 (percent of the default power limit)");
      }
    }
    boolean onlyIdle = e.scaleToZero() != null && Boolean.TRUE.equals(e.scaleToZero().onlyIdle());
    boolean restore = e.restoreOnReset() == null || e.restoreOnReset();
    return new EnforcementPolicy(mode, Set.copyOf(actions), s2z, onlyIdle, percent, restore);
  }

  private static IdlePolicy idle(List<String> errors, EnergyBudgetSpec.Idle idle) {
    if (idle == null) {
      return null;
    }
    selector(errors, "spec.idle.workloadSelector", idle.workloadSelector());
    Duration after =
        idle.after() == null
            ? DEFAULT_IDLE_AFTER
            : parse(errors, () -> Quantities.duration("spec.idle.after", idle.after()))
                .orElse(null);
    Duration cooldown =
        idle.cooldownAfterWake() == null
            ? DEFAULT_COOLDOWN
            : parse(
                    errors,
                    () ->
                        Quantities.duration(
                            "spec.idle.cooldownAfterWake", idle.cooldownAfterWake()))
                .orElse(null);
    double gpu =
        threshold(
            errors,
            "spec.idle.gpuUtilizationBelowPercent",
            idle.gpuUtilizationBelowPercent(),
            DEFAULT_GPU_UTIL_BELOW,
            100);
    double cpu =
        threshold(
            errors, "spec.idle.cpuCoresBelow", idle.cpuCoresBelow(), DEFAULT_CPU_CORES_BELOW, 4096);
    double net =
        threshold(
            errors,
            "spec.idle.networkReceiveBytesPerSecondBelow",
            idle.networkReceiveBytesPerSecondBelow(),
            DEFAULT_NET_RX_BELOW,
            1e12);
    Double requests =
        idle.requestsPerSecondBelow() == null
            ? null
            : threshold(
                errors, "spec.idle.requestsPerSecondBelow", idle.requestsPerSecondBelow(), 0, 1e9);
    return new IdlePolicy(idle.workloadSelector(), after, gpu, cpu, net, cooldown, requests);
  }

  private static double threshold(
      List<String> errors, String field, Double value, double dflt, double max) {
    if (value == null) {
      return dflt;
    }
    if (value.isNaN() || value < 0 || value > max) {
      errors.add(field + ": " + value + " is out of range; use a number from 0 to " + fmt(max));
      return dflt;
    }
    return value;
  }

  /** Checks label keys, values and operators the way the API server would. */
  static void selector(List<String> errors, String field, LabelSelector selector) {
    if (selector == null) {
      return;
    }
    Map<String, String> labels = selector.getMatchLabels();
    if (labels != null) {
      labels.forEach(
          (k, v) -> {
            labelKey(errors, field + ".matchLabels", k);
            if (v == null || !LABEL_NAME.matcher(v).matches() || v.length() > 63) {
              errors.add(
                  field
                      + ".matchLabels["
                      + Echo.value(k)
                      + "]: "
                      + Echo.quoted(v)
                      + " is not a label value; use at most 63 letters, digits, '-', '_' or '.'");
            }
          });
    }
    List<LabelSelectorRequirement> exprs = selector.getMatchExpressions();
    if (exprs != null) {
      for (int i = 0; i < exprs.size(); i++) {
        LabelSelectorRequirement r = exprs.get(i);
        String f = field + ".matchExpressions[" + i + "]";
        labelKey(errors, f + ".key", r.getKey());
        String op = r.getOperator();
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        if (op == null || !OPERATORS.contains(op)) {
          errors.add(
              f
                  + ".operator: "
                  + Echo.quoted(op)
                  + " is not an operator; use In, NotIn, Exists or DoesNotExist");
        } else if ((op.equals("In") || op.equals("NotIn")) && values.isEmpty()) {
          errors.add(f + ".values: must not be empty for operator " + op);
        } else if ((op.equals("Exists") || op.equals("DoesNotExist")) && !values.isEmpty()) {
          errors.add(f + ".values: must be empty for operator " + op);
        }
      }
    }
  }

  private static void labelKey(List<String> errors, String field, String key) {
    boolean ok = key != null && !key.isEmpty();
    if (ok) {
      String name = key;
      int slash = key.indexOf('/');
      if (slash >= 0) {
        String prefix = key.substring(0, slash);
        name = key.substring(slash + 1);
        ok = prefix.length() <= 253 && DNS_PREFIX.matcher(prefix).matches();
      }
      ok = ok && !name.isEmpty() && name.length() <= 63 && LABEL_NAME.matcher(name).matches();
    }
    if (!ok) {
      errors.add(
          field
              + ": "
              + Echo.quoted(key)
              + " is not a label key; use [prefix/]name with a name of at most 63 letters,"
              + " digits, '-', '_' or '.'");
    }
  }

  static boolean isEmpty(LabelSelector s) {
    return s == null
        || ((s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
            && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty()));
  }

  private static <E extends Enum<E>> E enumValue(
      List<String> errors, String field, String value, Class<E> type, E dflt) {
    String accepted =
        Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    if (value == null) {
      if (dflt == null) {
        errors.add(field + ": is required; use one of " + accepted);
      }
      return dflt;
    }
    for (E c : type.getEnumConstants()) {
      if (c.name().equals(value)) {
        return c;
      }
    }
    errors.add(field + ": " + Echo.quoted(value) + " is not accepted; use one of " + accepted);
    return null;
  }

  private static <T> Optional<T> parse(List<String> errors, Supplier<T> parser) {
    try {
      return Optional.of(parser.get());
    } catch (QuantityException e) {
      errors.add(e.getMessage());
      return Optional.empty();
    }
  }

  private static void positive(List<String> errors, String field, Optional<BigDecimal> v) {
    if (v.isPresent() && v.get().signum() <= 0) {
      errors.add(field + ": must be greater than zero; remove the limit to monitor only");
    }
  }

  private static Optional<BigDecimal> atMost(
      List<String> errors, String field, Optional<BigDecimal> v, BigDecimal max, String shown) {
    if (v.isPresent() && v.get().compareTo(max) > 0) {
      errors.add(field + ": is above the maximum " + shown);
      return Optional.empty();
    }
    return v;
  }

  /** A zone known to the built-in table, or shaped like an Electricity Maps zone. */
  private static String zone(List<String> errors, String zone) {
    if (zone == null) {
      return null;
    }
    boolean ok =
        zone.length() <= 64
            && (ZONE.matcher(zone).matches()
                || io.wattkeeper.api.carbon.CarbonIntensityTable.builtIn()
                    .lookup(zone)
                    .isPresent());
    if (!ok) {
      errors.add(
          "spec.accounting.carbonIntensity.zone: "
              + Echo.quoted(zone)
              + " is not a grid zone; use a country code such as DE, an Electricity Maps zone"
              + " such as US-CAL-CISO, or a cloud region of the built-in table such as eu-west-3");
      return null;
    }
    return zone;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
