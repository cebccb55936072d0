package io.wattkeeper.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleDurationsTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000 * MS;
  static final String NAME = "wattkeeper_agent_sample_duration_seconds";

  final PrometheusRegistry registry = new PrometheusRegistry();
  final SampleDurations durations = new SampleDurations(registry);

  /** The gauge and the library's histogram, written by the library's 0.0.4 writer. */
  Map<String, Exposition.Family> render(long now) {
    MetricSnapshots.Builder all = MetricSnapshots.builder().metricSnapshot(durations.max(now));
    registry.scrape().forEach(all::metricSnapshot);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, all.build());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Exposition.parse(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void cumulativeBucketsSumAndCount() {
    long now = 0;
    for (long d : new long[] {400_000, 1_500_000, 2_000_000, 4 * MS, 9 * MS, 7 * S}) {
      durations.record(d, now += S);
    }

    Exposition.Family h = render(now).get(NAME);
    assertThat(h.type()).isEqualTo("histogram");
    List<Exposition.Sample> buckets = h.named(NAME + "_bucket");
    assertThat(buckets).hasSize(SampleDurations.BOUNDS.length + 1);
    assertThat(bucket(buckets, "0.0005")).isEqualTo(1); // 0.4 ms
    assertThat(bucket(buckets, "0.001")).isEqualTo(1);
    assertThat(bucket(buckets, "0.002")).isEqualTo(3); // 1.5 ms and exactly 2 ms (le is <=)
    assertThat(bucket(buckets, "0.005")).isEqualTo(4);
    assertThat(bucket(buckets, "0.01")).isEqualTo(5);
    assertThat(bucket(buckets, "5")).isEqualTo(5);
    assertThat(bucket(buckets, "+Inf")).isEqualTo(6); // 7 s is above every bound
    double previous = 0;
    double previousLe = 0;
    for (Exposition.Sample b : buckets) {
      double le = Double.parseDouble(b.labels().get("le").replace("+Inf", "Infinity"));
      assertThat(le).isGreaterThan(previousLe);
      assertThat(b.value()).isGreaterThanOrEqualTo(previous);
      previous = b.value();
      previousLe = le;
    }
    assertThat(h.named(NAME + "_count").get(0).value()).isEqualTo(6);
    assertThat(h.named(NAME + "_sum").get(0).value()).isCloseTo(7.0169, within(1e-9));
  }

  @Test
  void maxCoversTheLastOneToTwoMinutes() {
    durations.record(50 * MS, 0);
    durations.record(3 * MS, 30 * S);
    assertThat(max(59 * S)).isEqualTo(0.05);
    // Next window: the 50 ms spike is still within the previous one.
    durations.record(4 * MS, 70 * S);
    assertThat(max(100 * S)).isEqualTo(0.05);
    // Two windows later the spike is gone; the 4 ms sample is now the previous window.
    assertThat(max(125 * S)).isEqualTo(0.004);
    assertThat(max(300 * S)).isEqualTo(0);
  }

  @Test
  void beforeAnySampleEverythingIsZero() {
    var families = render(0);
    assertThat(families.keySet()).containsExactlyInAnyOrder(NAME + "_max", NAME);
    assertThat(families.get(NAME).samples()).allSatisfy(s -> assertThat(s.value()).isZero());
  }

  double max(long now) {
    return render(now).get(NAME + "_max").samples().get(0).value();
  }

  static double bucket(List<Exposition.Sample> buckets, String le) {
    // Compared as numbers: the writer may spell a bound 0.0005 or 5.0E-4.
    double bound = Double.parseDouble(le.replace("+Inf", "Infinity"));
    return buckets.stream()
        .filter(b -> Double.parseDouble(b.labels().get("le").replace("+Inf", "Infinity")) == bound)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no bucket le=" + le))
        .value();
  }
}
