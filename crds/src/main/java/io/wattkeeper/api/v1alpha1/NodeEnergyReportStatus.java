package io.wattkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Measurements of one node, written by its agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeEnergyReportStatus {
  @JsonPropertyDescription("Who wrote this report.")
  private Agent agent;

  @JsonPropertyDescription("When the measurements were taken (RFC 3339).")
  @Size(max = 64)
  private String timestamp;

  @JsonPropertyDescription("Seconds between reports.")
  private Integer intervalSeconds;

  @JsonPropertyDescription(
      "Set when the agent writes under a byte budget: a pod may be left out of reports for at most"
          + " this many seconds (its cumulative counters carry its energy to its next entry), and"
          + " a pod whose power changed by more than a quarter is included in the next write."
          + " Absent: every report lists every pod.")
  private Integer omitSeconds;

  @JsonPropertyDescription("Where each component's energy comes from.")
  private Sources sources;

  @JsonPropertyDescription("The power model used for estimated components.")
  private PowerModel model;

  @JsonPropertyDescription("Node totals.")
  private NodeTotals node;

  @JsonPropertyDescription("Pods in this report.")
  private Integer podCount;

  @JsonPropertyDescription("GPUs on the node.")
  private List<Gpu> gpus;

  @JsonPropertyDescription("Per-pod counters, cumulative since the pod started on this node.")
  private List<PodEnergy> pods;

  @JsonPropertyDescription("Energy no pod used (idle not charged, system processes).")
  private Remainder system;

  @JsonPropertyDescription("Problems the agent met (unreadable files, bad NVML values).")
  private List<@Size(max = 4096) String> warnings;

  public Agent getAgent() {
    return agent;
  }

  public NodeEnergyReportStatus setAgent(Agent agent) {
    this.agent = agent;
    return this;
  }

  public String getTimestamp() {
    return timestamp;
  }

  public NodeEnergyReportStatus setTimestamp(String timestamp) {
    this.timestamp = timestamp;
    return this;
  }

  public Integer getIntervalSeconds() {
    return intervalSeconds;
  }

  public Integer getOmitSeconds() {
    return omitSeconds;
  }

  public NodeEnergyReportStatus setOmitSeconds(Integer omitSeconds) {
    this.omitSeconds = omitSeconds;
    return this;
  }

  public NodeEnergyReportStatus setIntervalSeconds(Integer intervalSeconds) {
    this.intervalSeconds = intervalSeconds;
    return this;
  }

  public Sources getSources() {
    return sources;
  }

  public NodeEnergyReportStatus setSources(Sources sources) {
    this.sources = sources;
    return this;
  }

  public PowerModel getModel() {
    return model;
  }

  public NodeEnergyReportStatus setModel(PowerModel model) {
    this.model = model;
    return this;
  }

  public NodeTotals getNode() {
    return node;
  }

  public NodeEnergyReportStatus setNode(NodeTotals node) {
    this.node = node;
    return this;
  }

  public Integer getPodCount() {
    return podCount;
  }

  public NodeEnergyReportStatus setPodCount(Integer podCount) {
    this.podCount = podCount;
    return this;
  }

  public List<Gpu> getGpus() {
    return gpus;
  }

  public NodeEnergyReportStatus setGpus(List<Gpu> gpus) {
    this.gpus = gpus;
    return this;
  }

  public List<PodEnergy> getPods() {
    return pods;
  }

  public NodeEnergyReportStatus setPods(List<PodEnergy> pods) {
    this.pods = pods;
    return this;
  }

  public Remainder getSystem() {
    return system;
  }

  public NodeEnergyReportStatus setSystem(Remainder system) {
    this.system = system;
    return this;
  }

  public List<String> getWarnings() {
    return warnings;
  }

  public NodeEnergyReportStatus setWarnings(List<String> warnings) {
    this.warnings = warnings;
    return this;
  }

  /** The agent instance. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Agent {
    @JsonPropertyDescription("Agent version.")
    @Size(max = 64)
    private String version;

    @JsonPropertyDescription("When the agent started.")
    @Size(max = 64)
    private String startTime;

    @JsonPropertyDescription("Changes when cumulative counters restart from zero.")
    @Size(max = 128)
    private String counterEpoch;

    @JsonPropertyDescription("Increases by one per report within an epoch.")
    private Long sequence;

    public String getVersion() {
      return version;
    }

    public Agent setVersion(String version) {
      this.version = version;
      return this;
    }

    public String getStartTime() {
      return startTime;
    }

    public Agent setStartTime(String startTime) {
      this.startTime = startTime;
      return this;
    }

    public String getCounterEpoch() {
      return counterEpoch;
    }

    public Agent setCounterEpoch(String counterEpoch) {
      this.counterEpoch = counterEpoch;
      return this;
    }

    public Long getSequence() {
      return sequence;
    }

    public Agent setSequence(Long sequence) {
      this.sequence = sequence;
      return this;
    }
  }

  /** Energy sources: rapl or model for cpu and memory, nvml or none for gpu. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Sources {
    @JsonPropertyDescription("rapl or model.")
    @Size(max = 1024)
    private String cpu;

    @JsonPropertyDescription("rapl or model.")
    @Size(max = 1024)
    private String memory;

    @JsonPropertyDescription("nvml or none.")
    @Size(max = 1024)
    private String gpu;

    @JsonPropertyDescription("Short form for kubectl, e.g. rapl/nvml.")
    @Size(max = 1024)
    private String summary;

    public String getCpu() {
      return cpu;
    }

    public Sources setCpu(String cpu) {
      this.cpu = cpu;
      return this;
    }

    public String getMemory() {
      return memory;
    }

    public Sources setMemory(String memory) {
      this.memory = memory;
      return this;
    }

    public String getGpu() {
      return gpu;
    }

    public Sources setGpu(String gpu) {
      this.gpu = gpu;
      return this;
    }

    public String getSummary() {
      return summary;
    }

    public Sources setSummary(String summary) {
      this.summary = summary;
      return this;
    }
  }

  /** The estimation model (for components without a meter). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PowerModel {
    @JsonPropertyDescription("Model name, e.g. tdp-linear.")
    @Size(max = 253)
    private String name;

    @JsonPropertyDescription("CPU watts at 0% utilisation.")
    private Double cpuIdleWatts;

    @JsonPropertyDescription("CPU watts at 100% utilisation.")
    private Double cpuMaxWatts;

    @JsonPropertyDescription("DRAM watts per GB.")
    private Double memoryWattsPerGB;

    @JsonPropertyDescription("Where the coefficients come from.")
    @Size(max = 1024)
    private String source;

    public String getName() {
      return name;
    }

    public PowerModel setName(String name) {
      this.name = name;
      return this;
    }

    public Double getCpuIdleWatts() {
      return cpuIdleWatts;
    }

    public PowerModel setCpuIdleWatts(Double cpuIdleWatts) {
      this.cpuIdleWatts = cpuIdleWatts;
      return this;
    }

    public Double getCpuMaxWatts() {
      return cpuMaxWatts;
    }

    public PowerModel setCpuMaxWatts(Double cpuMaxWatts) {
      this.cpuMaxWatts = cpuMaxWatts;
      return this;
    }

    public Double getMemoryWattsPerGB() {
      return memoryWattsPerGB;
    }

    public PowerModel setMemoryWattsPerGB(Double memoryWattsPerGB) {
      this.memoryWattsPerGB = memoryWattsPerGB;
      return this;
    }

    public String getSource() {
      return source;
    }

    public PowerModel setSource(String source) {
      this.source = source;
      return this;
    }
  }

  /** Node power now and cumulative energy. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class NodeTotals {
    @JsonPropertyDescription("CPU watts.")
    private Double cpuWatts;

    @JsonPropertyDescription("Memory watts.")
    private Double memoryWatts;

    @JsonPropertyDescription("GPU watts.")
    private Double gpuWatts;

    @JsonPropertyDescription("Sum of the three.")
    private Double totalWatts;

    @JsonPropertyDescription("Cumulative CPU joules this epoch.")
    private Double cpuJoules;

    @JsonPropertyDescription("Cumulative memory joules this epoch.")
    private Double memoryJoules;

    @JsonPropertyDescription("Cumulative GPU joules this epoch.")
    private Double gpuJoules;

    public Double getCpuWatts() {
      return cpuWatts;
    }

    public NodeTotals setCpuWatts(Double cpuWatts) {
      this.cpuWatts = cpuWatts;
      return this;
    }

    public Double getMemoryWatts() {
      return memoryWatts;
    }

    public NodeTotals setMemoryWatts(Double memoryWatts) {
      this.memoryWatts = memoryWatts;
      return this;
    }

    public Double getGpuWatts() {
      return gpuWatts;
    }

    public NodeTotals setGpuWatts(Double gpuWatts) {
      this.gpuWatts = gpuWatts;
      return this;
    }

    public Double getTotalWatts() {
      return totalWatts;
    }

    public NodeTotals setTotalWatts(Double totalWatts) {
      this.totalWatts = totalWatts;
      return this;
    }

    public Double getCpuJoules() {
      return cpuJoules;
    }

    public NodeTotals setCpuJoules(Double cpuJoules) {
      this.cpuJoules = cpuJoules;
      return this;
    }

    public Double getMemoryJoules() {
      return memoryJoules;
    }

    public NodeTotals setMemoryJoules(Double memoryJoules) {
      this.memoryJoules = memoryJoules;
      return this;
    }

    public Double getGpuJoules() {
      return gpuJoules;
    }

    public NodeTotals setGpuJoules(Double gpuJoules) {
      this.gpuJoules = gpuJoules;
      return this;
    }
  }

  /** One GPU. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Gpu {
    @JsonPropertyDescription("NVML UUID.")
    @Size(max = 128)
    private String uuid;

    @JsonPropertyDescription("Product name.")
    @Size(max = 253)
    private String name;

    @JsonPropertyDescription("Power draw.")
    private Double watts;

    @JsonPropertyDescription("Cumulative joules this epoch.")
    private Double joules;

    @JsonPropertyDescription("GPU utilisation percent.")
    private Double utilizationPercent;

    @JsonPropertyDescription("Current power limit.")
    private Double powerLimitWatts;

    @JsonPropertyDescription("Default power limit.")
    private Double defaultPowerLimitWatts;

    @JsonPropertyDescription("Lowest settable limit.")
    private Double minPowerLimitWatts;

    @JsonPropertyDescription("Highest settable limit.")
    private Double maxPowerLimitWatts;

    @JsonPropertyDescription("UID of the pod holding this GPU exclusively, if any.")
    @Size(max = 64)
    private String exclusivePodUid;

    @JsonPropertyDescription("True when energy is power times time rather than the energy counter.")
    private Boolean estimated;

    public String getUuid() {
      return uuid;
    }

    public Gpu setUuid(String uuid) {
      this.uuid = uuid;
      return this;
    }

    public String getName() {
      return name;
    }

    public Gpu setName(String name) {
      this.name = name;
      return this;
    }

    public Double getWatts() {
      return watts;
    }

    public Gpu setWatts(Double watts) {
      this.watts = watts;
      return this;
    }

    public Double getJoules() {
      return joules;
    }

    public Gpu setJoules(Double joules) {
      this.joules = joules;
      return this;
    }

    public Double getUtilizationPercent() {
      return utilizationPercent;
    }

    public Gpu setUtilizationPercent(Double utilizationPercent) {
      this.utilizationPercent = utilizationPercent;
      return this;
    }

    public Double getPowerLimitWatts() {
      return powerLimitWatts;
    }

    public Gpu setPowerLimitWatts(Double powerLimitWatts) {
      this.powerLimitWatts = powerLimitWatts;
      return this;
    }

    public Double getDefaultPowerLimitWatts() {
      return defaultPowerLimitWatts;
    }

    public Gpu setDefaultPowerLimitWatts(Double defaultPowerLimitWatts) {
      this.defaultPowerLimitWatts = defaultPowerLimitWatts;
      return this;
    }

    public Double getMinPowerLimitWatts() {
      return minPowerLimitWatts;
    }

    public Gpu setMinPowerLimitWatts(Double minPowerLimitWatts) {
      this.minPowerLimitWatts = minPowerLimitWatts;
      return this;
    }

    public Double getMaxPowerLimitWatts() {
      return maxPowerLimitWatts;
    }

    public Gpu setMaxPowerLimitWatts(Double maxPowerLimitWatts) {
      this.maxPowerLimitWatts = maxPowerLimitWatts;
      return this;
    }

    public String getExclusivePodUid() {
      return exclusivePodUid;
    }

    public Gpu setExclusivePodUid(String exclusivePodUid) {
      this.exclusivePodUid = exclusivePodUid;
      return this;
    }

    public Boolean getEstimated() {
      return estimated;
    }

    public Gpu setEstimated(Boolean estimated) {
      this.estimated = estimated;
      return this;
    }
  }

  /** One pod's counters and rates. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PodEnergy {
    @JsonPropertyDescription("Pod UID.")
    @Size(max = 64)
    private String uid;

    @JsonPropertyDescription("Namespace.")
    @Size(max = 63)
    private String namespace;

    @JsonPropertyDescription("Name.")
    @Size(max = 253)
    private String name;

    @JsonPropertyDescription("Cumulative CPU joules.")
    private Double cpuJoules;

    @JsonPropertyDescription("Cumulative memory joules.")
    private Double memoryJoules;

    @JsonPropertyDescription("Cumulative GPU joules.")
    private Double gpuJoules;

    @JsonPropertyDescription("CPU watts.")
    private Double cpuWatts;

    @JsonPropertyDescription("Memory watts.")
    private Double memoryWatts;

    @JsonPropertyDescription("GPU watts.")
    private Double gpuWatts;

    @JsonPropertyDescription("CPU cores in use.")
    private Double cpuCores;

    @JsonPropertyDescription("GPU utilisation attributed to the pod, percent.")
    private Double gpuUtilizationPercent;

    @JsonPropertyDescription("Network receive rate, bytes/s.")
    private Double networkReceiveBytesPerSecond;

    @JsonPropertyDescription("UUIDs of GPUs exclusively held.")
    private List<String> gpus;

    @JsonPropertyDescription("True when any component is estimated.")
    private Boolean estimated;

    @JsonPropertyDescription("True when the pod has ended; its counters are final.")
    private Boolean ended;

    @JsonPropertyDescription(
        "Seconds up to the report's timestamp that the rates cover (the pod's last entry is that"
            + " old: watts are the mean, cores, GPU utilisation and receive rate the highest seen);"
            + " absent: intervalSeconds.")
    private Integer windowSeconds;

    public Integer getWindowSeconds() {
      return windowSeconds;
    }

    public PodEnergy setWindowSeconds(Integer windowSeconds) {
      this.windowSeconds = windowSeconds;
      return this;
    }

    @JsonPropertyDescription(
        "Requests its inference server finished, cumulative and never decreasing (server restarts"
            + " are added across); absent when the pod did not opt in or this report's scrape"
            + " failed (unknown, never zero).")
    private Double requests;

    @JsonPropertyDescription("Prompt (input) tokens processed, cumulative; absent when unknown.")
    private Double promptTokens;

    @JsonPropertyDescription("Generated (output) tokens, cumulative; absent when unknown.")
    private Double generatedTokens;

    @JsonPropertyDescription(
        "The server profile the counts come from (vllm, tgi, sglang, triton or custom).")
    @Size(max = 16)
    private String unitsProfile;

    public String getUid() {
      return uid;
    }

    public PodEnergy setUid(String uid) {
      this.uid = uid;
      return this;
    }

    public String getNamespace() {
      return namespace;
    }

    public PodEnergy setNamespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public String getName() {
      return name;
    }

    public PodEnergy setName(String name) {
      this.name = name;
      return this;
    }

    public Double getCpuJoules() {
      return cpuJoules;
    }

    public PodEnergy setCpuJoules(Double cpuJoules) {
      this.cpuJoules = cpuJoules;
      return this;
    }

    public Double getMemoryJoules() {
      return memoryJoules;
    }

    public PodEnergy setMemoryJoules(Double memoryJoules) {
      this.memoryJoules = memoryJoules;
      return this;
    }

    public Double getGpuJoules() {
      return gpuJoules;
    }

    public PodEnergy setGpuJoules(Double gpuJoules) {
      this.gpuJoules = gpuJoules;
      return this;
    }

    public Double getCpuWatts() {
      return cpuWatts;
    }

    public PodEnergy setCpuWatts(Double cpuWatts) {
      this.cpuWatts = cpuWatts;
      return this;
    }

    public Double getMemoryWatts() {
      return memoryWatts;
    }

    public PodEnergy setMemoryWatts(Double memoryWatts) {
      this.memoryWatts = memoryWatts;
      return this;
    }

    public Double getGpuWatts() {
      return gpuWatts;
    }

    public PodEnergy setGpuWatts(Double gpuWatts) {
      this.gpuWatts = gpuWatts;
      return this;
    }

    public Double getCpuCores() {
      return cpuCores;
    }

    public PodEnergy setCpuCores(Double cpuCores) {
      this.cpuCores = cpuCores;
      return this;
    }

    public Double getGpuUtilizationPercent() {
      return gpuUtilizationPercent;
    }

    public PodEnergy setGpuUtilizationPercent(Double gpuUtilizationPercent) {
      this.gpuUtilizationPercent = gpuUtilizationPercent;
      return this;
    }

    public Double getNetworkReceiveBytesPerSecond() {
      return networkReceiveBytesPerSecond;
    }

    public PodEnergy setNetworkReceiveBytesPerSecond(Double networkReceiveBytesPerSecond) {
      this.networkReceiveBytesPerSecond = networkReceiveBytesPerSecond;
      return this;
    }

    public List<String> getGpus() {
      return gpus;
    }

    public PodEnergy setGpus(List<String> gpus) {
      this.gpus = gpus;
      return this;
    }

    public Boolean getEstimated() {
      return estimated;
    }

    public PodEnergy setEstimated(Boolean estimated) {
      this.estimated = estimated;
      return this;
    }

    public Boolean getEnded() {
      return ended;
    }

    public PodEnergy setEnded(Boolean ended) {
      this.ended = ended;
      return this;
    }

    public Double getRequests() {
      return requests;
    }

    public PodEnergy setRequests(Double requests) {
      this.requests = requests;
      return this;
    }

    public Double getPromptTokens() {
      return promptTokens;
    }

    public PodEnergy setPromptTokens(Double promptTokens) {
      this.promptTokens = promptTokens;
      return this;
    }

    public Double getGeneratedTokens() {
      return generatedTokens;
    }

    public PodEnergy setGeneratedTokens(Double generatedTokens) {
      this.generatedTokens = generatedTokens;
      return this;
    }

    public String getUnitsProfile() {
      return unitsProfile;
    }

    public PodEnergy setUnitsProfile(String unitsProfile) {
      this.unitsProfile = unitsProfile;
      return this;
    }
  }

  /** Energy charged to no pod. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Remainder {
    @JsonPropertyDescription("Cumulative CPU joules.")
    private Double cpuJoules;

    @JsonPropertyDescription("Cumulative memory joules.")
    private Double memoryJoules;

    @JsonPropertyDescription("Cumulative GPU joules.")
    private Double gpuJoules;

    public Double getCpuJoules() {
      return cpuJoules;
    }

    public Remainder setCpuJoules(Double cpuJoules) {
      this.cpuJoules = cpuJoules;
      return this;
    }

    public Double getMemoryJoules() {
      return memoryJoules;
    }

    public Remainder setMemoryJoules(Double memoryJoules) {
      this.memoryJoules = memoryJoules;
      return this;
    }

    public Double getGpuJoules() {
      return gpuJoules;
    }

    public Remainder setGpuJoules(Double gpuJoules) {
      this.gpuJoules = gpuJoules;
      return this;
    }
  }
}
