package io.wattkeeper.agent.report;

import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.measure.PowerModel;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.state.PodCounters;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Agent;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Gpu;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.NodeTotals;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Remainder;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.Sources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Builds the NodeEnergyReport status from the ledger and the latest interval. Only named pods
 * (known to the API server as pods of this node) are listed.
 */
public final class StatusBuilder {
  private StatusBuilder() {}

  /** Fixed facts about the agent for the report. */
  public record AgentFacts(
      String version,
      Instant startTime,
      int reportIntervalSeconds,
      String cpuSource,
      String memorySource,
      String gpuSource,
      PowerModel model) {}

  public static NodeEnergyReportStatus build(
      AgentFacts facts,
      EnergyLedger ledger,
      LastInterval last,
      Map<String, Double> appliedCaps,
      List<String> warnings,
      Instant now) {
    return build(facts, ledger, last, appliedCaps, warnings, now, Map.of());
  }

  /**
   * As above; {@code unitsRead}: the profile name of each pod whose inference server was scraped
   * for this report, with the counters it could read. A pod's counts are shown only for a counter
   * read this time: one that failed is absent (unknown), so a consumer never sees stale counts next
   * to fresh joules.
   */
  public static NodeEnergyReportStatus build(
      AgentFacts facts,
      EnergyLedger ledger,
      LastInterval last,
      Map<String, Double> appliedCaps,
      List<String> warnings,
      Instant now,
      Map<String, UnitsRead> unitsRead) {
    String cpuSource = last == null ? facts.cpuSource() : last.node().cpuSource();
    String memSource = last == null ? facts.memorySource() : last.node().memorySource();
    boolean modelUsed = cpuSource.equals("model") || memSource.equals("model");
    NodeEnergyReportStatus s = new NodeEnergyReportStatus();
    s.setAgent(
        new Agent()
            .setVersion(facts.version())
            .setStartTime(facts.startTime().toString())
            .setCounterEpoch(ledger.counterEpoch())
            .setSequence(ledger.sequence() + 1));
    s.setTimestamp(now.toString());
    s.setIntervalSeconds(facts.reportIntervalSeconds());
    s.setSources(
        new Sources()
            .setCpu(cpuSource)
            .setMemory(memSource)
            .setGpu(facts.gpuSource())
            .setSummary(cpuSource + "/" + facts.gpuSource()));
    if (modelUsed) {
      PowerModel m = facts.model();
      s.setModel(
          new NodeEnergyReportStatus.PowerModel()
              .setName(m.name())
              .setCpuIdleWatts(round(m.cpuIdleWatts()))
              .setCpuMaxWatts(round(m.cpuMaxWatts()))
              .setMemoryWattsPerGB(m.memoryWattsPerGb())
              .setSource(m.source()));
    }
    var st = ledger.state();
    NodeTotals node =
        new NodeTotals()
            .setCpuJoules(round(st.nodeCpuJoules))
            .setMemoryJoules(round(st.nodeMemoryJoules))
            .setGpuJoules(round(st.nodeGpuJoules));
    if (last != null) {
      node.setCpuWatts(round(last.cpuWatts()))
          .setMemoryWatts(round(last.memoryWatts()))
          .setGpuWatts(round(last.gpuWatts()))
          .setTotalWatts(round(last.cpuWatts() + last.memoryWatts() + last.gpuWatts()));
    }
    s.setNode(node);
    // Pods never named by the API server (not listed) count as system, so pods + system = node.
    double unnamedCpu = 0;
    double unnamedMemory = 0;
    double unnamedGpu = 0;
    List<PodEnergy> pods = new ArrayList<>();
    for (PodCounters c : ledger.pods()) {
      if (c.name == null) {
        unnamedCpu += c.cpuJoules;
        unnamedMemory += c.memoryJoules;
        unnamedGpu += c.gpuJoules;
        continue;
      }
      PodEnergy p =
          new PodEnergy()
              .setUid(c.uid)
              .setNamespace(c.namespace)
              .setName(c.name)
              .setCpuJoules(round(c.cpuJoules))
              .setMemoryJoules(round(c.memoryJoules))
              .setGpuJoules(round(c.gpuJoules))
              .setEstimated(modelUsed);
      PodRates r = last == null || c.ended() ? null : last.pods().get(c.uid);
      if (r != null) {
        p.setCpuWatts(round(r.cpuWatts()))
            .setMemoryWatts(round(r.memoryWatts()))
            .setGpuWatts(round(r.gpuWatts()))
            .setCpuCores(round(r.cpuCores()))
            .setGpuUtilizationPercent(nanToNull(r.gpuUtilizationPercent()));
        if (!Double.isNaN(r.networkReceiveBytesPerSecond())) {
          p.setNetworkReceiveBytesPerSecond(round(r.networkReceiveBytesPerSecond()));
        }
        if (!r.exclusiveGpus().isEmpty()) {
          p.setGpus(r.exclusiveGpus());
        }
      }
      if (c.ended()) {
        p.setEnded(true);
      }
      UnitsRead u = c.ended() ? null : unitsRead.get(c.uid);
      if (u != null) {
        p.setUnitsProfile(u.profile());
        if (u.requests()) {
          p.setRequests(c.requests);
        }
        if (u.promptTokens()) {
          p.setPromptTokens(c.promptTokens);
        }
        if (u.generatedTokens()) {
          p.setGeneratedTokens(c.generatedTokens);
        }
      }
      pods.add(p);
    }
    pods.sort(Comparator.comparing(PodEnergy::getNamespace).thenComparing(PodEnergy::getName));
    s.setPods(pods);
    s.setSystem(
        new Remainder()
            .setCpuJoules(round(st.systemCpuJoules + unnamedCpu))
            .setMemoryJoules(round(st.systemMemoryJoules + unnamedMemory))
            .setGpuJoules(round(st.systemGpuJoules + unnamedGpu)));
    s.setPodCount(pods.size());

    List<Gpu> gpus = new ArrayList<>();
    if (last != null) {
      for (GpuReading g : last.gpus()) {
        GpuSample x = g.sample();
        Double limit = appliedCaps.get(x.uuid());
        gpus.add(
            new Gpu()
                .setUuid(x.uuid())
                .setName(x.name())
                .setWatts(nanToNull(x.watts()))
                .setJoules(round(ledger.gpuJoules().getOrDefault(x.uuid(), 0.0)))
                .setUtilizationPercent(nanToNull(x.utilizationPercent()))
                .setPowerLimitWatts(limit != null ? limit : nanToNull(x.powerLimitWatts()))
                .setDefaultPowerLimitWatts(nanToNull(x.defaultPowerLimitWatts()))
                .setMinPowerLimitWatts(nanToNull(x.minPowerLimitWatts()))
                .setMaxPowerLimitWatts(nanToNull(x.maxPowerLimitWatts()))
                .setExclusivePodUid(g.exclusivePodUid())
                .setEstimated(g.estimated()));
      }
    }
    s.setGpus(gpus);
    s.setWarnings(warnings);
    return s;
  }

  /** Which counters of a pod's server were read for this report. */
  public record UnitsRead(
      String profile, boolean requests, boolean promptTokens, boolean generatedTokens) {}

  static Double nanToNull(double v) {
    return Double.isNaN(v) ? null : round(v);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
