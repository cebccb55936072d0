package io.wattkeeper.agent.metrics;

import io.wattkeeper.agent.metrics.PrometheusText.Type;
import io.wattkeeper.agent.report.AgentRuntime;
import io.wattkeeper.agent.report.GpuReading;
import io.wattkeeper.agent.report.LastInterval;
import io.wattkeeper.agent.report.PodRates;
import io.wattkeeper.agent.report.SampleCompleted;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.state.LedgerState;
import io.wattkeeper.agent.state.PodCounters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics (served at /q/metrics by {@link io.wattkeeper.agent.http.AgentHttpServer}):
 * per-pod joule counters and watt gauges labelled namespace/pod/uid, node totals, per-GPU figures
 * and the agent's own sample duration. Each sample copies the figures into plain values; a scrape
 * renders the latest copy, so pods the ledger forgot disappear at the next sample. Unknown watts
 * (no interval yet, or a pod missing from the interval) are left out rather than written as 0.
 */
@ApplicationScoped
public class EnergyMetrics {
  private static final String POD_JOULES_HELP =
      "Cumulative joules attributed to the pod on this node";
  private static final String POD_WATTS_HELP = "Watts attributed to the pod over the latest sample";
  private static final String SAMPLE_DURATION = "wattkeeper_agent_sample_duration_seconds";

  @Inject AgentRuntime runtime;

  private final SampleDurations durations = new SampleDurations();
  // GPUs stay listed once seen, with their latest figures (a GPU does not leave a running node).
  private final Map<String, GpuFigures> gpus = new LinkedHashMap<>();
  private volatile Figures latest;

  /** A pod's counters and, when the latest interval has it, its watts (else NaN). */
  record PodFigures(
      String namespace,
      String name,
      String uid,
      double cpuJoules,
      double memoryJoules,
      double gpuJoules,
      double cpuWatts,
      double memoryWatts,
      double gpuWatts) {}

  /** A GPU's latest reading and its cumulative joules. */
  record GpuFigures(
      String uuid,
      double watts,
      double utilizationPercent,
      double powerLimitWatts,
      double joules) {}

  /** Everything a scrape writes, copied at one sample. Node watts are NaN before any interval. */
  record Figures(
      double nodeCpuJoules,
      double nodeMemoryJoules,
      double nodeGpuJoules,
      double systemCpuJoules,
      double nodeCpuWatts,
      double nodeMemoryWatts,
      double nodeGpuWatts,
      List<PodFigures> pods,
      List<GpuFigures> gpus) {}

  void onSample(@Observes SampleCompleted done) {
    // The report thread drops ended pods from the ledger under the sampler's lock, and this event
    // comes after the sampler let go of it: copy under the same lock, or iteration can fail.
    synchronized (runtime.sampler()) {
      record(done, System.nanoTime());
    }
  }

  synchronized void record(SampleCompleted done, long nowNanos) {
    durations.record(done.durationNanos(), nowNanos);
    EnergyLedger ledger = done.ledger();
    LastInterval last = done.last();
    Map<String, PodRates> rates = last == null ? Map.of() : last.pods();
    List<PodFigures> pods = new ArrayList<>();
    for (PodCounters c : ledger.pods()) {
      if (c.name == null) {
        continue; // not (yet) known to the API server: no name to label it with
      }
      PodRates r = rates.get(c.uid);
      pods.add(
          new PodFigures(
              c.namespace,
              c.name,
              c.uid,
              c.cpuJoules,
              c.memoryJoules,
              c.gpuJoules,
              r == null ? Double.NaN : r.cpuWatts(),
              r == null ? Double.NaN : r.memoryWatts(),
              r == null ? Double.NaN : r.gpuWatts()));
    }
    if (last != null) {
      for (GpuReading g : last.gpus()) {
        String uuid = g.sample().uuid();
        gpus.put(
            uuid,
            new GpuFigures(
                uuid,
                g.sample().watts(),
                g.sample().utilizationPercent(),
                g.sample().powerLimitWatts(),
                ledger.gpuJoules().getOrDefault(uuid, 0.0)));
      }
    }
    LedgerState s = ledger.state();
    latest =
        new Figures(
            s.nodeCpuJoules,
            s.nodeMemoryJoules,
            s.nodeGpuJoules,
            s.systemCpuJoules,
            last == null ? Double.NaN : last.cpuWatts(),
            last == null ? Double.NaN : last.memoryWatts(),
            last == null ? Double.NaN : last.gpuWatts(),
            List.copyOf(pods),
            List.copyOf(gpus.values()));
  }

  /** The exposition text; only the sample-duration families before the first sample. */
  public String render() {
    return render(System.nanoTime());
  }

  String render(long nowNanos) {
    Figures f = latest;
    StringBuilder out = new StringBuilder(f == null ? 1024 : 2048 + f.pods().size() * 900);
    PrometheusText text = new PrometheusText(out);
    if (f != null) {
      writePods(text, f.pods());
      writeNode(text, f);
      writeGpus(text, f.gpus());
    }
    durations.writeTo(text, SAMPLE_DURATION, "Wall time of one sample of the node", nowNanos);
    return out.toString();
  }

  private static void writePods(PrometheusText text, List<PodFigures> pods) {
    podFamily(text, "wattkeeper_pod_cpu_joules_total", Type.COUNTER, pods, PodFigures::cpuJoules);
    podFamily(
        text, "wattkeeper_pod_memory_joules_total", Type.COUNTER, pods, PodFigures::memoryJoules);
    podFamily(text, "wattkeeper_pod_gpu_joules_total", Type.COUNTER, pods, PodFigures::gpuJoules);
    podFamily(text, "wattkeeper_pod_cpu_watts", Type.GAUGE, pods, PodFigures::cpuWatts);
    podFamily(text, "wattkeeper_pod_memory_watts", Type.GAUGE, pods, PodFigures::memoryWatts);
    podFamily(text, "wattkeeper_pod_gpu_watts", Type.GAUGE, pods, PodFigures::gpuWatts);
  }

  private static void podFamily(
      PrometheusText text,
      String name,
      Type type,
      List<PodFigures> pods,
      ToDoubleFunction<PodFigures> value) {
    text.family(name, type, type == Type.COUNTER ? POD_JOULES_HELP : POD_WATTS_HELP);
    for (PodFigures p : pods) {
      double v = value.applyAsDouble(p);
      if (!Double.isNaN(v)) {
        text.sample(name, v, "namespace", p.namespace(), "pod", p.name(), "uid", p.uid());
      }
    }
  }

  private static void writeNode(PrometheusText text, Figures f) {
    nodeGauge(text, "wattkeeper_node_cpu_watts", "CPU watts of the node", f.nodeCpuWatts());
    nodeGauge(
        text, "wattkeeper_node_memory_watts", "Memory watts of the node", f.nodeMemoryWatts());
    nodeGauge(text, "wattkeeper_node_gpu_watts", "GPU watts of the node", f.nodeGpuWatts());
    nodeCounter(
        text,
        "wattkeeper_node_cpu_joules_total",
        "Cumulative CPU joules of the node",
        f.nodeCpuJoules());
    nodeCounter(
        text,
        "wattkeeper_node_memory_joules_total",
        "Cumulative memory joules of the node",
        f.nodeMemoryJoules());
    nodeCounter(
        text,
        "wattkeeper_node_gpu_joules_total",
        "Cumulative GPU joules of the node",
        f.nodeGpuJoules());
    nodeCounter(
        text,
        "wattkeeper_system_cpu_joules_total",
        "CPU joules charged to no pod",
        f.systemCpuJoules());
  }

  private static void nodeGauge(PrometheusText text, String name, String help, double watts) {
    text.family(name, Type.GAUGE, help + " over the latest sample");
    if (!Double.isNaN(watts)) {
      text.sample(name, watts);
    }
  }

  private static void nodeCounter(PrometheusText text, String name, String help, double joules) {
    text.family(name, Type.COUNTER, help).sample(name, joules);
  }

  private static void writeGpus(PrometheusText text, List<GpuFigures> gpus) {
    gpuFamily(
        text,
        "wattkeeper_gpu_watts",
        Type.GAUGE,
        "Watts drawn by the GPU",
        gpus,
        GpuFigures::watts);
    gpuFamily(
        text,
        "wattkeeper_gpu_utilization_percent",
        Type.GAUGE,
        "Utilisation of the GPU (NaN when the driver does not say)",
        gpus,
        GpuFigures::utilizationPercent);
    gpuFamily(
        text,
        "wattkeeper_gpu_power_limit_watts",
        Type.GAUGE,
        "Power limit in force on the GPU",
        gpus,
        GpuFigures::powerLimitWatts);
    gpuFamily(
        text,
        "wattkeeper_gpu_joules_total",
        Type.COUNTER,
        "Cumulative joules of the GPU on this node",
        gpus,
        GpuFigures::joules);
  }

  private static void gpuFamily(
      PrometheusText text,
      String name,
      Type type,
      String help,
      List<GpuFigures> gpus,
      ToDoubleFunction<GpuFigures> value) {
    text.family(name, type, help);
    for (GpuFigures g : gpus) {
      text.sample(name, value.applyAsDouble(g), "gpu", g.uuid());
    }
  }
}
