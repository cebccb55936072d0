package io.wattkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed for a budget; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnergyBudgetStatus {
  /** The phases a budget's status shows. */
  public static final String PHASE_OK = "Ok";

  public static final String PHASE_WARNING = "Warning";
  public static final String PHASE_EXCEEDED = "Exceeded";
  public static final String PHASE_INVALID = "Invalid";
  public static final String PHASE_UNKNOWN = "Unknown";

  @JsonPropertyDescription("The spec generation this status reflects.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ok, Warning, Exceeded, Invalid or Unknown.")
  private String phase;

  @JsonPropertyDescription("The current period.")
  private PeriodStatus period;

  @JsonPropertyDescription("Energy, emissions and cost used in the current period.")
  private Used used;

  @JsonPropertyDescription("Percent of each limit used.")
  private PercentUsed percentUsed;

  @JsonPropertyDescription("The highest of percentUsed.")
  private Integer maxPercentUsed;

  @JsonPropertyDescription("Burn-rate forecast.")
  private Projected projected;

  @JsonPropertyDescription("The carbon intensity used, with its source.")
  private CarbonIntensity carbonIntensity;

  @JsonPropertyDescription("How much of the energy was measured rather than estimated.")
  private DataQuality dataQuality;

  @JsonPropertyDescription("Pods charged to this budget now.")
  private Integer matchedPods;

  @JsonPropertyDescription("Actions in force, each reversible.")
  private EnforcementStatus enforcement;

  @JsonPropertyDescription("Workloads asleep because they were idle.")
  private IdleStatus idle;

  @JsonPropertyDescription(
      "Energy and emissions per functional unit (SCI R) in the period, from the matched pods whose"
          + " inference servers report request and token counts; absent when none does.")
  private FunctionalUnits functionalUnits;

  @JsonPropertyDescription("Pre-formatted strings behind the printer columns.")
  private Display display;

  @JsonPropertyDescription(
      "Standard conditions: Ready, Valid, ThresholdReached, Exceeded, Enforced.")
  private List<Condition> conditions;

  @JsonPropertyDescription("Past periods, newest first, bounded.")
  private List<HistoryEntry> history;

  @JsonPropertyDescription(
      "Internal, for restart recovery: how much of used the pods' checkpoint annotations account"
          + " for, and when that was taken.")
  private LedgerPosition ledger;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public EnergyBudgetStatus setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
    return this;
  }

  public String getPhase() {
    return phase;
  }

  public EnergyBudgetStatus setPhase(String phase) {
    this.phase = phase;
    return this;
  }

  public PeriodStatus getPeriod() {
    return period;
  }

  public EnergyBudgetStatus setPeriod(PeriodStatus period) {
    this.period = period;
    return this;
  }

  public Used getUsed() {
    return used;
  }

  public EnergyBudgetStatus setUsed(Used used) {
    this.used = used;
    return this;
  }

  public PercentUsed getPercentUsed() {
    return percentUsed;
  }

  public EnergyBudgetStatus setPercentUsed(PercentUsed percentUsed) {
    this.percentUsed = percentUsed;
    return this;
  }

  public Integer getMaxPercentUsed() {
    return maxPercentUsed;
  }

  public EnergyBudgetStatus setMaxPercentUsed(Integer maxPercentUsed) {
    this.maxPercentUsed = maxPercentUsed;
    return this;
  }

  public Projected getProjected() {
    return projected;
  }

  public EnergyBudgetStatus setProjected(Projected projected) {
    this.projected = projected;
    return this;
  }

  public CarbonIntensity getCarbonIntensity() {
    return carbonIntensity;
  }

  public EnergyBudgetStatus setCarbonIntensity(CarbonIntensity carbonIntensity) {
    this.carbonIntensity = carbonIntensity;
    return this;
  }

  public DataQuality getDataQuality() {
    return dataQuality;
  }

  public EnergyBudgetStatus setDataQuality(DataQuality dataQuality) {
    this.dataQuality = dataQuality;
    return this;
  }

  public Integer getMatchedPods() {
    return matchedPods;
  }

  public EnergyBudgetStatus setMatchedPods(Integer matchedPods) {
    this.matchedPods = matchedPods;
    return this;
  }

  public EnforcementStatus getEnforcement() {
    return enforcement;
  }

  public EnergyBudgetStatus setEnforcement(EnforcementStatus enforcement) {
    this.enforcement = enforcement;
    return this;
  }

  public IdleStatus getIdle() {
    return idle;
  }

  public EnergyBudgetStatus setIdle(IdleStatus idle) {
    this.idle = idle;
    return this;
  }

  public FunctionalUnits getFunctionalUnits() {
    return functionalUnits;
  }

  public EnergyBudgetStatus setFunctionalUnits(FunctionalUnits functionalUnits) {
    this.functionalUnits = functionalUnits;
    return this;
  }

  /**
   * Per-request and per-1k-token figures: energy (PUE included) over the windows in which the
   * counts are known, divided by the units counted in those same windows. A figure is absent while
   * unknown; {@code idle} when windows completed without a unit counted.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class FunctionalUnits {
    @JsonPropertyDescription("Requests finished in the period (in windows with known counts).")
    private Double requests;

    @JsonPropertyDescription("Generated (output) tokens in the period.")
    private Double generatedTokens;

    @JsonPropertyDescription("Wh per request.")
    private Double energyPerRequestWh;

    @JsonPropertyDescription("Wh per 1,000 generated tokens.")
    private Double energyPer1kTokensWh;

    @JsonPropertyDescription("Grams CO2e per 1,000 generated tokens (see carbonIntensity).")
    private Double co2ePer1kTokensGrams;

    @JsonPropertyDescription("True when windows completed in the period without any request.")
    private Boolean idle;

    @JsonPropertyDescription("What R is and where it is counted.")
    @io.fabric8.generator.annotation.Size(max = 512)
    private String unit;

    public Double getRequests() {
      return requests;
    }

    public FunctionalUnits setRequests(Double requests) {
      this.requests = requests;
      return this;
    }

    public Double getGeneratedTokens() {
      return generatedTokens;
    }

    public FunctionalUnits setGeneratedTokens(Double generatedTokens) {
      this.generatedTokens = generatedTokens;
      return this;
    }

    public Double getEnergyPerRequestWh() {
      return energyPerRequestWh;
    }

    public FunctionalUnits setEnergyPerRequestWh(Double energyPerRequestWh) {
      this.energyPerRequestWh = energyPerRequestWh;
      return this;
    }

    public Double getEnergyPer1kTokensWh() {
      return energyPer1kTokensWh;
    }

    public FunctionalUnits setEnergyPer1kTokensWh(Double energyPer1kTokensWh) {
      this.energyPer1kTokensWh = energyPer1kTokensWh;
      return this;
    }

    public Double getCo2ePer1kTokensGrams() {
      return co2ePer1kTokensGrams;
    }

    public FunctionalUnits setCo2ePer1kTokensGrams(Double co2ePer1kTokensGrams) {
      this.co2ePer1kTokensGrams = co2ePer1kTokensGrams;
      return this;
    }

    public Boolean getIdle() {
      return idle;
    }

    public FunctionalUnits setIdle(Boolean idle) {
      this.idle = idle;
      return this;
    }

    public String getUnit() {
      return unit;
    }

    public FunctionalUnits setUnit(String unit) {
      this.unit = unit;
      return this;
    }
  }

  public Display getDisplay() {
    return display;
  }

  public EnergyBudgetStatus setDisplay(Display display) {
    this.display = display;
    return this;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public EnergyBudgetStatus setConditions(List<Condition> conditions) {
    this.conditions = conditions;
    return this;
  }

  public List<HistoryEntry> getHistory() {
    return history;
  }

  public EnergyBudgetStatus setHistory(List<HistoryEntry> history) {
    this.history = history;
    return this;
  }

  public LedgerPosition getLedger() {
    return ledger;
  }

  public EnergyBudgetStatus setLedger(LedgerPosition ledger) {
    this.ledger = ledger;
    return this;
  }

  /**
   * Written with {@code used} in the same patch: the part of {@code used} (full precision) that the
   * pods' checkpoint annotations written before {@code at} account for. After a restart the budget
   * starts from it and every pod's counters since its checkpoint are charged again, so nothing is
   * lost or counted twice.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LedgerPosition {
    @JsonPropertyDescription(
        "When these figures were taken (operator time, RFC 3339 to the nanosecond); compared with"
            + " the time in each pod's checkpoint.")
    private String at;

    @JsonPropertyDescription(
        "Pods that started after this time and carry no checkpoint are charged from zero after a"
            + " restart.")
    private String since;

    @JsonPropertyDescription("Energy in Wh, PUE included.")
    private Double energyWh;

    @JsonPropertyDescription("CPU energy in Wh, PUE included.")
    private Double cpuWh;

    @JsonPropertyDescription("GPU energy in Wh, PUE included.")
    private Double gpuWh;

    @JsonPropertyDescription("Memory energy in Wh, PUE included.")
    private Double memoryWh;

    @JsonPropertyDescription("Measured (not estimated) energy in Wh, PUE included.")
    private Double measuredWh;

    @JsonPropertyDescription("Emissions in grams CO2e.")
    private Double co2eGrams;

    @JsonPropertyDescription("Cost in the budget's currency; absent when unpriced.")
    private Double cost;

    @JsonPropertyDescription(
        "Stamps of pod checkpoints on their way to the API server when this was taken (not"
            + " accounted for here, even if they land).")
    private List<String> inFlight;

    public List<String> getInFlight() {
      return inFlight;
    }

    public LedgerPosition setInFlight(List<String> inFlight) {
      this.inFlight = inFlight;
      return this;
    }

    public String getAt() {
      return at;
    }

    public LedgerPosition setAt(String at) {
      this.at = at;
      return this;
    }

    public String getSince() {
      return since;
    }

    public LedgerPosition setSince(String since) {
      this.since = since;
      return this;
    }

    public Double getEnergyWh() {
      return energyWh;
    }

    public LedgerPosition setEnergyWh(Double energyWh) {
      this.energyWh = energyWh;
      return this;
    }

    public Double getCpuWh() {
      return cpuWh;
    }

    public LedgerPosition setCpuWh(Double cpuWh) {
      this.cpuWh = cpuWh;
      return this;
    }

    public Double getGpuWh() {
      return gpuWh;
    }

    public LedgerPosition setGpuWh(Double gpuWh) {
      this.gpuWh = gpuWh;
      return this;
    }

    public Double getMemoryWh() {
      return memoryWh;
    }

    public LedgerPosition setMemoryWh(Double memoryWh) {
      this.memoryWh = memoryWh;
      return this;
    }

    public Double getMeasuredWh() {
      return measuredWh;
    }

    public LedgerPosition setMeasuredWh(Double measuredWh) {
      this.measuredWh = measuredWh;
      return this;
    }

    public Double getCo2eGrams() {
      return co2eGrams;
    }

    public LedgerPosition setCo2eGrams(Double co2eGrams) {
      this.co2eGrams = co2eGrams;
      return this;
    }

    public Double getCost() {
      return cost;
    }

    public LedgerPosition setCost(Double cost) {
      this.cost = cost;
      return this;
    }
  }

  /** The current accounting period. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PeriodStatus {
    @JsonPropertyDescription("RFC 3339 start (inclusive).")
    private String start;

    @JsonPropertyDescription("RFC 3339 end (exclusive).")
    private String end;

    public String getStart() {
      return start;
    }

    public PeriodStatus setStart(String start) {
      this.start = start;
      return this;
    }

    public String getEnd() {
      return end;
    }

    public PeriodStatus setEnd(String end) {
      this.end = end;
      return this;
    }
  }

  /** Usage in the current period; energy includes PUE. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Used {
    @JsonPropertyDescription("Total energy in Wh, PUE included.")
    private Double energyWh;

    @JsonPropertyDescription("CPU energy in Wh, PUE included.")
    private Double cpuWh;

    @JsonPropertyDescription("GPU energy in Wh, PUE included.")
    private Double gpuWh;

    @JsonPropertyDescription("Memory energy in Wh, PUE included.")
    private Double memoryWh;

    @JsonPropertyDescription("Emissions in grams CO2e, integrated per interval.")
    private Double co2eGrams;

    @JsonPropertyDescription("Cost in the budget's currency, decimal string.")
    private String cost;

    public Double getEnergyWh() {
      return energyWh;
    }

    public Used setEnergyWh(Double energyWh) {
      this.energyWh = energyWh;
      return this;
    }

    public Double getCpuWh() {
      return cpuWh;
    }

    public Used setCpuWh(Double cpuWh) {
      this.cpuWh = cpuWh;
      return this;
    }

    public Double getGpuWh() {
      return gpuWh;
    }

    public Used setGpuWh(Double gpuWh) {
      this.gpuWh = gpuWh;
      return this;
    }

    public Double getMemoryWh() {
      return memoryWh;
    }

    public Used setMemoryWh(Double memoryWh) {
      this.memoryWh = memoryWh;
      return this;
    }

    public Double getCo2eGrams() {
      return co2eGrams;
    }

    public Used setCo2eGrams(Double co2eGrams) {
      this.co2eGrams = co2eGrams;
      return this;
    }

    public String getCost() {
      return cost;
    }

    public Used setCost(String cost) {
      this.cost = cost;
      return this;
    }
  }

  /** Percent of each limit used; absent where no limit is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PercentUsed {
    @JsonPropertyDescription("Energy percent.")
    private Double energy;

    @JsonPropertyDescription("Emissions percent.")
    private Double emissions;

    @JsonPropertyDescription("Cost percent.")
    private Double cost;

    public Double getEnergy() {
      return energy;
    }

    public PercentUsed setEnergy(Double energy) {
      this.energy = energy;
      return this;
    }

    public Double getEmissions() {
      return emissions;
    }

    public PercentUsed setEmissions(Double emissions) {
      this.emissions = emissions;
      return this;
    }

    public Double getCost() {
      return cost;
    }

    public PercentUsed setCost(Double cost) {
      this.cost = cost;
      return this;
    }
  }

  /** Burn-rate forecast for the current period. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Projected {
    @JsonPropertyDescription(
        "When the first limit is projected to be exceeded (RFC 3339); absent if not.")
    private String exceedsAt;

    @JsonPropertyDescription("Projected energy at the end of the period.")
    private Double energyWhAtPeriodEnd;

    public String getExceedsAt() {
      return exceedsAt;
    }

    public Projected setExceedsAt(String exceedsAt) {
      this.exceedsAt = exceedsAt;
      return this;
    }

    public Double getEnergyWhAtPeriodEnd() {
      return energyWhAtPeriodEnd;
    }

    public Projected setEnergyWhAtPeriodEnd(Double energyWhAtPeriodEnd) {
      this.energyWhAtPeriodEnd = energyWhAtPeriodEnd;
      return this;
    }
  }

  /** Carbon intensity applied. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CarbonIntensity {
    @JsonPropertyDescription("Average intensity applied in this period, gCO2e/kWh.")
    private Double gramsPerKWh;

    @JsonPropertyDescription("Grid zone.")
    private String zone;

    @JsonPropertyDescription("Data source and year.")
    private String source;

    public Double getGramsPerKWh() {
      return gramsPerKWh;
    }

    public CarbonIntensity setGramsPerKWh(Double gramsPerKWh) {
      this.gramsPerKWh = gramsPerKWh;
      return this;
    }

    public String getZone() {
      return zone;
    }

    public CarbonIntensity setZone(String zone) {
      this.zone = zone;
      return this;
    }

    public String getSource() {
      return source;
    }

    public CarbonIntensity setSource(String source) {
      this.source = source;
      return this;
    }
  }

  /** Share of measured versus estimated energy. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DataQuality {
    @JsonPropertyDescription("Fraction of energy measured by a meter (RAPL, NVML), 0 to 1.")
    private Double measuredFraction;

    public Double getMeasuredFraction() {
      return measuredFraction;
    }

    public DataQuality setMeasuredFraction(Double measuredFraction) {
      this.measuredFraction = measuredFraction;
      return this;
    }
  }

  /** Enforcement actions in force. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class EnforcementStatus {
    @JsonPropertyDescription("Actions in force now.")
    private List<String> activeActions;

    @JsonPropertyDescription("When the actions took effect.")
    private String since;

    @JsonPropertyDescription("Objects acted upon, with what is needed to undo.")
    private List<AffectedWorkload> affected;

    public List<String> getActiveActions() {
      return activeActions;
    }

    public EnforcementStatus setActiveActions(List<String> activeActions) {
      this.activeActions = activeActions;
      return this;
    }

    public String getSince() {
      return since;
    }

    public EnforcementStatus setSince(String since) {
      this.since = since;
      return this;
    }

    public List<AffectedWorkload> getAffected() {
      return affected;
    }

    public EnforcementStatus setAffected(List<AffectedWorkload> affected) {
      this.affected = affected;
      return this;
    }
  }

  /** One object acted upon. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AffectedWorkload {
    @JsonPropertyDescription("Deployment, StatefulSet, ScaledObject, Node or Namespace.")
    private String kind;

    @JsonPropertyDescription("Object name.")
    private String name;

    @JsonPropertyDescription("ScaleToZero, DenyNewPods or GpuPowerCap.")
    private String action;

    @JsonPropertyDescription("Replicas before the action.")
    private Integer previousReplicas;

    @JsonPropertyDescription("Mode and other details.")
    private String detail;

    public String getKind() {
      return kind;
    }

    public AffectedWorkload setKind(String kind) {
      this.kind = kind;
      return this;
    }

    public String getName() {
      return name;
    }

    public AffectedWorkload setName(String name) {
      this.name = name;
      return this;
    }

    public String getAction() {
      return action;
    }

    public AffectedWorkload setAction(String action) {
      this.action = action;
      return this;
    }

    public Integer getPreviousReplicas() {
      return previousReplicas;
    }

    public AffectedWorkload setPreviousReplicas(Integer previousReplicas) {
      this.previousReplicas = previousReplicas;
      return this;
    }

    public String getDetail() {
      return detail;
    }

    public AffectedWorkload setDetail(String detail) {
      this.detail = detail;
      return this;
    }
  }

  /** Idle scale-to-zero state. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class IdleStatus {
    @JsonPropertyDescription("Workloads asleep.")
    private List<SleepingWorkload> sleeping;

    @JsonPropertyDescription(
        "Estimated energy saved by sleeping, Wh (idle power times time asleep).")
    private Double energySavedWh;

    public List<SleepingWorkload> getSleeping() {
      return sleeping;
    }

    public IdleStatus setSleeping(List<SleepingWorkload> sleeping) {
      this.sleeping = sleeping;
      return this;
    }

    public Double getEnergySavedWh() {
      return energySavedWh;
    }

    public IdleStatus setEnergySavedWh(Double energySavedWh) {
      this.energySavedWh = energySavedWh;
      return this;
    }
  }

  /** A workload asleep. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SleepingWorkload {
    @JsonPropertyDescription("Deployment or StatefulSet.")
    private String kind;

    @JsonPropertyDescription("Workload name.")
    private String name;

    @JsonPropertyDescription("When it went to sleep (RFC 3339).")
    private String since;

    @JsonPropertyDescription("Replicas before sleep.")
    private Integer previousReplicas;

    @JsonPropertyDescription("Power the workload drew while idle, W (estimate basis).")
    private Double idleWatts;

    @JsonPropertyDescription("replicas or keda-paused-replicas.")
    private String via;

    public String getKind() {
      return kind;
    }

    public SleepingWorkload setKind(String kind) {
      this.kind = kind;
      return this;
    }

    public String getName() {
      return name;
    }

    public SleepingWorkload setName(String name) {
      this.name = name;
      return this;
    }

    public String getSince() {
      return since;
    }

    public SleepingWorkload setSince(String since) {
      this.since = since;
      return this;
    }

    public Integer getPreviousReplicas() {
      return previousReplicas;
    }

    public SleepingWorkload setPreviousReplicas(Integer previousReplicas) {
      this.previousReplicas = previousReplicas;
      return this;
    }

    public Double getIdleWatts() {
      return idleWatts;
    }

    public SleepingWorkload setIdleWatts(Double idleWatts) {
      this.idleWatts = idleWatts;
      return this;
    }

    public String getVia() {
      return via;
    }

    public SleepingWorkload setVia(String via) {
      this.via = via;
      return this;
    }
  }

  /** Human-readable strings for kubectl get. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Display {
    @JsonPropertyDescription("E.g. Month (Europe/Berlin).")
    private String period;

    @JsonPropertyDescription("E.g. 312kWh/500kWh.")
    private String energy;

    @JsonPropertyDescription("E.g. 98kg/150kg.")
    private String emissions;

    @JsonPropertyDescription("E.g. 69/1200 EUR.")
    private String cost;

    @JsonPropertyDescription("E.g. 2026-10-01 00:00 CEST.")
    private String resetsAt;

    @JsonPropertyDescription("E.g. 298 g/kWh DE.")
    private String intensity;

    @JsonPropertyDescription("E.g. 94% measured.")
    private String dataQuality;

    @JsonPropertyDescription("E.g. ScaleToZero,DenyNewPods.")
    private String actions;

    @JsonPropertyDescription("E.g. 0.42 Wh, or idle.")
    private String perRequest;

    @JsonPropertyDescription("E.g. 1.8 Wh, or idle.")
    private String per1kTokens;

    @JsonPropertyDescription("E.g. 0.51 g, or idle.")
    private String co2ePer1kTokens;

    public String getPerRequest() {
      return perRequest;
    }

    public Display setPerRequest(String perRequest) {
      this.perRequest = perRequest;
      return this;
    }

    public String getPer1kTokens() {
      return per1kTokens;
    }

    public Display setPer1kTokens(String per1kTokens) {
      this.per1kTokens = per1kTokens;
      return this;
    }

    public String getCo2ePer1kTokens() {
      return co2ePer1kTokens;
    }

    public Display setCo2ePer1kTokens(String co2ePer1kTokens) {
      this.co2ePer1kTokens = co2ePer1kTokens;
      return this;
    }

    public String getPeriod() {
      return period;
    }

    public Display setPeriod(String period) {
      this.period = period;
      return this;
    }

    public String getEnergy() {
      return energy;
    }

    public Display setEnergy(String energy) {
      this.energy = energy;
      return this;
    }

    public String getEmissions() {
      return emissions;
    }

    public Display setEmissions(String emissions) {
      this.emissions = emissions;
      return this;
    }

    public String getCost() {
      return cost;
    }

    public Display setCost(String cost) {
      this.cost = cost;
      return this;
    }

    public String getResetsAt() {
      return resetsAt;
    }

    public Display setResetsAt(String resetsAt) {
      this.resetsAt = resetsAt;
      return this;
    }

    public String getIntensity() {
      return intensity;
    }

    public Display setIntensity(String intensity) {
      this.intensity = intensity;
      return this;
    }

    public String getDataQuality() {
      return dataQuality;
    }

    public Display setDataQuality(String dataQuality) {
      this.dataQuality = dataQuality;
      return this;
    }

    public String getActions() {
      return actions;
    }

    public Display setActions(String actions) {
      this.actions = actions;
      return this;
    }
  }

  /** A closed period. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HistoryEntry {
    @JsonPropertyDescription("Period start.")
    private String start;

    @JsonPropertyDescription("Period end.")
    private String end;

    @JsonPropertyDescription("Energy used, Wh.")
    private Double energyWh;

    @JsonPropertyDescription("Emissions, grams CO2e.")
    private Double co2eGrams;

    @JsonPropertyDescription("Cost.")
    private String cost;

    @JsonPropertyDescription("Highest percent of any limit.")
    private Integer maxPercentUsed;

    @JsonPropertyDescription("Whether any limit was exceeded.")
    private Boolean exceeded;

    public String getStart() {
      return start;
    }

    public HistoryEntry setStart(String start) {
      this.start = start;
      return this;
    }

    public String getEnd() {
      return end;
    }

    public HistoryEntry setEnd(String end) {
      this.end = end;
      return this;
    }

    public Double getEnergyWh() {
      return energyWh;
    }

    public HistoryEntry setEnergyWh(Double energyWh) {
      this.energyWh = energyWh;
      return this;
    }

    public Double getCo2eGrams() {
      return co2eGrams;
    }

    public HistoryEntry setCo2eGrams(Double co2eGrams) {
      this.co2eGrams = co2eGrams;
      return this;
    }

    public String getCost() {
      return cost;
    }

    public HistoryEntry setCost(String cost) {
      this.cost = cost;
      return this;
    }

    public Integer getMaxPercentUsed() {
      return maxPercentUsed;
    }

    public HistoryEntry setMaxPercentUsed(Integer maxPercentUsed) {
      this.maxPercentUsed = maxPercentUsed;
      return this;
    }

    public Boolean getExceeded() {
      return exceeded;
    }

    public HistoryEntry setExceeded(Boolean exceeded) {
      this.exceeded = exceeded;
      return this;
    }
  }
}
