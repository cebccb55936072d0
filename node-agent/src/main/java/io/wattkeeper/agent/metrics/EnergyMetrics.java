package io.wattkeeper.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.wattkeeper.agent.report.GpuReading;
import io.wattkeeper.agent.report.LastInterval;
import io.wattkeeper.agent.report.PodRates;
import io.wattkeeper.agent.report.SampleCompleted;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.state.PodCounters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics (served at /q/metrics): per-pod joule counters and watt gauges labelled
 * namespace/pod, node totals, per-GPU figures and the agent's own sample duration. Pod meters are
 * removed when the ledger forgets the pod.
 */
@ApplicationScoped
public class EnergyMetrics {
  @Inject MeterRegistry registry;

  private final Map<String, List<Meter>> podMeters = new HashMap<>();
  private final Map<String, GpuValues> gpus = new HashMap<>();
  private final NodeValues node = new NodeValues();
  private volatile Map<String, PodRates> rates = Map.of();
  private volatile EnergyLedger ledger;
  private Timer sampleDuration;

  /** Latest node figures, read by the gauges and counters. */
  static final class NodeValues {
    volatile double cpuWatts;
    volatile double memoryWatts;
    volatile double gpuWatts;
  }

  /** Latest figures of one GPU. */
  static final class GpuValues {
    volatile double watts;
    volatile double utilization;
    volatile double limit;
    volatile double joules;
  }

  synchronized void onSample(@Observes SampleCompleted done) {
    if (sampleDuration == null) {
      registerNode();
    }
    sampleDuration.record(done.durationNanos(), TimeUnit.NANOSECONDS);
    ledger = done.ledger();
    LastInterval last = done.last();
    if (last == null) {
      return;
    }
    rates = last.pods();
    node.cpuWatts = last.cpuWatts();
    node.memoryWatts = last.memoryWatts();
    node.gpuWatts = last.gpuWatts();
    Set<String> alive = new HashSet<>();
    for (PodCounters c : done.ledger().pods()) {
      if (c.name == null) {
        continue;
      }
      alive.add(c.uid);
      podMeters.computeIfAbsent(c.uid, uid -> registerPod(c));
    }
    for (String uid : new HashSet<>(podMeters.keySet())) {
      if (!alive.contains(uid)) {
        podMeters.remove(uid).forEach(registry::remove);
      }
    }
    for (GpuReading g : last.gpus()) {
      GpuValues v = gpus.computeIfAbsent(g.sample().uuid(), this::registerGpu);
      v.watts = g.sample().watts();
      v.utilization = g.sample().utilizationPercent();
      v.limit = g.sample().powerLimitWatts();
      v.joules = done.ledger().gpuJoules().getOrDefault(g.sample().uuid(), 0.0);
    }
  }

  private List<Meter> registerPod(PodCounters c) {
    Tags tags = Tags.of("namespace", c.namespace, "pod", c.name, "uid", c.uid);
    List<Meter> meters = new ArrayList<>();
    meters.add(counter("wattkeeper.pod.cpu.joules", c, p -> p.cpuJoules, tags));
    meters.add(counter("wattkeeper.pod.memory.joules", c, p -> p.memoryJoules, tags));
    meters.add(counter("wattkeeper.pod.gpu.joules", c, p -> p.gpuJoules, tags));
    String uid = c.uid;
    meters.add(gauge("wattkeeper.pod.cpu.watts", uid, PodRates::cpuWatts, tags));
    meters.add(gauge("wattkeeper.pod.memory.watts", uid, PodRates::memoryWatts, tags));
    meters.add(gauge("wattkeeper.pod.gpu.watts", uid, PodRates::gpuWatts, tags));
    return meters;
  }

  private Meter counter(
      String name, PodCounters c, java.util.function.ToDoubleFunction<PodCounters> f, Tags tags) {
    return FunctionCounter.builder(name, c, f)
        .description("Cumulative joules attributed to the pod on this node")
        .tags(tags)
        .register(registry);
  }

  private Meter gauge(
      String name, String uid, java.util.function.ToDoubleFunction<PodRates> f, Tags tags) {
    return Gauge.builder(
            name,
            this,
            m -> {
              PodRates r = m.rates.get(uid);
              return r == null ? 0 : f.applyAsDouble(r);
            })
        .description("Watts attributed to the pod over the latest sample")
        .tags(tags)
        .register(registry);
  }

  private void registerNode() {
    sampleDuration =
        Timer.builder("wattkeeper.agent.sample.duration")
            .description("Wall time of one sample of the node")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(5))
            .register(registry);
    Gauge.builder("wattkeeper.node.cpu.watts", node, n -> n.cpuWatts).register(registry);
    Gauge.builder("wattkeeper.node.memory.watts", node, n -> n.memoryWatts).register(registry);
    Gauge.builder("wattkeeper.node.gpu.watts", node, n -> n.gpuWatts).register(registry);
    FunctionCounter.builder("wattkeeper.node.cpu.joules", this, m -> nodeTotal(m, 0))
        .register(registry);
    FunctionCounter.builder("wattkeeper.node.memory.joules", this, m -> nodeTotal(m, 1))
        .register(registry);
    FunctionCounter.builder("wattkeeper.node.gpu.joules", this, m -> nodeTotal(m, 2))
        .register(registry);
    FunctionCounter.builder("wattkeeper.system.cpu.joules", this, m -> systemTotal(m, 0))
        .description("CPU joules charged to no pod")
        .register(registry);
  }

  private static double nodeTotal(EnergyMetrics m, int which) {
    EnergyLedger l = m.ledger;
    if (l == null) {
      return 0;
    }
    var s = l.state();
    return which == 0 ? s.nodeCpuJoules : which == 1 ? s.nodeMemoryJoules : s.nodeGpuJoules;
  }

  private static double systemTotal(EnergyMetrics m, int which) {
    EnergyLedger l = m.ledger;
    return l == null ? 0 : l.state().systemCpuJoules;
  }

  private GpuValues registerGpu(String uuid) {
    GpuValues v = new GpuValues();
    Tags tags = Tags.of("gpu", uuid);
    Gauge.builder("wattkeeper.gpu.watts", v, x -> x.watts).tags(tags).register(registry);
    Gauge.builder("wattkeeper.gpu.utilization.percent", v, x -> x.utilization)
        .tags(tags)
        .register(registry);
    Gauge.builder("wattkeeper.gpu.power.limit.watts", v, x -> x.limit)
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("wattkeeper.gpu.joules", v, x -> x.joules)
        .tags(tags)
        .register(registry);
    return v;
  }
}
