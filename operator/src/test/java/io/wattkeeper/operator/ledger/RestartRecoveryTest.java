package io.wattkeeper.operator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operator restarts against the pure ledger: what is durable is only what the operator wrote (the
 * budget status with its position, the pods' checkpoint annotations); a restart builds a fresh
 * ledger from those and the reports. Six pods of 100 W report every 15 s (one interval: 2.5 Wh for
 * all six). Budgets must end at the energy reported, never above it, and at most one report
 * interval of the affected pods below it; pods exactly.
 */
class RestartRecoveryTest {

  static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");
  static final int INTERVAL = 15;
  static final double WATTS = 100;
  static final double ONE_INTERVAL_WH = 6 * WATTS * INTERVAL / 3600.0;

  /** A small operator around a pure Ledger, with what it has written kept as "the cluster". */
  static final class Drill {
    final List<String> uids = List.of("a", "b", "c", "d", "e", "f");
    final Map<String, Double> counters = new HashMap<>();
    final Map<String, Checkpoint> annotations = new HashMap<>();
    final Map<String, Double> truthWh = new HashMap<>();
    EnergyBudgetStatus status;
    LedgerTest.FakeCluster cluster;
    Ledger.BudgetRef budget;
    Ledger ledger;
    String epoch = "e1";
    long seq;
    Instant t;

    boolean firstPass;
    final EnergyBudgetSpec spec;

    Drill(Instant start) {
      this(start, LedgerTest.spec(null, null, null, null));
    }

    Drill(Instant start, EnergyBudgetSpec spec) {
      this.spec = spec;
      t = start;
      uids.forEach(u -> counters.put(u, 0.0));
      uids.forEach(u -> truthWh.put(u, 0.0));
      restart();
      ledger.warm(); // the node is new to the ledger: everything it reports is new energy
    }

    /** A fresh process: memory gone; the cluster (status, annotations, reports) kept. */
    void restart() {
      cluster = new LedgerTest.FakeCluster();
      uids.forEach(u -> cluster.labels.put(u, Map.of()));
      budget = cluster.add("b", spec, status);
      ledger = new Ledger(1.0, 6, LedgerTest.table());
      annotations.forEach((uid, c) -> ledger.restorePod(uid, "ns", "pod-" + uid, c));
      firstPass = true;
    }

    /** The agent reports: every pod drew WATTS since the last report. */
    void report() {
      ReportSample r = nextReport();
      ledger.ingest(r, cluster);
      if (firstPass) {
        ledger.warm(); // as LedgerService does after its first pass
        firstPass = false;
      }
    }

    /** The agent reports while no operator runs: the report is overwritten by the next one. */
    void unseenReport() {
      nextReport();
    }

    private ReportSample nextReport() {
      t = t.plusSeconds(INTERVAL);
      seq++;
      List<PodCounters> pods = new ArrayList<>();
      for (String u : uids) {
        double j = counters.merge(u, WATTS * INTERVAL, Double::sum);
        truthWh.merge(u, WATTS * INTERVAL / 3600.0, Double::sum);
        pods.add(LedgerTest.p(u, j));
      }
      return new ReportSample("n1", epoch, seq, t, INTERVAL, true, true, true, pods);
    }

    /** The agent restarted and lost its counters: they start again from zero. */
    void agentRestart(String newEpoch) {
      epoch = newEpoch;
      seq = 0;
      uids.forEach(u -> counters.put(u, 0.0));
    }

    /** The status write of the reconciler: used (rounded as in status) and the position. */
    void writeStatus() {
      BudgetAccount acc = ledger.account(budget, t);
      UsageTotals u = acc.used();
      status =
          new EnergyBudgetStatus()
              .setPeriod(
                  new EnergyBudgetStatus.PeriodStatus()
                      .setStart(
                          acc.period().startZoned().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                      .setEnd(
                          acc.period().endZoned().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
              .setUsed(
                  new EnergyBudgetStatus.Used()
                      .setEnergyWh(BudgetMath.round(u.energyWh, 3))
                      .setCpuWh(BudgetMath.round(u.cpuWh, 3))
                      .setCo2eGrams(BudgetMath.round(u.co2eGrams, 3)))
              .setHistory(acc.history())
              .setLedger(ledger.position(acc, t));
    }

    /** The annotation pass: every pod's checkpoint is written. */
    void annotate() {
      for (PodAccount a : ledger.pods().values()) {
        Checkpoint c = ledger.checkpoint(a, t);
        if (c != null) {
          annotations.put(a.uid, c);
          ledger.checkpointWritten(a, c);
        }
      }
    }

    /** One reconcile pass: report, then status, then annotations (the reconciler's order). */
    void pass(boolean status, boolean annotations) {
      report();
      if (status) {
        writeStatus();
      }
      if (annotations) {
        annotate();
      }
    }

    double truth() {
      return truthWh.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double used() {
      return ledger.account(budget, t).used().energyWh;
    }

    double historyWh() {
      return ledger.account(budget, t).history().stream().mapToDouble(h -> h.getEnergyWh()).sum();
    }

    /** Runs {@code n} passes with a status write every 4th (60 s) and annotations every 4th. */
    void run(int n, int statusPhase, int annotationPhase) {
      for (int i = 0; i < n; i++) {
        long next = seq + 1;
        pass(next % 4 == statusPhase, next % 4 == annotationPhase);
      }
    }

    void assertWithinOneInterval() {
      assertWithin(0);
    }

    /** {@code podLossWh}: what each pod may lose (0: its totals are exact). */
    void assertWithin(double podLossWh) {
      double used = used() + historyWh();
      assertThat(used).isLessThanOrEqualTo(truth() + 1e-3);
      assertThat(truth() - used).isLessThanOrEqualTo(ONE_INTERVAL_WH + 1e-3);
      for (String u : uids) {
        double pod = ledger.pods().get(u).totals.energyWh;
        assertThat(pod).as("pod %s", u).isLessThanOrEqualTo(truthWh.get(u) + 1e-6);
        assertThat(truthWh.get(u) - pod).as("pod %s", u).isLessThanOrEqualTo(podLossWh + 1e-6);
      }
    }
  }

  @Test
  void restartRightAfterAStatusWriteWhoseCheckpointsCameJustAfterIt() {
    Drill d = new Drill(T0);
    d.run(20, 3, 3); // status, then annotations, in the same pass
    d.restart(); // dies right after that pass: the checkpoints are newer than the status
    d.run(6, 3, 3);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void restartRightAfterAStatusWriteWithCheckpointsFromBeforeIt() {
    Drill d = new Drill(T0);
    d.run(20, 3, 1); // annotations two passes before each status write
    d.restart();
    d.run(6, 3, 1);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void restartRightBeforeAStatusWrite() {
    Drill d = new Drill(T0);
    d.run(23, 0, 2); // the last status is three passes old, checkpoints one pass old
    d.pass(false, false); // this pass would have written the status; the operator dies first
    d.restart();
    d.run(6, 0, 2);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void severalRestartsInARowCountNothingTwice() {
    Drill d = new Drill(T0);
    for (int r = 0; r < 5; r++) {
      d.run(9, r % 4, (r + 2) % 4);
      d.restart();
    }
    d.run(6, 0, 0);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void aCheckpointStoredAfterMoreReportsCoversOnlyWhatItWasTakenWith() {
    Drill d = new Drill(T0);
    d.run(10, 3, 3);
    // The annotation pass takes the checkpoints, the write takes a while: two more reports are
    // charged meanwhile, then the writes land and a status is written.
    Map<PodAccount, Checkpoint> taken = new HashMap<>();
    d.ledger.pods().values().forEach(a -> taken.put(a, d.ledger.checkpoint(a, d.t)));
    d.report();
    d.report();
    taken.forEach(
        (a, c) -> {
          d.annotations.put(a.uid, c);
          d.ledger.checkpointWritten(a, c);
        });
    d.writeStatus();
    d.restart();
    d.run(3, 3, 3);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void aCheckpointOnItsWayWhileTheStatusIsWrittenIsNotCoveredByItEvenIfItLands() {
    Drill d = new Drill(T0);
    d.run(10, 3, 1);
    // Writes are asynchronous: the checkpoints are taken and sent, a report comes and the status
    // is written before they land; then they land and the operator dies.
    Map<PodAccount, Checkpoint> sent = new HashMap<>();
    d.ledger.pods().values().forEach(a -> sent.put(a, d.ledger.checkpoint(a, d.t)));
    d.report();
    d.writeStatus();
    assertThat(d.status.getLedger().getInFlight()).hasSize(6);
    sent.forEach(
        (a, c) -> {
          d.annotations.put(a.uid, c);
          d.ledger.checkpointWritten(a, c);
        });
    d.restart();
    d.run(3, 3, 1);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void aCheckpointWriteThatFailsWhileTheStatusIsWrittenChangesNothing() {
    Drill d = new Drill(T0);
    d.run(10, 3, 1);
    Map<PodAccount, Checkpoint> sent = new HashMap<>();
    d.ledger.pods().values().forEach(a -> sent.put(a, d.ledger.checkpoint(a, d.t)));
    d.report();
    d.writeStatus();
    sent.forEach((a, c) -> d.ledger.checkpointFailed(a, c));
    d.report();
    d.writeStatus();
    assertThat(d.status.getLedger().getInFlight()).isNull();
    d.restart();
    d.run(3, 3, 1);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void anOutageOfFiveMinutesLosesNothing() {
    Drill d = new Drill(T0);
    d.run(20, 3, 1);
    for (int i = 0; i < 20; i++) {
      d.unseenReport(); // five minutes without an operator
    }
    d.restart();
    d.run(1, 3, 1);
    d.assertWithinOneInterval();
    assertThat(d.used()).isCloseTo(d.truth(), within(1e-3));
  }

  @Test
  void restartDuringAPeriodRollover() {
    // Europe/Berlin month ends at 2026-09-30T22:00Z.
    Drill d = new Drill(Instant.parse("2026-09-30T21:55:00Z"));
    d.run(19, 3, 3); // up to 21:59:45, status and checkpoints written at 21:59:45
    d.restart();
    d.run(8, 3, 3); // the first report after the restart is in October
    assertThat(d.ledger.account(d.budget, d.t).history()).hasSize(1);
    d.assertWithinOneInterval();
    // Late energy is charged to the current period (a closed period is never reopened): the
    // history holds what September's status held, October the rest.
    assertThat(d.historyWh()).isCloseTo(19 * ONE_INTERVAL_WH, within(1e-3));
  }

  @Test
  void restartRightAfterAPeriodRolloverWithCheckpointsFromTheOldPeriod() {
    Drill d = new Drill(Instant.parse("2026-09-30T21:50:00Z"));
    d.run(36, 0, 0); // to 21:59:00, status and checkpoints at 21:59:00
    d.pass(false, false);
    d.pass(false, false);
    d.pass(false, false);
    d.pass(true, false); // 22:00:00, October: the status rolls over, no checkpoint since 21:59
    d.restart();
    d.run(6, 2, 2);
    d.assertWithinOneInterval();
  }

  @Test
  void restartAcrossAnAgentEpochChange() {
    Drill d = new Drill(T0);
    d.run(22, 3, 1); // status at 19, checkpoints at 21 (after it), one report at 22 after both
    d.restart();
    d.agentRestart("e2"); // the agent restarts during the outage: counters from zero
    d.run(6, 3, 1);
    // What the old epoch counted after the pods' checkpoints (the report at 22) is gone with the
    // agent's counters; the rest is exact. Pods and budget both lose that one interval, no more.
    double perPod = WATTS * INTERVAL / 3600.0;
    d.assertWithin(perPod);
    assertThat(d.truth() - d.used()).isCloseTo(ONE_INTERVAL_WH, within(1e-3));
  }

  @Test
  void restartOfARollingWindowRightBeforeAStatusWriteStaysWithinItsDocumentedBound() {
    // Rolling windows have no ledger position (docs/ledger.md): used is restored from status,
    // spread over the stored window, and the catch-up is not charged to them. Pods are exact.
    Drill d = new Drill(T0, LedgerTest.rollingHour());
    d.run(40, 3, 3); // status and checkpoints at seq 39; seq 40 is seen by no status
    assertThat(d.status.getLedger()).isNull();
    d.restart();
    d.run(4, 3, 3); // seq 41..44, status at 43
    double used = d.used();
    // Never above what was reported; below it by at most one status interval (4 reports) plus
    // one report interval, plus the part of the restored total spread onto the window's oldest
    // 75 s, which has aged out (an estimate: the pods really drew it in the last 10 minutes).
    double restoredAgedOut = 40 * ONE_INTERVAL_WH * 75 / 3600.0;
    assertThat(used).isLessThanOrEqualTo(d.truth() + 1e-3);
    assertThat(d.truth() - used).isLessThanOrEqualTo(5 * ONE_INTERVAL_WH + restoredAgedOut + 1e-3);
    // It did lose what fell between the last status write and the restart's first report.
    assertThat(d.truth() - used).isGreaterThan(ONE_INTERVAL_WH / 2);
    for (String u : d.uids) {
      assertThat(d.ledger.pods().get(u).totals.energyWh)
          .as("pod %s", u)
          .isCloseTo(d.truthWh.get(u), within(1e-6));
    }
  }
}
