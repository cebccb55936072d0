package io.wattkeeper.operator.idle;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.operator.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodSampleStoreTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  final PodSampleStore store =
      new PodSampleStore(
          clock,
          new IdleConfig() {
            public Duration reportInterval() {
              return Duration.ofSeconds(30);
            }

            public double gapIntervals() {
              return 2.5;
            }

            public Duration historyRetention() {
              return Duration.ofHours(1);
            }

            public Duration resyncInterval() {
              return Duration.ofSeconds(30);
            }
          });

  NodeEnergyReport report(Instant at, Integer interval, PodEnergy... pods) {
    NodeEnergyReport r = new NodeEnergyReport();
    r.getMetadata().setName("n1");
    r.setStatus(
        new NodeEnergyReportStatus()
            .setTimestamp(at.toString())
            .setIntervalSeconds(interval)
            .setPods(List.of(pods)));
    return r;
  }

  @Test
  void ingestIsIdempotentAndKeepsOrder() {
    Instant t = clock.instant();
    PodEnergy p =
        new PodEnergy()
            .setUid("u1")
            .setCpuCores(0.2)
            .setNetworkReceiveBytesPerSecond(1.0)
            .setCpuWatts(10.0)
            .setMemoryWatts(5.0);
    store.ingest(report(t, 15, p));
    store.ingest(report(t, 15, p));
    store.ingest(report(t.minusSeconds(30), 15, p));
    List<PodSample> s = store.samples("u1");
    assertThat(s).hasSize(1);
    assertThat(s.get(0).interval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.get(0).watts()).isEqualTo(15.0);
    // No GPUs: utilisation is zero, not unknown.
    assertThat(s.get(0).gpuUtilizationPercent()).isEqualTo(0.0);
  }

  @Test
  void gpuPodsWithoutUtilisationAreUnknownAndBadTimestampsAreSkipped() {
    PodEnergy p =
        new PodEnergy()
            .setUid("u2")
            .setGpus(List.of("GPU-1"))
            .setCpuCores(0.0)
            .setNetworkReceiveBytesPerSecond(0.0);
    store.ingest(report(clock.instant(), null, p));
    assertThat(store.samples("u2").get(0).gpuUtilizationPercent()).isNull();
    assertThat(store.samples("u2").get(0).interval()).isEqualTo(Duration.ofSeconds(30));
    // A pod on a shared GPU (no exclusive UUID) that draws GPU power: unknown too, not zero.
    store.ingest(
        report(
            clock.instant(),
            30,
            new PodEnergy()
                .setUid("u4")
                .setGpuWatts(3.0)
                .setCpuCores(0.0)
                .setNetworkReceiveBytesPerSecond(0.0)));
    assertThat(store.samples("u4").get(0).gpuUtilizationPercent()).isNull();
    NodeEnergyReport bad = report(clock.instant(), 30, new PodEnergy().setUid("u3"));
    bad.getStatus().setTimestamp("yesterday");
    store.ingest(bad);
    assertThat(store.samples("u3")).isEmpty();
  }

  @Test
  void pruneForgetsOldPodsAndSamples() {
    Instant t = clock.instant();
    for (int i = 0; i < 200; i++) {
      store.ingest(
          report(t.plusSeconds(30L * i), 30, new PodEnergy().setUid("u1").setCpuCores(0.0)));
    }
    store.ingest(report(t, 30, new PodEnergy().setUid("old").setCpuCores(0.0)));
    clock.set(t.plusSeconds(30L * 199));
    store.prune();
    assertThat(store.samples("old")).isEmpty();
    Optional<PodSample> first = store.samples("u1").stream().findFirst();
    assertThat(first)
        .get()
        .satisfies(
            s ->
                assertThat(s.at())
                    .isBefore(clock.instant().minus(Duration.ofHours(1)).plusSeconds(1)));
    assertThat(store.samples("u1").size()).isBetween(120, 122);
  }
}
