package io.wattkeeper.operator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.WithDefault;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.operator.ledger.ReportChecks.Reason;
import io.wattkeeper.operator.ledger.ReportChecks.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each attack on the ledger through a NodeEnergyReport, reproduced on the pure checks with a real
 * {@link PodDeltaTracker} as the ledger's memory: what would have been charged before is refused
 * and said, and what is honest in the same report still counts.
 */
class ReportChecksTest {

  static final Instant NOW = Instant.parse("2026-09-15T10:00:00Z");
  static final double DEFAULT_MAX_WATTS = defaultMaxNodeWatts();
  static final ReportChecks.Limits LIMITS =
      new ReportChecks.Limits(Duration.ofMinutes(2), DEFAULT_MAX_WATTS, 30);

  /** The shipped default, read from the config mapping itself: the tests cover what ships. */
  static double defaultMaxNodeWatts() {
    try {
      return Double.parseDouble(
          LedgerConfig.class.getMethod("maxNodeWatts").getAnnotation(WithDefault.class).value());
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  final Set<String> nodes = new java.util.HashSet<>(Set.of("node-a", "node-b"));
  final Map<String, ReportChecks.Placement> pods = new HashMap<>();
  final PodDeltaTracker tracker = new PodDeltaTracker();
  long seq;
  PodDeltaTracker.Result last;

  final ReportChecks.Cluster cluster =
      new ReportChecks.Cluster() {
        @Override
        public boolean nodeExists(String node) {
          return nodes.contains(node);
        }

        @Override
        public Optional<ReportChecks.Placement> pod(String namespace, String name) {
          return Optional.ofNullable(pods.get(namespace + "/" + name));
        }
      };

  final ReportChecks.Known known =
      new ReportChecks.Known() {
        @Override
        public String epoch(String node) {
          return tracker.epoch(node);
        }

        @Override
        public Long sequence(String node) {
          return tracker.sequence(node);
        }

        @Override
        public Instant lastReport(String node) {
          return tracker.lastReport(node);
        }

        @Override
        public double[] counters(String node, String uid) {
          return tracker.counters(node, uid);
        }

        @Override
        public boolean tracks(String node, String uid) {
          return tracker.tracks(node, uid);
        }

        @Override
        public Instant lastEntry(String node, String uid) {
          return tracker.lastEntry(node, uid);
        }
      };

  ReportChecksTest() {
    tracker.warm(); // nodes are new: everything they report is new energy
    pods.put("team-a/a1", new ReportChecks.Placement("uid-a1", "node-a", NOW.minusSeconds(3600)));
    pods.put("team-a/a2", new ReportChecks.Placement("uid-a2", "node-a", NOW.minusSeconds(3600)));
    pods.put("team-b/b1", new ReportChecks.Placement("uid-b1", "node-b", NOW.minusSeconds(3600)));
  }

  static PodEnergy entry(String ns, String name, String uid, double cpuJoules) {
    return new PodEnergy()
        .setUid(uid)
        .setNamespace(ns)
        .setName(name)
        .setCpuJoules(cpuJoules)
        .setMemoryJoules(0.0)
        .setGpuJoules(0.0)
        .setCpuWatts(100.0)
        .setEstimated(false);
  }

  static NodeEnergyReport report(String node, Long seq, Instant ts, PodEnergy... pods) {
    NodeEnergyReport r = new NodeEnergyReport();
    r.getMetadata().setName(node);
    r.setStatus(
        new NodeEnergyReportStatus()
            .setTimestamp(ts.toString())
            .setIntervalSeconds(30)
            .setAgent(new NodeEnergyReportStatus.Agent().setCounterEpoch("e1").setSequence(seq))
            .setPods(new ArrayList<>(java.util.Arrays.asList(pods))));
    return r;
  }

  /** Checks a report of node-a at {@code ts} and, like the ledger, applies what passed. */
  ReportChecks.Outcome send(String node, Instant ts, PodEnergy... entries) {
    return send(report(node, ++seq, ts, entries), ts);
  }

  ReportChecks.Outcome send(NodeEnergyReport r, Instant now) {
    ReportChecks.Outcome o = ReportChecks.check(r, now, LIMITS, cluster, known);
    if (o.sample() != null) {
      last = tracker.apply(o.sample());
    }
    return o;
  }

  static List<Reason> reasons(ReportChecks.Outcome o) {
    return o.refusals().stream().map(Refusal::reason).toList();
  }

  static double charged(PodDeltaTracker.Result r) {
    return r.deltas().stream().mapToDouble(PodDelta::joules).sum();
  }

  @Test
  void anotherNodesPodsAreNotChargedAndTheHonestEntriesAre() {
    // Node A's report lists team B's pod (running on node B) with 1 MJ, next to its own pod.
    ReportChecks.Outcome o =
        send(
            "node-a",
            NOW,
            entry("team-a", "a1", "uid-a1", 100),
            entry("team-b", "b1", "uid-b1", 1e6));
    assertThat(o.refused()).isFalse();
    assertThat(o.sample().pods()).extracting(PodCounters::uid).containsExactly("uid-a1");
    assertThat(o.sample().unusable()).isEmpty(); // nothing of b1 is remembered on node A
    assertThat(reasons(o)).containsExactly(Reason.POD_NOT_ON_NODE);
    assertThat(o.refusals().get(0).message()).contains("team-b/b1").contains("node-b");
    assertThat(tracker.tracks("node-a", "uid-b1")).isFalse();
  }

  @Test
  void aPodTheCacheDoesNotKnowOrWithAnotherUidIsRefused() {
    ReportChecks.Outcome o =
        send(
            "node-a",
            NOW,
            entry("team-a", "ghost", "uid-ghost", 5),
            entry("team-a", "a1", "uid-not-a1", 5));
    assertThat(o.sample().pods()).isEmpty();
    assertThat(reasons(o)).containsExactly(Reason.POD_NOT_ON_NODE, Reason.POD_NOT_ON_NODE);
  }

  @Test
  void aDeletedPodsFinalCountersStillCountOnItsNode() {
    send("node-a", NOW, entry("team-a", "a1", "uid-a1", 100));
    pods.remove("team-a/a1"); // deleted; the agent reports its last counters once more
    ReportChecks.Outcome o =
        send("node-a", NOW.plusSeconds(30), entry("team-a", "a1", "uid-a1", 160).setEnded(true));
    assertThat(o.refusals()).isEmpty();
    assertThat(o.sample().pods()).extracting(PodCounters::uid).containsExactly("uid-a1");
  }

  @Test
  void aReportNotNamedAfterANodeIsRefusedWhole() {
    ReportChecks.Outcome o = send("node-forged", NOW, entry("team-a", "a1", "uid-a1", 100));
    assertThat(o.sample()).isNull();
    assertThat(o.refused()).isTrue();
    assertThat(reasons(o)).containsExactly(Reason.UNKNOWN_NODE);
  }

  @Test
  void aTimestampIn2099IsRefusedAndSmallSkewIsClampedToTheOperatorsClock() {
    ReportChecks.Outcome far =
        send(report("node-a", 1L, Instant.parse("2099-01-01T00:00:00Z")), NOW);
    assertThat(far.sample()).isNull();
    assertThat(reasons(far)).containsExactly(Reason.CLOCK_SKEW);
    assertThat(far.refusals().get(0).message()).contains("2099-01-01T00:00:00Z");

    ReportChecks.Outcome near = send(report("node-a", 2L, NOW.plusSeconds(90)), NOW);
    assertThat(near.refusals()).isEmpty();
    assertThat(near.sample().timestamp()).isEqualTo(NOW);
  }

  @Test
  void aReportOlderThanTheNodesLastIsRefused() {
    send("node-a", NOW, entry("team-a", "a1", "uid-a1", 100));
    ReportChecks.Outcome o =
        send("node-a", NOW.minusSeconds(600), entry("team-a", "a1", "uid-a1", 200));
    assertThat(o.sample()).isNull();
    assertThat(reasons(o)).containsExactly(Reason.CLOCK_SKEW);
  }

  @Test
  void sequenceMaxDoesNotLockTheNodeOut() {
    send("node-a", NOW, entry("team-a", "a1", "uid-a1", 100));
    ReportChecks.Outcome forged =
        send(
            report(
                "node-a", Long.MAX_VALUE, NOW.plusSeconds(30), entry("team-a", "a1", "uid-a1", 1)),
            NOW.plusSeconds(30));
    assertThat(forged.sample()).isNull();
    assertThat(reasons(forged)).containsExactly(Reason.SEQUENCE);
    // The agent's next report (sequence 2) is not a "duplicate": it is charged.
    ReportChecks.Outcome next =
        send(
            report("node-a", 2L, NOW.plusSeconds(60), entry("team-a", "a1", "uid-a1", 400)),
            NOW.plusSeconds(60));
    assertThat(next.refusals()).isEmpty();
    assertThat(last.duplicate()).isFalse();
    assertThat(charged(last)).isEqualTo(300);
    assertThat(tracker.counters("node-a", "uid-a1")[0]).isEqualTo(400);
    assertThat(tracker.sequence("node-a")).isEqualTo(2L);
  }

  @Test
  void aLargeButPossibleSequenceGapIsAccepted() {
    send(report("node-a", 10L, NOW), NOW);
    // An hour of refused or lost reports: 120 reports at 30 s.
    ReportChecks.Outcome o =
        send(report("node-a", 130L, NOW.plusSeconds(3600)), NOW.plusSeconds(3600));
    assertThat(o.refusals()).isEmpty();
  }

  @Test
  void countersOf1e308AndNonNumbersAreRefusedAndTheBaseKept() {
    send("node-a", NOW, entry("team-a", "a1", "uid-a1", 100), entry("team-a", "a2", "uid-a2", 0));
    Instant t = NOW.plusSeconds(30);
    ReportChecks.Outcome o =
        send(
            "node-a",
            t,
            entry("team-a", "a1", "uid-a1", 1e308),
            entry("team-a", "a2", "uid-a2", 3000));
    assertThat(reasons(o)).containsExactly(Reason.IMPOSSIBLE_DELTA);
    assertThat(o.sample().unusable()).containsExactly("uid-a1");
    assertThat(tracker.counters("node-a", "uid-a1")[0]).isEqualTo(100); // base kept
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1}) {
      ReportChecks.Outcome b =
          send("node-a", t = t.plusSeconds(30), entry("team-a", "a1", "uid-a1", bad));
      assertThat(reasons(b)).containsExactly(Reason.IMPOSSIBLE_DELTA);
      assertThat(b.sample().pods()).isEmpty();
    }
  }

  @Test
  void theDefaultCeilingIs25kWOverTheInterval() {
    assertThat(DEFAULT_MAX_WATTS).isEqualTo(25_000);
    send("node-a", NOW, entry("team-a", "a1", "uid-a1", 0), entry("team-a", "a2", "uid-a2", 0));
    // 30 s later: a1 grew by 20 kW x 30 s (possible), a2 by 30 kW x 30 s (not).
    ReportChecks.Outcome o =
        send(
            "node-a",
            NOW.plusSeconds(30),
            entry("team-a", "a1", "uid-a1", 20_000 * 30),
            entry("team-a", "a2", "uid-a2", 30_000 * 30));
    assertThat(o.sample().pods()).extracting(PodCounters::uid).containsExactly("uid-a1");
    assertThat(o.sample().unusable()).containsExactly("uid-a2");
    assertThat(o.refusals().get(0).message()).contains("team-a/a2");
  }

  @Test
  void aNewPodIsBoundedSinceItStartedNotByOneInterval() {
    send("node-a", NOW, entry("team-a", "a1", "uid-a1", 0));
    // a2 started an hour ago and shows up now with 1 kW for an hour: possible.
    ReportChecks.Outcome o =
        send("node-a", NOW.plusSeconds(30), entry("team-a", "a2", "uid-a2", 1000.0 * 3600));
    assertThat(o.refusals()).isEmpty();
  }

  @Test
  void aPodLeftOutOfReportsIsBoundedSinceItsOwnLastEntry() {
    send("node-a", NOW, entry("team-a", "a1", "uid-a1", 0), entry("team-a", "a2", "uid-a2", 0));
    // Under a byte budget a2 is left out for 10 minutes while drawing 20 kW.
    for (int i = 1; i < 10; i++) {
      send("node-a", NOW.plusSeconds(60L * i), entry("team-a", "a1", "uid-a1", 10.0 * i));
    }
    ReportChecks.Outcome o =
        send("node-a", NOW.plusSeconds(600), entry("team-a", "a2", "uid-a2", 20_000.0 * 600));
    assertThat(o.refusals()).isEmpty();
    assertThat(o.sample().pods()).extracting(PodCounters::uid).containsExactly("uid-a2");
    // Beyond what 25 kW can draw in those 10 minutes it is still refused.
    ReportChecks.Outcome over =
        send("node-a", NOW.plusSeconds(630), entry("team-a", "a1", "uid-a1", 26_000.0 * 600));
    assertThat(reasons(over)).containsExactly(Reason.IMPOSSIBLE_DELTA);
  }

  @Test
  void anEntryWithoutNamespaceSkipsOnlyItself() {
    PodEnergy noNs = entry(null, "a2", "uid-a2", 100);
    PodEnergy noUid = entry("team-a", "a2", null, 100);
    ReportChecks.Outcome o =
        send("node-a", NOW, entry("team-a", "a1", "uid-a1", 200), noNs, noUid, null);
    assertThat(o.refused()).isFalse();
    assertThat(o.sample().pods()).extracting(PodCounters::uid).containsExactly("uid-a1");
    assertThat(reasons(o))
        .containsExactly(Reason.MALFORMED_ENTRY, Reason.MALFORMED_ENTRY, Reason.MALFORMED_ENTRY);
    assertThat(o.refusals().get(0).message()).contains("namespace");
  }

  @Test
  void echoedValuesAreCapped() {
    String huge = "x".repeat(1_000_000);
    ReportChecks.Outcome o = send(report("node-a", 1L, NOW), NOW); // a known node first
    assertThat(o.refusals()).isEmpty();
    NodeEnergyReport bad = report("node-a", 2L, NOW);
    bad.getStatus().setTimestamp(huge);
    ReportChecks.Outcome b = send(bad, NOW);
    assertThat(reasons(b)).containsExactly(Reason.MALFORMED_REPORT);
    assertThat(b.refusals().get(0).message()).hasSizeLessThan(200);
    ReportChecks.Outcome e = send("node-a", NOW.plusSeconds(30), entry(huge, huge, huge, 1));
    assertThat(e.refusals().get(0).message()).hasSizeLessThan(300);
  }
}
