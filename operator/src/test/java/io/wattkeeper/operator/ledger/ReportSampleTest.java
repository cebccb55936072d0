package io.wattkeeper.operator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A report becomes a sample through the one checked path ({@link ReportChecks}). */
class ReportSampleTest {

  static final ReportChecks.Limits LIMITS =
      new ReportChecks.Limits(java.time.Duration.ofMinutes(2), 25_000, 30);

  static final ReportChecks.Cluster CLUSTER =
      new ReportChecks.Cluster() {
        @Override
        public boolean nodeExists(String node) {
          return node.equals("n1");
        }

        @Override
        public java.util.Optional<ReportChecks.Placement> pod(String namespace, String name) {
          return java.util.Optional.of(
              new ReportChecks.Placement(
                  name.substring(2), "n1", Instant.parse("2026-09-15T09:00:00Z")));
        }
      };

  static java.util.Optional<ReportSample> sample(NodeEnergyReport r, Instant now) {
    PodDeltaTracker known = new PodDeltaTracker();
    known.warm();
    return java.util.Optional.ofNullable(
        ReportChecks.check(r, now, LIMITS, CLUSTER, known).sample());
  }

  static NodeEnergyReport report(String ts, List<PodEnergy> pods) {
    NodeEnergyReport r = new NodeEnergyReport();
    r.getMetadata().setName("n1");
    r.setStatus(
        new NodeEnergyReportStatus()
            .setTimestamp(ts)
            .setAgent(new NodeEnergyReportStatus.Agent().setCounterEpoch("e").setSequence(3L))
            .setSources(
                new NodeEnergyReportStatus.Sources()
                    .setCpu("rapl")
                    .setMemory("model")
                    .setGpu("nvml"))
            .setPods(pods));
    return r;
  }

  static PodEnergy pod(String uid, Double cpu) {
    return new PodEnergy()
        .setUid(uid)
        .setNamespace("ns")
        .setName("p-" + uid)
        .setCpuJoules(cpu)
        .setCpuWatts(5.0)
        .setGpuWatts(7.0);
  }

  @Test
  void readsCountersSourcesAndTime() {
    ReportSample s =
        sample(
                report("2026-09-15T12:00:00+02:00", List.of(pod("a", 10.0))),
                Instant.parse("2026-09-15T10:00:00Z"))
            .orElseThrow();
    assertThat(s.timestamp()).isEqualTo(Instant.parse("2026-09-15T10:00:00Z"));
    assertThat(s.epoch()).isEqualTo("e");
    assertThat(s.sequence()).isEqualTo(3L);
    assertThat(s.cpuMeasured()).isTrue();
    assertThat(s.memoryMeasured()).isFalse();
    assertThat(s.gpuMeasured()).isTrue();
    assertThat(s.intervalSeconds()).isEqualTo(30); // absent: the operator's configured default
    assertThat(s.pods().get(0).watts()).isEqualTo(12.0);
    assertThat(s.pods().get(0).gpuJoules()).isZero(); // absent component: not metered
  }

  @Test
  void badEntriesAreSkippedAndBadReportsRefused() {
    ReportSample s =
        sample(
                report(
                    "2026-09-15T10:00:00Z",
                    List.of(pod("a", -1.0), pod("", 5.0), pod("b", Double.NaN), pod("c", 3.0))),
                Instant.parse("2026-09-15T10:00:00Z"))
            .orElseThrow();
    assertThat(s.pods()).extracting(PodCounters::uid).containsExactly("c");
    // Known pods with unusable counters: the ledger keeps their base rather than forgetting them.
    assertThat(s.unusable()).containsExactly("a", "b");
    Instant now = Instant.parse("2026-09-15T10:00:00Z");
    assertThat(sample(report("yesterday", List.of()), now)).isEmpty();
    assertThat(sample(report(null, List.of()), now)).isEmpty();
    NodeEnergyReport noStatus = new NodeEnergyReport();
    noStatus.getMetadata().setName("n2");
    noStatus.setStatus(null);
    assertThat(sample(noStatus, now)).isEmpty();
  }

  @Test
  void checkpointsRoundTripAndRefuseGarbage() {
    Checkpoint c = new Checkpoint("n1", "e", 1.5, 2, 3, 4.25, 5, Double.NaN, 4);
    assertThat(Checkpoint.parse(c.format())).contains(c);
    assertThat(Checkpoint.parse("v1;node=n1;cpuJ=x")).isEmpty();
    assertThat(Checkpoint.parse("v0;anything")).isEmpty();
    assertThat(Checkpoint.parse(null)).isEmpty();
  }
}
