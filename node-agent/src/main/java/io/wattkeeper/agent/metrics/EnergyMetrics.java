package io.wattkeeper.agent.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics (served at /q/metrics by {@link io.wattkeeper.agent.http.AgentHttpServer})
 * through the official Prometheus Java library 1.x (model and text writers): per-pod joule counters
 * and watt gauges labelled namespace/pod/uid, node totals, per-GPU figures and the agent's own
 * sample duration. Each sample copies the figures into plain values; a scrape renders the latest
 * copy, so pods the ledger forgot disappear at the next sample. Unknown watts (no interval yet, or
 * a pod missing from the interval) are left out rather than written as 0.
 */
@ApplicationScoped
public class EnergyMetrics {
  private static final String POD_JOULES_HELP =
      "Cumulative joules attributed to the pod on this node";
  private static final String POD_WATTS_HELP = "Watts attributed to the pod over the latest sample";
  private static final PrometheusTextFormatWriter PROMETHEUS_TEXT =
      PrometheusTextFormatWriter.create();
  private static final OpenMetricsTextFormatWriter OPEN_METRICS =
      OpenMetricsTextFormatWriter.create();

  @Inject AgentRuntime runtime;

  // The library's own metrics: the sample-duration histogram and the process collector
  // (process_resident_memory_bytes, process_cpu_seconds_total, ...: the agent's own cost).
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final SampleDurations durations = new SampleDurations(registry);

  public EnergyMetrics() {
    ProcessMetrics.builder().register(registry);
  }

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

  /** A scrape's body and its content type. */
  public record Scrape(String contentType, byte[] body) {}

  /**
   * The exposition for a scrape with this Accept header: OpenMetrics 1.0 when the scraper asks for
   * it, else the Prometheus text format 0.0.4 (never protobuf); metric names escaped as the header
   * asks (Prometheus 3's {@code escaping=}), else underscores.
   */
  public Scrape scrape(String accept) {
    String a = accept == null ? "" : accept;
    ExpositionFormatWriter writer = OPEN_METRICS.accepts(a) ? OPEN_METRICS : PROMETHEUS_TEXT;
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, snapshots(System.nanoTime()), EscapingScheme.fromAcceptHeader(a));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return new Scrape(writer.getContentType(), out.toByteArray());
  }

  /** The Prometheus text; only the sample-duration and process families before the first sample. */
  String render(long nowNanos) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      PROMETHEUS_TEXT.write(out, snapshots(nowNanos), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Our families from the latest copy, then the library's (histogram, process). */
  MetricSnapshots snapshots(long nowNanos) {
    Figures f = latest;
    MetricSnapshots.Builder all = MetricSnapshots.builder();
    if (f != null) {
      pods(all, f.pods());
      node(all, f);
      gpus(all, f.gpus());
    }
    all.metricSnapshot(durations.max(nowNanos));
    for (MetricSnapshot m : registry.scrape()) {
      all.metricSnapshot(m);
    }
    return all.build();
  }

  private static void pods(MetricSnapshots.Builder all, List<PodFigures> pods) {
    podCounter(all, "wattkeeper_pod_cpu_joules", pods, PodFigures::cpuJoules);
    podCounter(all, "wattkeeper_pod_memory_joules", pods, PodFigures::memoryJoules);
    podCounter(all, "wattkeeper_pod_gpu_joules", pods, PodFigures::gpuJoules);
    podGauge(all, "wattkeeper_pod_cpu_watts", pods, PodFigures::cpuWatts);
    podGauge(all, "wattkeeper_pod_memory_watts", pods, PodFigures::memoryWatts);
    podGauge(all, "wattkeeper_pod_gpu_watts", pods, PodFigures::gpuWatts);
  }

  private static Labels podLabels(PodFigures p) {
    // An unknown name (a pod the API has not shown yet) is an empty label, not a failed scrape.
    return Labels.of(
        "namespace", nullToEmpty(p.namespace()), "pod", nullToEmpty(p.name()), "uid", p.uid());
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Counter names without {@code _total}: the writers add it (0.0.4 and OpenMetrics alike). */
  private static void podCounter(
      MetricSnapshots.Builder all,
      String name,
      List<PodFigures> pods,
      ToDoubleFunction<PodFigures> value) {
    CounterSnapshot.Builder c = CounterSnapshot.builder().name(name).help(POD_JOULES_HELP);
    for (PodFigures p : pods) {
      counterPoint(c, value.applyAsDouble(p), podLabels(p));
    }
    all.metricSnapshot(c.build());
  }

  private static void podGauge(
      MetricSnapshots.Builder all,
      String name,
      List<PodFigures> pods,
      ToDoubleFunction<PodFigures> value) {
    GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(name).help(POD_WATTS_HELP);
    for (PodFigures p : pods) {
      double v = value.applyAsDouble(p);
      if (!Double.isNaN(v)) {
        g.dataPoint(GaugeDataPointSnapshot.builder().value(v).labels(podLabels(p)).build());
      }
    }
    all.metricSnapshot(g.build());
  }

  /** A counter is never negative or NaN; such a value (a bug) is left out, not a failed scrape. */
  private static void counterPoint(CounterSnapshot.Builder c, double v, Labels labels) {
    if (v >= 0) {
      c.dataPoint(CounterDataPointSnapshot.builder().value(v).labels(labels).build());
    }
  }

  private static void node(MetricSnapshots.Builder all, Figures f) {
    nodeGauge(all, "wattkeeper_node_cpu_watts", "CPU watts of the node", f.nodeCpuWatts());
    nodeGauge(all, "wattkeeper_node_memory_watts", "Memory watts of the node", f.nodeMemoryWatts());
    nodeGauge(all, "wattkeeper_node_gpu_watts", "GPU watts of the node", f.nodeGpuWatts());
    nodeCounter(
        all, "wattkeeper_node_cpu_joules", "Cumulative CPU joules of the node", f.nodeCpuJoules());
    nodeCounter(
        all,
        "wattkeeper_node_memory_joules",
        "Cumulative memory joules of the node",
        f.nodeMemoryJoules());
    nodeCounter(
        all, "wattkeeper_node_gpu_joules", "Cumulative GPU joules of the node", f.nodeGpuJoules());
    nodeCounter(
        all, "wattkeeper_system_cpu_joules", "CPU joules charged to no pod", f.systemCpuJoules());
  }

  private static void nodeGauge(
      MetricSnapshots.Builder all, String name, String help, double watts) {
    GaugeSnapshot.Builder g =
        GaugeSnapshot.builder().name(name).help(help + " over the latest sample");
    if (!Double.isNaN(watts)) {
      g.dataPoint(GaugeDataPointSnapshot.builder().value(watts).build());
    }
    all.metricSnapshot(g.build());
  }

  private static void nodeCounter(
      MetricSnapshots.Builder all, String name, String help, double joules) {
    CounterSnapshot.Builder c = CounterSnapshot.builder().name(name).help(help);
    counterPoint(c, joules, Labels.EMPTY);
    all.metricSnapshot(c.build());
  }

  private static void gpus(MetricSnapshots.Builder all, List<GpuFigures> gpus) {
    gpuGauge(all, "wattkeeper_gpu_watts", "Watts drawn by the GPU", gpus, GpuFigures::watts);
    gpuGauge(
        all,
        "wattkeeper_gpu_utilization_percent",
        "Utilisation of the GPU (NaN when the driver does not say)",
        gpus,
        GpuFigures::utilizationPercent);
    gpuGauge(
        all,
        "wattkeeper_gpu_power_limit_watts",
        "Power limit in force on the GPU",
        gpus,
        GpuFigures::powerLimitWatts);
    CounterSnapshot.Builder c =
        CounterSnapshot.builder()
            .name("wattkeeper_gpu_joules")
            .help("Cumulative joules of the GPU on this node");
    for (GpuFigures g : gpus) {
      counterPoint(c, g.joules(), Labels.of("gpu", g.uuid()));
    }
    all.metricSnapshot(c.build());
  }

  private static void gpuGauge(
      MetricSnapshots.Builder all,
      String name,
      String help,
      List<GpuFigures> gpus,
      ToDoubleFunction<GpuFigures> value) {
    GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(name).help(help);
    for (GpuFigures f : gpus) {
      g.dataPoint(
          GaugeDataPointSnapshot.builder()
              .value(value.applyAsDouble(f))
              .labels(Labels.of("gpu", f.uuid()))
              .build());
    }
    all.metricSnapshot(g.build());
  }
}
