package io.wattkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What the operator observed for a budget; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnergyBudgetStatus {
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

  @JsonPropertyDescription("Pre-formatted strings behind the printer columns.")
  private Display display;

  @JsonPropertyDescription(
      "Standard conditions: Ready, Valid, ThresholdReached, Exceeded, Enforced.")
  private List<Condition> conditions;

  @JsonPropertyDescription("Past periods, newest first, bounded.")
  private List<HistoryEntry> history;

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
