package io.wattkeeper.operator.ledger;

import static io.wattkeeper.operator.ledger.Samples.ended;
import static io.wattkeeper.operator.ledger.Samples.partial;
import static io.wattkeeper.operator.ledger.Samples.pod;
import static io.wattkeeper.operator.ledger.Samples.report;
import static io.wattkeeper.operator.ledger.Samples.withUnusable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodDeltaTrackerTest {

  static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");

  static double sum(List<PodDelta> ds) {
    return ds.stream().mapToDouble(PodDelta::joules).sum();
  }

  @Test
  void firstReportAfterStartIsTheBaseAndLaterDeltasSumToTheCounters() {
    PodDeltaTracker t = new PodDeltaTracker();
    assertThat(sum(t.apply(report("n1", "e1", 1, T0, pod("a", 100, 10, 0))).deltas())).isZero();
    Random rnd = new Random(7);
    double cpu = 100;
    double total = 0;
    for (int i = 2; i <= 500; i++) {
      cpu += rnd.nextDouble() * 50;
      total +=
          sum(
              t.apply(report("n1", "e1", i, T0.plusSeconds(15L * i), pod("a", cpu, 10, 0)))
                  .deltas());
    }
    // Steady state: the ledger total equals the difference of the reported counters exactly.
    assertThat(total).isCloseTo(cpu - 100, within(1e-6));
  }

  @Test
  void aNewPodOnAKnownNodeIsChargedEverythingSinceItStarted() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 100, 0, 0)));
    List<PodDelta> d =
        t.apply(report("n1", "e1", 2, T0.plusSeconds(15), pod("a", 150, 0, 0), pod("b", 30, 5, 60)))
            .deltas();
    assertThat(d).extracting(PodDelta::uid).containsExactly("a", "b");
    assertThat(d.get(0).joules()).isEqualTo(50);
    assertThat(d.get(1).joules()).isEqualTo(95);
    assertThat(d.get(1).start()).isEqualTo(T0);
    assertThat(d.get(1).end()).isEqualTo(T0.plusSeconds(15));
  }

  @Test
  void duplicateAndOlderSequencesAreIgnored() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 5, T0, pod("a", 100, 0, 0)));
    t.apply(report("n1", "e1", 6, T0.plusSeconds(15), pod("a", 200, 0, 0)));
    PodDeltaTracker.Result dup =
        t.apply(report("n1", "e1", 6, T0.plusSeconds(15), pod("a", 200, 0, 0)));
    PodDeltaTracker.Result late =
        t.apply(report("n1", "e1", 4, T0.minusSeconds(15), pod("a", 50, 0, 0)));
    assertThat(dup.duplicate()).isTrue();
    assertThat(late.duplicate()).isTrue();
    assertThat(
            sum(t.apply(report("n1", "e1", 7, T0.plusSeconds(30), pod("a", 260, 0, 0))).deltas()))
        .isEqualTo(60);
  }

  @Test
  void aSequenceGapIsCoveredByTheCumulativeCounters() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 100, 0, 0)));
    List<PodDelta> d =
        t.apply(report("n1", "e1", 9, T0.plusSeconds(120), pod("a", 900, 0, 0))).deltas();
    assertThat(sum(d)).isEqualTo(800);
    assertThat(d.get(0).start()).isEqualTo(T0);
  }

  @Test
  void aNewEpochTakesTheNewCountersAsFreshNeverNegative() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 100, T0, pod("a", 5000, 0, 0)));
    PodDeltaTracker.Result r =
        t.apply(report("n1", "e2", 1, T0.plusSeconds(15), pod("a", 40, 0, 0)));
    assertThat(r.newEpoch()).isTrue();
    assertThat(sum(r.deltas())).isEqualTo(40);
    // Sequence restarts at 1 in the new epoch and is not a duplicate of the old 100.
    assertThat(sum(t.apply(report("n1", "e2", 2, T0.plusSeconds(30), pod("a", 70, 0, 0))).deltas()))
        .isEqualTo(30);
  }

  @Test
  void aCounterGoingBackwardsWithinAnEpochChargesNothingAndRebases() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 500, 0, 0)));
    PodDeltaTracker.Result r =
        t.apply(report("n1", "e1", 2, T0.plusSeconds(15), pod("a", 100, 0, 0)));
    assertThat(sum(r.deltas())).isZero();
    assertThat(r.anomalies()).isEqualTo(1);
    assertThat(
            sum(t.apply(report("n1", "e1", 3, T0.plusSeconds(30), pod("a", 130, 0, 0))).deltas()))
        .isEqualTo(30);
  }

  @Test
  void aPodThatLeftAndCameBackOnAnotherNodeIsNotChargedTwice() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 100, 0, 0)));
    t.apply(report("n2", "x", 1, T0, pod("b", 1, 0, 0)));
    t.apply(report("n1", "e1", 2, T0.plusSeconds(15), pod("a", 200, 0, 0)));
    // a ended on n1 (its last entry says so), reappears on n2 with counters since it started there.
    t.apply(report("n1", "e1", 3, T0.plusSeconds(30), ended("a", 200)));
    List<PodDelta> d =
        t.apply(report("n2", "x", 2, T0.plusSeconds(30), pod("b", 2, 0, 0), pod("a", 25, 0, 0)))
            .deltas();
    assertThat(d.get(1).joules()).isEqualTo(25);
    assertThat(t.running("n1", "a")).isFalse();
    t.dropNodesExcept(Set.of("n2"));
    assertThat(t.nodes()).containsExactly("n2");
  }

  @Test
  void aCheckpointContinuesThePodAfterARestartAsAPodOnlyDelta() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.seed("a", new Checkpoint("n1", "e1", 100, 0, 0, 1, 1, Double.NaN, 1));
    t.seed("b", new Checkpoint("n1", "old-epoch", 100, 0, 0, 1, 1, Double.NaN, 1));
    List<PodDelta> d =
        t.apply(
                report(
                    "n1",
                    "e1",
                    50,
                    T0,
                    pod("a", 180, 0, 0),
                    pod("b", 500, 0, 0),
                    pod("c", 70, 0, 0)))
            .deltas();
    assertThat(d.get(0).joules()).isEqualTo(80);
    assertThat(d.get(0).catchUp()).isTrue();
    // Another epoch: the agent restarted after the checkpoint and its counters started again from
    // zero, so all of them are new (what lies between the checkpoint and that restart is unknown).
    assertThat(d.get(1).joules()).isEqualTo(500);
    assertThat(d.get(1).catchUp()).isTrue();
    assertThat(d.get(2).joules()).isZero(); // no checkpoint: base
  }

  @Test
  void aPodThatProvablyStartedAfterTheLastWriteCountsFromZeroAtFirstSight() {
    PodDeltaTracker t = new PodDeltaTracker();
    List<PodDelta> d =
        t.apply(
                report("n1", "e1", 50, T0, pod("old", 900, 0, 0), pod("new", 70, 0, 0)),
                p -> p.uid().equals("new"))
            .deltas();
    assertThat(d.get(0).joules()).isZero(); // started before: this report is its base
    assertThat(d.get(1).joules()).isEqualTo(70); // started after: all of it is new
    assertThat(
            sum(
                t.apply(report("n1", "e1", 51, T0.plusSeconds(15), pod("new", 100, 0, 0)))
                    .deltas()))
        .isEqualTo(30);
  }

  @Test
  void estimatedComponentsAreNotCountedAsMeasured() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(
        new ReportSample(
            "n1",
            "e",
            1L,
            T0,
            15,
            true,
            false,
            false,
            List.of(new PodCounters("a", "ns", "p", 0, 0, 0, 0, true, false))));
    PodDelta d =
        t.apply(
                new ReportSample(
                    "n1",
                    "e",
                    2L,
                    T0.plusSeconds(15),
                    15,
                    true,
                    false,
                    false,
                    List.of(new PodCounters("a", "ns", "p", 30, 10, 60, 0, true, false))))
            .deltas()
            .get(0);
    assertThat(d.measuredJoules()).isEqualTo(30);
    assertThat(d.joules()).isEqualTo(100);
  }

  @Test
  void withoutSequenceNumbersTimestampsFindDuplicates() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(
        new ReportSample("n1", "", null, T0, 15, true, true, true, List.of(pod("a", 10, 0, 0))));
    assertThat(
            t.apply(
                    new ReportSample(
                        "n1", "", null, T0, 15, true, true, true, List.of(pod("a", 10, 0, 0))))
                .duplicate())
        .isTrue();
    assertThat(
            sum(
                t.apply(
                        new ReportSample(
                            "n1",
                            "",
                            null,
                            T0.plusSeconds(15),
                            15,
                            true,
                            true,
                            true,
                            List.of(pod("a", 25, 0, 0))))
                    .deltas()))
        .isEqualTo(15);
  }

  @Test
  void aNodeFirstSeenAfterStartCountsFromZeroUnlessAPodHasACheckpointThere() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.seed("a", new Checkpoint("late", "e1", 500, 0, 0, 1, 1, Double.NaN, 1));
    t.warm();
    List<PodDelta> d =
        t.apply(report("late", "e1", 9, T0, pod("a", 560, 0, 0), pod("b", 40, 0, 0))).deltas();
    assertThat(d.get(0).joules()).isEqualTo(60); // continues from its checkpoint: never twice
    assertThat(d.get(0).catchUp()).isTrue();
    assertThat(d.get(1).joules()).isEqualTo(40); // new node, new pod: all of it is new
    assertThat(d.get(1).catchUp()).isFalse();
  }

  @Test
  void aReportDeletedAndRecreatedWithTheSameEpochContinuesFromItsLastCounters() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 1_000_000, 0, 0)));
    t.warm();
    assertThat(
            sum(
                t.apply(report("n1", "e1", 2, T0.plusSeconds(15), pod("a", 1_000_100, 0, 0)))
                    .deltas()))
        .isEqualTo(100);
    // The report is deleted (the node is forgotten), then the agent recreates it: same epoch,
    // counters kept on its hostPath.
    t.dropNodesExcept(Set.of());
    assertThat(t.nodes()).isEmpty();
    PodDeltaTracker.Result r =
        t.apply(
            report(
                "n1", "e1", 3, T0.plusSeconds(30), pod("a", 1_000_200, 0, 0), pod("b", 7, 0, 0)));
    assertThat(r.newEpoch()).isFalse();
    assertThat(r.deltas()).extracting(PodDelta::joules).containsExactly(100.0, 7.0);
    assertThat(t.tracks("n1", "a")).isTrue();
  }

  @Test
  void aReportRecreatedWithANewEpochCountsFromZero() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 1_000_000, 0, 0)));
    t.warm();
    t.dropNodesExcept(Set.of());
    PodDeltaTracker.Result r =
        t.apply(report("n1", "e2", 1, T0.plusSeconds(30), pod("a", 40, 0, 0)));
    assertThat(r.newEpoch()).isTrue();
    assertThat(sum(r.deltas())).isEqualTo(40);
  }

  @Test
  void aRecreatedReportThatRepeatsTheLastSequenceIsADuplicateAndTheNodeIsKnownAgain() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 5, T0, pod("a", 500, 0, 0)));
    t.warm();
    t.dropNodesExcept(Set.of());
    assertThat(t.apply(report("n1", "e1", 5, T0, pod("a", 500, 0, 0))).duplicate()).isTrue();
    assertThat(t.tracks("n1", "a")).isTrue();
    assertThat(
            sum(t.apply(report("n1", "e1", 6, T0.plusSeconds(15), pod("a", 530, 0, 0))).deltas()))
        .isEqualTo(30);
  }

  @Test
  void aDroppedNodeIsForgottenAfterTheRetention() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 500, 0, 0)));
    t.warm();
    t.dropNodesExcept(Set.of());
    Instant later = T0.plus(PodDeltaTracker.DROPPED_NODE_RETENTION).plusSeconds(60);
    t.apply(report("n2", "x", 1, later, pod("b", 1, 0, 0)));
    t.dropNodesExcept(Set.of("n2"));
    assertThat(t.droppedNodes()).isZero();
    // Too late to tell: a node that comes back after that is a new node.
    assertThat(sum(t.apply(report("n1", "e1", 2, later, pod("a", 530, 0, 0))).deltas()))
        .isEqualTo(530);
  }

  @Test
  void aPodEntrySkippedOnceKeepsItsBaseAndIsNotChargedTwice() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 1_000_000, 0, 0)));
    assertThat(
            sum(
                t.apply(report("n1", "e1", 2, T0.plusSeconds(15), pod("a", 1_000_100, 0, 0)))
                    .deltas()))
        .isEqualTo(100);
    PodDeltaTracker.Result skipped =
        t.apply(withUnusable(report("n1", "e1", 3, T0.plusSeconds(30)), "a"));
    assertThat(skipped.deltas()).isEmpty(); // unknown this interval: nothing charged
    assertThat(t.tracks("n1", "a")).isTrue();
    assertThat(t.counters("n1", "a")).containsExactly(1_000_100, 0, 0);
    assertThat(
            sum(
                t.apply(report("n1", "e1", 4, T0.plusSeconds(45), pod("a", 1_000_205, 0, 0)))
                    .deltas()))
        .isEqualTo(105);
  }

  @Test
  void aPodUnusableInTheFirstReportAfterStartTakesItsNextCountersAsBase() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(withUnusable(report("n1", "e1", 1, T0, pod("b", 10, 0, 0)), "a"));
    t.warm();
    assertThat(t.counters("n1", "a")).isNull(); // no base known: no checkpoint from it
    assertThat(
            sum(
                t.apply(report("n1", "e1", 2, T0.plusSeconds(15), pod("a", 1_000_000, 0, 0)))
                    .deltas()))
        .isZero();
    assertThat(
            sum(
                t.apply(report("n1", "e1", 3, T0.plusSeconds(30), pod("a", 1_000_050, 0, 0)))
                    .deltas()))
        .isEqualTo(50);
  }

  @Test
  void aPodUnusableInTheFirstReportAfterStartStillContinuesFromItsCheckpoint() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.seed("a", new Checkpoint("n1", "e1", 100, 0, 0, 1, 1, Double.NaN, 1));
    t.apply(withUnusable(report("n1", "e1", 1, T0), "a"));
    t.warm();
    PodDelta d =
        t.apply(report("n1", "e1", 2, T0.plusSeconds(15), pod("a", 180, 0, 0))).deltas().get(0);
    assertThat(d.joules()).isEqualTo(80);
    assertThat(d.catchUp()).isTrue();
  }

  @Test
  void aPodLeftOutOfReportsIsNoNewsAndItsNextEntryCarriesEverythingSince() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 100, 0, 0), pod("b", 10, 0, 0)));
    double charged = 0;
    // An agent under a byte budget leaves a out of four reports.
    for (int i = 2; i <= 5; i++) {
      PodDeltaTracker.Result r =
          t.apply(report("n1", "e1", i, T0.plusSeconds(15L * (i - 1)), pod("b", 10 * i, 0, 0)));
      assertThat(r.deltas()).extracting(PodDelta::uid).containsExactly("b");
      assertThat(t.tracks("n1", "a")).isTrue();
    }
    List<PodDelta> d =
        t.apply(report("n1", "e1", 6, T0.plusSeconds(75), pod("a", 460, 0, 0), pod("b", 60, 0, 0)))
            .deltas();
    charged += d.get(0).joules();
    assertThat(charged).isEqualTo(360); // once, not its whole counter again
    assertThat(d.get(0).start()).isEqualTo(T0); // the delta covers the time since its last entry
    assertThat(d.get(1).start()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void aPodSilentLongerThanTheSilenceIsDropped() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 100, 0, 0), pod("b", 1, 0, 0)));
    t.apply(report("n1", "e1", 2, T0.plus(PodDeltaTracker.SILENCE), pod("b", 2, 0, 0)));
    assertThat(t.tracks("n1", "a")).isTrue();
    t.apply(
        report("n1", "e1", 3, T0.plus(PodDeltaTracker.SILENCE).plusSeconds(1), pod("b", 3, 0, 0)));
    assertThat(t.tracks("n1", "a")).isFalse();
  }

  @Test
  void aPodInTheFirstReportAfterALongOutageIsChargedOnce() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 100, 0, 0), pod("b", 1, 0, 0)));
    t.apply(report("n1", "e1", 2, T0.plusSeconds(300), pod("b", 2, 0, 0)));
    // The API server was out of reach for an hour; the agent's next write includes a.
    assertThat(
            sum(
                t.apply(report("n1", "e1", 3, T0.plusSeconds(3900), pod("a", 5000, 0, 0)))
                    .deltas()))
        .isEqualTo(4900);
  }

  @Test
  void anEndedPodRepeatedIsChargedOnceAndNoLongerTracked() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(report("n1", "e1", 1, T0, pod("a", 100, 0, 0)));
    assertThat(sum(t.apply(report("n1", "e1", 2, T0.plusSeconds(15), ended("a", 150))).deltas()))
        .isEqualTo(50);
    assertThat(t.running("n1", "a")).isFalse();
    assertThat(sum(t.apply(report("n1", "e1", 3, T0.plusSeconds(30), ended("a", 150))).deltas()))
        .isZero();
  }

  @Test
  void afterAnOperatorStartAPodLeftOutOfTheFirstReportIsJudgedAsAtFirstSight() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.seed("ckpt", new Checkpoint("n1", "e1", 500, 0, 0, 1, 1, Double.NaN, 1));
    Instant started = T0.plusSeconds(5);
    java.util.function.Function<PodCounters, Instant> startOf =
        p -> p.uid().equals("new") ? started : T0.minusSeconds(3600);
    // First report after the start carries only a: it is the base.
    assertThat(
            sum(
                t.apply(
                        partial(report("n1", "e1", 40, T0, pod("a", 1000, 0, 0))),
                        p -> false,
                        startOf)
                    .deltas()))
        .isZero();
    List<PodDelta> d =
        t.apply(
                report(
                    "n1",
                    "e1",
                    41,
                    T0.plusSeconds(60),
                    pod("a", 1100, 0, 0),
                    pod("old", 9000, 0, 0),
                    pod("new", 70, 0, 0),
                    pod("ckpt", 650, 0, 0)),
                p -> false,
                startOf)
            .deltas();
    assertThat(d).extracting(PodDelta::joules).containsExactly(100.0, 0.0, 70.0, 150.0);
    // old started before the start and has no checkpoint: its counters become its base.
    assertThat(
            sum(
                t.apply(
                        report("n1", "e1", 42, T0.plusSeconds(90), pod("old", 9040, 0, 0)),
                        p -> false,
                        startOf)
                    .deltas()))
        .isEqualTo(40);
  }

  @Test
  void longAfterAnOperatorStartAPodFirstSeenIsNew() {
    PodDeltaTracker t = new PodDeltaTracker();
    t.apply(partial(report("n1", "e1", 1, T0, pod("a", 1000, 0, 0))));
    t.apply(report("n1", "e1", 2, T0.plusSeconds(1200), pod("a", 1050, 0, 0)));
    Instant later = T0.plus(PodDeltaTracker.SILENCE).plusSeconds(60);
    assertThat(
            sum(
                t.apply(report("n1", "e1", 3, later, pod("a", 1100, 0, 0), pod("b", 70, 0, 0)))
                    .deltas()))
        .isEqualTo(120);
  }
}
