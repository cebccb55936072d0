package io.wattkeeper.operator.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds ReportSamples for tests: one node, counters per pod. */
final class Samples {
  private Samples() {}

  static PodCounters pod(String uid, double cpuJ, double memJ, double gpuJ) {
    return new PodCounters(uid, "ns", "pod-" + uid, cpuJ, memJ, gpuJ, 100, false, false);
  }

  /** The pod's last entry: it has ended and its counters are final. */
  static PodCounters ended(String uid, double cpuJ) {
    return new PodCounters(uid, "ns", "pod-" + uid, cpuJ, 0, 0, 0, false, true);
  }

  static PodCounters pod(String ns, String uid, double cpuJ) {
    return new PodCounters(uid, ns, "pod-" + uid, cpuJ, 0, 0, 100, false, false);
  }

  static ReportSample report(String node, String epoch, long seq, Instant ts, PodCounters... pods) {
    return new ReportSample(
        node, epoch, seq, ts, 15, true, true, true, new ArrayList<>(List.of(pods)));
  }

  /** The same report, with entries the agent sent but whose counters were unusable (NaN). */
  static ReportSample withUnusable(ReportSample r, String... uids) {
    return new ReportSample(
        r.node(),
        r.epoch(),
        r.sequence(),
        r.timestamp(),
        r.intervalSeconds(),
        r.cpuMeasured(),
        r.memoryMeasured(),
        r.gpuMeasured(),
        r.pods(),
        List.of(uids),
        r.partial());
  }

  /** The same report, written under a byte budget: pods may have been left out. */
  static ReportSample partial(ReportSample r) {
    return new ReportSample(
        r.node(),
        r.epoch(),
        r.sequence(),
        r.timestamp(),
        r.intervalSeconds(),
        r.cpuMeasured(),
        r.memoryMeasured(),
        r.gpuMeasured(),
        r.pods(),
        r.unusable(),
        true);
  }
}
