package io.wattkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** What an {@link EnergyBudget} charges, over which period, against which limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnergyBudgetSpec(
    @JsonPropertyDescription(
            "Pods charged to this budget; absent means every pod in the namespace.")
        LabelSelector selector,
    @JsonPropertyDescription("The accounting period.") Period period,
    @JsonPropertyDescription("Limits; any subset. None at all means monitor only.") Limits limits,
    @JsonPropertyDescription("Warning thresholds in percent of each limit, e.g. [80, 95].")
        List<@Min(1) @Max(100) Integer> warnAt,
    @JsonPropertyDescription("How energy becomes emissions and cost.") Accounting accounting,
    @JsonPropertyDescription("What happens when a limit is exceeded.") Enforcement enforcement,
    @JsonPropertyDescription("Scale idle inference workloads to zero; absent means off.") Idle idle,
    @JsonPropertyDescription(
            "Where the inference servers of the pods this budget charges count requests and"
                + " tokens, for pods that do not say so in their own"
                + " wattkeeper.io/functional-unit-* annotations; absent means none.")
        FunctionalUnits functionalUnits) {

  public EnergyBudgetSpec(
      LabelSelector selector,
      Period period,
      Limits limits,
      List<Integer> warnAt,
      Accounting accounting,
      Enforcement enforcement,
      Idle idle) {
    this(selector, period, limits, warnAt, accounting, enforcement, idle, null);
  }

  /** The inference server profile of the pods a budget charges (energy per request and token). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FunctionalUnits(
      @Required
          @Pattern("^(vllm|tgi|sglang|triton|custom)$")
          @JsonPropertyDescription("vllm, tgi, sglang, triton or custom.")
          String profile,
      @Min(1)
          @Max(65535)
          @JsonPropertyDescription("Port of the metrics endpoint; default the profile's.")
          Integer port,
      @Size(max = 256)
          @Pattern("^/[A-Za-z0-9/._~-]*$")
          @JsonPropertyDescription("Path of the metrics endpoint; default /metrics.")
          String path,
      @Size(max = 128)
          @Pattern(METRIC_PATTERN)
          @JsonPropertyDescription("custom: counter of finished requests.")
          String requestsMetric,
      @Size(max = 128)
          @Pattern(METRIC_PATTERN)
          @JsonPropertyDescription("custom: counter of prompt tokens.")
          String promptTokensMetric,
      @Size(max = 128)
          @Pattern(METRIC_PATTERN)
          @JsonPropertyDescription("custom: counter of generated tokens.")
          String generatedTokensMetric) {}

  public static final String METRIC_PATTERN = "^[a-zA-Z_:][a-zA-Z0-9_:]*$";

  public static final String ENERGY_PATTERN = "^[0-9]+(\\.[0-9]+)?\\s?(J|kJ|MJ|Wh|kWh|MWh)$";
  public static final String MASS_PATTERN = "^[0-9]+(\\.[0-9]+)?\\s?(g|kg|t)$";
  public static final String DECIMAL_PATTERN = "^[0-9]+(\\.[0-9]+)?$";
  public static final String DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

  /** Accounting period: calendar boundaries in a time zone, or a rolling window. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.type != 'Rolling' || has(self.window)",
      message = "period.window is required when period.type is Rolling")
  @ValidationRule(
      value = "self.type != 'Calendar' || has(self.unit)",
      message = "period.unit is required when period.type is Calendar")
  public record Period(
      @Size(max = 16)
          @Required
          @Pattern("^(Calendar|Rolling)$")
          @JsonPropertyDescription("Calendar or Rolling.")
          String type,
      @Size(max = 16)
          @Pattern("^(Day|Week|Month)$")
          @JsonPropertyDescription("Day, Week or Month (Calendar).")
          String unit,
      @Size(max = 32)
          @Pattern(DURATION_PATTERN)
          @JsonPropertyDescription("Go-style duration, e.g. 168h (Rolling).")
          String window,
      @Size(max = 64)
          @JsonPropertyDescription("IANA time zone for calendar boundaries; default UTC.")
          String timeZone) {}

  /** Limits as human-readable quantities; the operator normalises them. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Limits(
      @Size(max = 64)
          @Pattern(ENERGY_PATTERN)
          @JsonPropertyDescription("Energy, e.g. 500kWh (J kJ MJ Wh kWh MWh).")
          String energy,
      @Size(max = 64)
          @Pattern(MASS_PATTERN)
          @JsonPropertyDescription("CO2e mass, e.g. 150kg (g kg t).")
          String emissions,
      @Pattern(DECIMAL_PATTERN)
          @Size(max = 64)
          @JsonPropertyDescription("Cost in accounting.pricing.currency, e.g. \"1200\".")
          String cost) {}

  /** Accounting parameters; absent values come from the operator's configuration. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Accounting(
      @Min(1.0) @Max(3.0) @JsonPropertyDescription("Power usage effectiveness, 1.0 to 3.0.")
          Double pue,
      @JsonPropertyDescription("Overrides the per-node carbon intensity.")
          CarbonIntensityOverride carbonIntensity,
      @JsonPropertyDescription("Electricity price.") Pricing pricing) {}

  /** A zone (looked up in the built-in table) or a fixed intensity, or both. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CarbonIntensityOverride(
      @Size(max = 64) @JsonPropertyDescription("Grid zone: ISO country code or cloud region.")
          String zone,
      @Min(0) @Max(2000) @JsonPropertyDescription("Fixed intensity in gCO2e/kWh.")
          Double gramsPerKWh) {}

  /** Flat electricity price. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Pricing(
      @Size(max = 3)
          @Pattern("^[A-Z]{3}$")
          @JsonPropertyDescription("ISO 4217 currency code, e.g. EUR.")
          String currency,
      @Size(max = 32)
          @Pattern(DECIMAL_PATTERN)
          @JsonPropertyDescription("Price per kWh, e.g. \"0.22\".")
          String perKWh) {}

  /** Actions when a limit is exceeded. Event and Annotate always happen. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Enforcement(
      @Size(max = 16)
          @Pattern("^(Enforce|Warn|DryRun)$")
          @JsonPropertyDescription("Enforce, Warn or DryRun.")
          String mode,
      @JsonPropertyDescription("Any of ScaleToZero, DenyNewPods, GpuPowerCap.")
          List<@Pattern("^(ScaleToZero|DenyNewPods|GpuPowerCap)$") String> onExceeded,
      @JsonPropertyDescription("Which workloads ScaleToZero acts on.") ScaleToZero scaleToZero,
      @JsonPropertyDescription("The cap GpuPowerCap applies.") GpuPowerCap gpuPowerCap,
      @JsonPropertyDescription("Undo every action at the period reset; default true.")
          Boolean restoreOnReset) {}

  /** Workloads to scale to zero when the budget is exceeded. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScaleToZero(
      @JsonPropertyDescription(
              "Deployments/StatefulSets in this namespace; absent or empty matches nothing.")
          LabelSelector workloadSelector,
      @JsonPropertyDescription("Only scale workloads that are idle.") Boolean onlyIdle) {}

  /** GPU power cap for exclusively held GPUs. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GpuPowerCap(
      @Min(10) @Max(100) @JsonPropertyDescription("Percent of the GPU's default power limit.")
          Integer percent) {}

  /** Idle detection and scale-to-zero for inference workloads. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Idle(
      @JsonPropertyDescription(
              "Deployments/StatefulSets in this namespace; absent or empty matches nothing.")
          LabelSelector workloadSelector,
      @Pattern(DURATION_PATTERN)
          @Size(max = 32)
          @JsonPropertyDescription("Idle this long before sleeping; default 30m.")
          String after,
      @Min(0) @Max(100) @JsonPropertyDescription("GPU utilisation below this percent is idle.")
          Double gpuUtilizationBelowPercent,
      @Min(0) @JsonPropertyDescription("CPU use below this many cores is idle.")
          Double cpuCoresBelow,
      @Min(0) @JsonPropertyDescription("Network receive below this rate (bytes/s) is idle.")
          Double networkReceiveBytesPerSecondBelow,
      @Pattern(DURATION_PATTERN)
          @Size(max = 32)
          @JsonPropertyDescription("No sleep for this long after a wake; default 10m.")
          String cooldownAfterWake,
      @Min(0)
          @JsonPropertyDescription(
              "When set, a pod whose inference server counts requests (functional-unit"
                  + " annotations) is idle when it finishes fewer requests per second than this,"
                  + " whatever its CPU, GPU and network; pods without request counts use the"
                  + " other signals.")
          Double requestsPerSecondBelow) {}
}
