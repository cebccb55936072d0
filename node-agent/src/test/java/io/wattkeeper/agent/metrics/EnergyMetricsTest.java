package io.wattkeeper.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.attribution.Shares;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.measure.NodeEnergy;
import io.wattkeeper.agent.report.GpuReading;
import io.wattkeeper.agent.report.LastInterval;
import io.wattkeeper.agent.report.PodRates;
import io.wattkeeper.agent.report.SampleCompleted;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** EnergyMetrics fed with a real ledger: names, types, labels and values of the exposition. */
class EnergyMetricsTest {
  static final String A = "aaaaaaaa-0000-0000-0000-000000000001";
  static final String B = "bbbbbbbb-0000-0000-0000-000000000002";
  static final String UNNAMED = "cccccccc-0000-0000-0000-000000000003";
  static final String GPU = "GPU-0";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  final EnergyLedger ledger = EnergyLedger.newEpoch(clock, "node-a");
  final EnergyMetrics metrics = new EnergyMetrics();
  long now = 1_000_000_000L;

  static final Map<String, String> FAMILIES =
      Map.ofEntries(
          Map.entry("wattkeeper_pod_cpu_joules_total", "counter"),
          Map.entry("wattkeeper_pod_memory_joules_total", "counter"),
          Map.entry("wattkeeper_pod_gpu_joules_total", "counter"),
          Map.entry("wattkeeper_pod_cpu_watts", "gauge"),
          Map.entry("wattkeeper_pod_memory_watts", "gauge"),
          Map.entry("wattkeeper_pod_gpu_watts", "gauge"),
          Map.entry("wattkeeper_node_cpu_watts", "gauge"),
          Map.entry("wattkeeper_node_memory_watts", "gauge"),
          Map.entry("wattkeeper_node_gpu_watts", "gauge"),
          Map.entry("wattkeeper_node_cpu_joules_total", "counter"),
          Map.entry("wattkeeper_node_memory_joules_total", "counter"),
          Map.entry("wattkeeper_node_gpu_joules_total", "counter"),
          Map.entry("wattkeeper_system_cpu_joules_total", "counter"),
          Map.entry("wattkeeper_gpu_watts", "gauge"),
          Map.entry("wattkeeper_gpu_utilization_percent", "gauge"),
          Map.entry("wattkeeper_gpu_power_limit_watts", "gauge"),
          Map.entry("wattkeeper_gpu_joules_total", "counter"),
          Map.entry("wattkeeper_agent_sample_duration_seconds_max", "gauge"),
          Map.entry("wattkeeper_agent_sample_duration_seconds", "histogram"));

  Map<String, Exposition.Family> sample(LastInterval last) {
    metrics.record(new SampleCompleted(last, ledger, 3_000_000), now += 5_000_000_000L);
    return Exposition.parse(metrics.render(now));
  }

  void interval(Map<String, Shares> pods, Set<String> running) {
    ledger.add(new IntervalAttribution(pods, new Shares(5, 1, 0, 0), Map.of(GPU, 40.0)), running);
    ledger.name(A, "ml", "infer");
    ledger.name(B, "ml", "train");
  }

  static LastInterval last(Map<String, PodRates> rates) {
    GpuSample gpu = new GpuSample(GPU, "H100", 80, 1e6, Double.NaN, 300, 350, 100, 400, List.of());
    return new LastInterval(
        Instant.EPOCH,
        new NodeEnergy(5, 100, 50, 20, "model", "model"),
        40,
        rates,
        List.of(new GpuReading(gpu, 40, false, null)));
  }

  static PodRates rates(double cpu, double mem, double gpu) {
    return new PodRates(cpu, mem, gpu, 0.5, Double.NaN, Double.NaN, List.of());
  }

  @Test
  void writesEveryFamilyOnceWithItsTypeAndThePodsLabels() {
    interval(
        Map.of(A, new Shares(30, 6, 40, 50), B, new Shares(10, 2, 0, 0), UNNAMED, Shares.ZERO),
        Set.of(A, B, UNNAMED));

    var f = sample(last(Map.of(A, rates(6, 1.2, 8), B, rates(2, 0.4, 0))));

    assertThat(ours(f)).containsExactlyInAnyOrderElementsOf(FAMILIES.keySet());
    assertThat(f).containsKeys("process_resident_memory_bytes", "process_cpu_seconds_total");
    ours(f).forEach(name -> assertThat(f.get(name).type()).isEqualTo(FAMILIES.get(name)));
    f.values().forEach(fam -> assertThat(fam.help()).isNotBlank());
    var cpu = f.get("wattkeeper_pod_cpu_joules_total").samples();
    // The pod the API server never named has no labels to give: not listed (it is in system).
    assertThat(cpu).hasSize(2);
    Exposition.Sample infer =
        cpu.stream().filter(s -> A.equals(s.labels().get("uid"))).findFirst().orElseThrow();
    assertThat(infer.labels())
        .containsExactly(
            Map.entry("namespace", "ml"), Map.entry("pod", "infer"), Map.entry("uid", A));
    assertThat(infer.value()).isEqualTo(30);
    assertThat(value(f, "wattkeeper_pod_gpu_joules_total", B)).isEqualTo(0);
    assertThat(value(f, "wattkeeper_pod_memory_watts", A)).isEqualTo(1.2);
    assertThat(value(f, "wattkeeper_pod_gpu_watts", A)).isEqualTo(8);
    assertThat(single(f, "wattkeeper_node_cpu_watts")).isEqualTo(20); // 100 J over 5 s
    assertThat(single(f, "wattkeeper_node_cpu_joules_total")).isEqualTo(45); // pods 40 + system 5
    assertThat(single(f, "wattkeeper_system_cpu_joules_total")).isEqualTo(5);
    var gpu = f.get("wattkeeper_gpu_utilization_percent").samples();
    assertThat(gpu)
        .singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("gpu", GPU));
    assertThat(gpu.get(0).value()).isNaN(); // unknown stays unknown
    assertThat(f.get("wattkeeper_gpu_joules_total").samples().get(0).value()).isEqualTo(40);
    assertThat(single(f, "wattkeeper_gpu_power_limit_watts")).isEqualTo(300);
    assertThat(
            f.get("wattkeeper_agent_sample_duration_seconds")
                .named("wattkeeper_agent_sample_duration_seconds_count"))
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(1));
  }

  @Test
  void unknownWattsAreLeftOutNotWrittenAsZero() {
    // A restored ledger before its first interval: counters known, watts not yet.
    interval(Map.of(A, new Shares(30, 6, 0, 0)), Set.of(A));
    var f = sample(null);
    assertThat(value(f, "wattkeeper_pod_cpu_joules_total", A)).isEqualTo(30);
    assertThat(samples(f, "wattkeeper_pod_cpu_watts")).isEmpty();
    assertThat(samples(f, "wattkeeper_node_cpu_watts")).isEmpty();
    assertThat(samples(f, "wattkeeper_gpu_watts")).isEmpty();

    // A pod missing from the interval (its cgroup read failed): its watts are unknown.
    f = sample(last(Map.of()));
    assertThat(samples(f, "wattkeeper_pod_cpu_watts")).isEmpty();
    assertThat(single(f, "wattkeeper_node_cpu_watts")).isEqualTo(20);
  }

  @Test
  void podsTheLedgerForgetsDisappear() {
    interval(Map.of(A, new Shares(30, 6, 0, 0), B, new Shares(10, 2, 0, 0)), Set.of(A, B));
    assertThat(pods(sample(last(Map.of(A, rates(1, 1, 0), B, rates(1, 1, 0))))))
        .containsExactlyInAnyOrder(A, B);

    interval(Map.of(A, new Shares(30, 6, 0, 0)), Set.of(A)); // B's cgroup is gone: ended
    ledger.reported();
    assertThat(pods(sample(last(Map.of(A, rates(1, 1, 0)))))).containsExactlyInAnyOrder(A, B);
    ledger.reported(); // B's final counters reported twice: forgotten

    var f = sample(last(Map.of(A, rates(1, 1, 0))));
    for (Exposition.Family fam : f.values()) {
      assertThat(fam.samples()).noneMatch(s -> B.equals(s.labels().get("uid")));
    }
    assertThat(pods(f)).containsExactly(A);
  }

  @Test
  void openMetricsWhenAskedTextOtherwiseNeverProtobuf() {
    interval(Map.of(A, new Shares(30, 6, 40, 50)), Set.of(A));
    metrics.record(new SampleCompleted(last(Map.of(A, rates(6, 1.2, 8))), ledger, 3_000_000), now);
    EnergyMetrics.Scrape om =
        metrics.scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
    assertThat(om.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
    String body = new String(om.body(), StandardCharsets.UTF_8);
    assertThat(body)
        .endsWith("# EOF\n")
        .contains("# TYPE wattkeeper_pod_cpu_joules counter")
        .contains("wattkeeper_pod_cpu_joules_total{namespace=\"ml\",pod=\"infer\",uid=\"" + A);
    for (String accept :
        new String[] {
          null,
          "text/plain",
          "*/*",
          "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
              + "encoding=delimited"
        }) {
      EnergyMetrics.Scrape text = metrics.scrape(accept);
      assertThat(text.contentType())
          .as(accept)
          .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(Exposition.parse(new String(text.body(), StandardCharsets.UTF_8)))
          .as(accept)
          .containsKey("wattkeeper_pod_cpu_joules_total");
    }
  }

  @Test
  void theAgentsOwnCostThroughTheProcessCollector() {
    var f = Exposition.parse(metrics.render(now));
    assertThat(f.get("process_resident_memory_bytes").type()).isEqualTo("gauge");
    assertThat(single(f, "process_resident_memory_bytes")).isGreaterThan(1 << 20);
    assertThat(f.get("process_cpu_seconds_total").type()).isEqualTo("counter");
    assertThat(single(f, "process_cpu_seconds_total")).isPositive();
  }

  /** Our families (the process collector's are checked on their own). */
  static Set<String> ours(Map<String, Exposition.Family> f) {
    return f.keySet().stream()
        .filter(n -> n.startsWith("wattkeeper_"))
        .collect(java.util.stream.Collectors.toSet());
  }

  /** A family's samples; the writer leaves a family without samples out, which is none here. */
  static List<Exposition.Sample> samples(Map<String, Exposition.Family> f, String family) {
    return f.containsKey(family) ? f.get(family).samples() : List.of();
  }

  @Test
  void beforeTheFirstSampleOnlyTheSampleDurationIsWritten() {
    assertThat(ours(Exposition.parse(metrics.render(now))))
        .containsExactlyInAnyOrder(
            "wattkeeper_agent_sample_duration_seconds_max",
            "wattkeeper_agent_sample_duration_seconds");
  }

  static List<String> pods(Map<String, Exposition.Family> f) {
    return f.get("wattkeeper_pod_memory_joules_total").samples().stream()
        .map(s -> s.labels().get("uid"))
        .toList();
  }

  static double value(Map<String, Exposition.Family> f, String family, String uid) {
    return f.get(family).samples().stream()
        .filter(s -> uid.equals(s.labels().get("uid")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(family + " has no pod " + uid))
        .value();
  }

  static double single(Map<String, Exposition.Family> f, String family) {
    assertThat(f.get(family).samples()).hasSize(1);
    return f.get(family).samples().get(0).value();
  }
}
