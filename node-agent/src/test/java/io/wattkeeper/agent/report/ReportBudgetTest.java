package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.agent.json.Json;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportBudgetTest {

  static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  static final Duration TEN_MIN = Duration.ofMinutes(10);
  static final Duration MIN_GAP = Duration.ofSeconds(60);
  static final Duration INTERVAL = Duration.ofSeconds(30);

  /** A node of {@code n} pods; pod i draws (i + 1) W, pod 0 far more when {@code hot}. */
  static final class Node {
    final int n;
    final double[] joules;
    final double[] watts;
    boolean ended0;

    Node(int n) {
      this.n = n;
      this.joules = new double[n];
      this.watts = new double[n];
      for (int i = 0; i < n; i++) {
        watts[i] = i + 1;
      }
    }

    void run(Duration d) {
      for (int i = 0; i < n; i++) {
        joules[i] += watts[i] * d.toSeconds();
      }
    }

    NodeEnergyReportStatus status(Instant now) {
      List<PodEnergy> pods = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pods.add(
            new PodEnergy()
                .setUid("uid-" + i)
                .setNamespace("ns")
                .setName(String.format("pod-%03d", i))
                .setCpuJoules(joules[i])
                .setMemoryJoules(0.0)
                .setGpuJoules(0.0)
                .setCpuWatts(watts[i])
                .setMemoryWatts(0.0)
                .setGpuWatts(0.0)
                .setCpuCores(watts[i] / 10)
                .setGpuUtilizationPercent(0.0)
                .setNetworkReceiveBytesPerSecond(100.0)
                .setEstimated(true)
                .setEnded(i == 0 && ended0 ? true : null));
      }
      NodeEnergyReportStatus s = new NodeEnergyReportStatus();
      s.setTimestamp(now.toString());
      s.setIntervalSeconds(30);
      s.setAgent(new NodeEnergyReportStatus.Agent().setCounterEpoch("e").setSequence(1L));
      s.setNode(new NodeEnergyReportStatus.NodeTotals().setCpuJoules(1.0).setTotalWatts(1.0));
      s.setPods(pods);
      return s;
    }
  }

  /**
   * Runs a node for {@code ticks} report intervals; returns bytes written and the operator view.
   */
  record Run(
      long bytes,
      int writes,
      Map<String, Double> charged,
      Map<String, Instant> lastSeen,
      Map<Instant, Integer> writeBytes) {}

  static Run run(ReportBudget b, Node node, int ticks) {
    long bytes = 0;
    int writes = 0;
    Map<String, Double> charged = new HashMap<>(); // what a consumer of the writes has seen
    Map<String, Instant> lastSeen = new HashMap<>();
    Map<Instant, Integer> writeBytes = new java.util.TreeMap<>();
    Instant now = T0;
    for (int t = 0; t < ticks; t++) {
      now = T0.plus(INTERVAL.multipliedBy(t));
      if (t > 0) {
        node.run(INTERVAL);
      }
      Optional<ReportBudget.Selection> sel = b.select(node.status(now), now);
      if (sel.isPresent()) {
        ReportBudget.Selection s = sel.get();
        int size = Json.write(s.status()).length + ReportBudget.OBJECT_BYTES;
        assertThat(s.bytes()).isEqualTo(size);
        assertThat(size).isLessThan(256 * 1024);
        bytes += size;
        writes++;
        writeBytes.put(now, size);
        for (PodEnergy p : s.status().getPods()) {
          charged.put(p.getUid(), p.getCpuJoules());
          Instant prev = lastSeen.put(p.getUid(), now);
          if (prev != null) {
            assertThat(Duration.between(prev, now)).isLessThanOrEqualTo(TEN_MIN);
            assertThat(p.getWindowSeconds())
                .isEqualTo((int) Duration.between(prev, now).toSeconds());
          }
        }
        b.written(s, now);
      }
    }
    return new Run(bytes, writes, charged, lastSeen, writeBytes);
  }

  @Test
  void everyPodEveryReportWhenTheBudgetAllows() {
    Node node = new Node(3);
    ReportBudget b = new ReportBudget(10_000, TEN_MIN, MIN_GAP);
    Run r = run(b, node, 20);
    assertThat(r.writes()).isEqualTo(20);
  }

  @Test
  void thirtyPodsAtFortyBytesPerSecondStayWithinTheBudgetAndEveryPodIsWrittenEveryTenMinutes() {
    Node node = new Node(30);
    ReportBudget b = new ReportBudget(40, TEN_MIN, MIN_GAP);
    int ticks = 2 * 60 * 2; // two hours
    Run r = run(b, node, ticks);
    double seconds = INTERVAL.toSeconds() * (ticks - 1);
    // Second hour alone: the bucket's start-up reserve is spent by then.
    Instant hour = T0.plus(Duration.ofHours(1));
    long secondHourBytes = 0;
    int secondHourWrites = 0;
    for (Map.Entry<Instant, Integer> w : r.writeBytes().entrySet()) {
      if (w.getKey().isAfter(hour)) {
        secondHourBytes += w.getValue();
        secondHourWrites++;
      }
    }
    System.out.printf(
        "report budget, 30 pods at 40 B/s for 2 h: %.1f B/s, %d writes (%.1f s apart);"
            + " second hour: %.1f B/s, %d writes%n",
        r.bytes() / seconds,
        r.writes(),
        seconds / r.writes(),
        secondHourBytes / 3600.0,
        secondHourWrites);
    assertThat(secondHourBytes / 3600.0).isLessThanOrEqualTo(40.0);
    assertThat(secondHourWrites).isLessThanOrEqualTo(60);
    // The bucket starts full (600 s of refill): over two hours the average stays near 40 B/s.
    assertThat(r.bytes()).isLessThanOrEqualTo((long) (40 * seconds + 40 * 600));
    assertThat(r.bytes() / seconds).isLessThan(44);
    // One write per 60 s while the budget binds; the full bucket at the start pays for a few
    // minutes of writes every 30 s.
    assertThat((double) r.writes()).isLessThanOrEqualTo(seconds / 60 + 10);
    // Nothing lost: the last entry of every pod carries its cumulative counter, and every pod was
    // written within the last ten minutes.
    Instant end = T0.plus(INTERVAL.multipliedBy(ticks - 1));
    for (int i = 0; i < 30; i++) {
      assertThat(r.lastSeen().get("uid-" + i)).isAfterOrEqualTo(end.minus(TEN_MIN));
    }
  }

  @Test
  void aPodWhosePowerJumpsIsInTheNextWrite() {
    Node node = new Node(30);
    ReportBudget b = new ReportBudget(40, TEN_MIN, MIN_GAP);
    run(b, node, 40);
    node.watts[5] = 60; // from 6 W
    Instant now = T0.plus(INTERVAL.multipliedBy(40));
    node.run(INTERVAL);
    ReportBudget.Selection s = b.select(node.status(now), now).orElseThrow();
    assertThat(s.status().getPods()).extracting(PodEnergy::getUid).contains("uid-5");
    assertThat(s.status().getOmitSeconds()).isEqualTo(600);
  }

  @Test
  void aPodWhoseCoresJumpWithoutAPowerChangeIsInTheNextWrite() {
    Node node = new Node(30);
    ReportBudget b = new ReportBudget(40, TEN_MIN, MIN_GAP);
    run(b, node, 40);
    Instant now = T0.plus(INTERVAL.multipliedBy(40));
    NodeEnergyReportStatus st = node.status(now);
    st.getPods().get(0).setCpuCores(2.0); // from 0.1, its watts unchanged
    ReportBudget.Selection s = b.select(st, now).orElseThrow();
    assertThat(s.status().getPods()).extracting(PodEnergy::getUid).contains("uid-0");
  }

  @Test
  void anEndedPodIsWrittenAtOnceWithItsFinalCounters() {
    Node node = new Node(30);
    ReportBudget b = new ReportBudget(40, TEN_MIN, MIN_GAP);
    run(b, node, 40);
    node.ended0 = true;
    Instant now = T0.plus(INTERVAL.multipliedBy(40));
    ReportBudget.Selection s = b.select(node.status(now), now).orElseThrow();
    assertThat(s.status().getPods())
        .filteredOn(p -> p.getUid().equals("uid-0"))
        .singleElement()
        .satisfies(p -> assertThat(p.getEnded()).isTrue());
  }

  @Test
  void anEntryLeftOutCarriesTheHighestActivitySeenMeanwhile() {
    Node node = new Node(30);
    ReportBudget b = new ReportBudget(40, TEN_MIN, MIN_GAP);
    run(b, node, 40); // the budget binds by now
    boolean burstSeen = false;
    PodEnergy entry = null;
    for (int k = 40; k < 80 && entry == null; k++) {
      Instant now = T0.plus(INTERVAL.multipliedBy(k));
      node.run(INTERVAL);
      NodeEnergyReportStatus st = node.status(now);
      if (!burstSeen) {
        // A small burst of cores at one report tick (0.1 -> 0.12: under the quarter that would
        // bring a write forward), its power unchanged (pod 0 draws least).
        st.getPods().get(0).setCpuCores(0.12);
      }
      Optional<ReportBudget.Selection> sel = b.select(st, now);
      PodEnergy mine =
          sel.map(x -> x.status().getPods().stream())
              .orElseGet(java.util.stream.Stream::empty)
              .filter(p -> p.getUid().equals("uid-0"))
              .findFirst()
              .orElse(null);
      if (burstSeen) {
        entry = mine;
      } else if (mine == null) {
        burstSeen = true; // the burst tick's entry was left out
      }
      sel.ifPresent(x -> b.written(x, now));
    }
    assertThat(burstSeen).isTrue();
    assertThat(entry).isNotNull();
    assertThat(entry.getCpuCores()).isEqualTo(0.12);
    assertThat(entry.getWindowSeconds()).isGreaterThan(30);
    assertThat(entry.getCpuWatts()).isEqualTo(1.0); // mean watts over the window
  }
}
