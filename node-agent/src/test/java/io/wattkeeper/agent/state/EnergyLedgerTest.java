package io.wattkeeper.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.attribution.Shares;
import io.wattkeeper.agent.testing.HostFixture;
import io.wattkeeper.agent.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnergyLedgerTest {
  @TempDir Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  static IntervalAttribution interval(double a, double b, double system) {
    return new IntervalAttribution(
        Map.of("a", new Shares(a, 1, 2, 0), "b", new Shares(b, 0, 0, 0)),
        new Shares(system, 0.5, 0, 0),
        Map.of("GPU-1", 2.0));
  }

  @Test
  void accumulatesPodsNodeAndSystem() {
    EnergyLedger l = EnergyLedger.newEpoch(clock, "node-a");
    l.add(interval(10, 5, 3), Set.of("a", "b"));
    l.add(interval(1, 1, 1), Set.of("a", "b"));
    assertThat(l.pod("a").cpuJoules).isEqualTo(11);
    assertThat(l.pod("a").gpuJoules).isEqualTo(4);
    assertThat(l.state().nodeCpuJoules).isEqualTo(21);
    assertThat(l.state().systemCpuJoules).isEqualTo(4);
    assertThat(l.state().nodeMemoryJoules).isEqualTo(3);
    assertThat(l.gpuJoules()).containsEntry("GPU-1", 4.0);
  }

  @Test
  void aPodThatEndedWhileTheReportWasOnItsWayIsNotCounted() {
    EnergyLedger l = EnergyLedger.newEpoch(clock, "node-a");
    l.add(interval(10, 5, 3), Set.of("a", "b"));
    l.add(
        new IntervalAttribution(Map.of("a", new Shares(1, 0, 0, 0)), Shares.ZERO, Map.of()),
        Set.of("a"));
    assertThat(l.pod("b").ended()).isTrue();
    // The report written had b still running: its final counters have not gone out yet.
    assertThat(l.reported(Set.of())).isEmpty();
    assertThat(l.reported(Set.of("b"))).isEmpty();
    assertThat(l.pod("b")).isNotNull();
    assertThat(l.reported(Set.of("b"))).containsExactly("b");
    assertThat(l.sequence()).isEqualTo(3);
  }

  @Test
  void endedPodsStayUntilReportedTwice() {
    EnergyLedger l = EnergyLedger.newEpoch(clock, "node-a");
    l.add(interval(10, 5, 3), Set.of("a", "b"));
    l.add(
        new IntervalAttribution(Map.of("a", new Shares(1, 0, 0, 0)), Shares.ZERO, Map.of()),
        Set.of("a"));
    assertThat(l.pod("b").ended()).isTrue();
    assertThat(l.pod("b").cpuJoules).isEqualTo(5);
    assertThat(l.reported()).isEmpty();
    assertThat(l.pod("b")).isNotNull();
    assertThat(l.reported()).containsExactly("b");
    assertThat(l.pod("b")).isNull();
    assertThat(l.pod("a")).isNotNull();
    assertThat(l.sequence()).isEqualTo(2);
  }

  @Test
  void aPodSeenAgainIsNotEnded() {
    EnergyLedger l = EnergyLedger.newEpoch(clock, "n");
    l.add(interval(1, 1, 1), Set.of("a", "b"));
    l.add(new IntervalAttribution(Map.of(), Shares.ZERO, Map.of()), Set.of("a"));
    assertThat(l.pod("b").ended()).isTrue();
    l.add(interval(1, 1, 1), Set.of("a", "b"));
    assertThat(l.pod("b").ended()).isFalse();
  }

  @Test
  void countersSurviveARestart() throws IOException {
    StateStore store = new StateStore(tmp, "node-a", clock);
    EnergyLedger first = store.load("node-a").ledger();
    first.add(interval(10, 5, 3), Set.of("a", "b"));
    first.name("a", "ml", "infer-0");
    first.reported();
    store.save(first);

    clock.advance(Duration.ofMinutes(5));
    StateStore.Loaded again = new StateStore(tmp, "node-a", clock).load("node-a");
    assertThat(again.warning()).isNull();
    EnergyLedger second = again.ledger();
    assertThat(second.counterEpoch()).isEqualTo(first.counterEpoch());
    assertThat(second.sequence()).isEqualTo(1);
    assertThat(second.pod("a").cpuJoules).isEqualTo(10);
    assertThat(second.pod("a").name).isEqualTo("infer-0");
    assertThat(second.gpuJoules()).containsEntry("GPU-1", 2.0);
    second.add(interval(1, 0, 0), Set.of("a", "b"));
    assertThat(second.pod("a").cpuJoules).isCloseTo(11, within(1e-9));
    assertThat(Files.list(tmp))
        .extracting(p -> p.getFileName().toString())
        .containsExactly("ledger-node-a.json");
  }

  @Test
  void aStateFileWrittenByJacksonStillLoadsAndOursIsTheSameDocument() throws IOException {
    // Agents before this version wrote the file with Jackson's databind: nodes upgrading keep
    // their counters (same epoch) only if it still reads.
    StateStore store = new StateStore(tmp, "node-a", clock);
    EnergyLedger first = store.load("node-a").ledger();
    first.add(interval(10, 5, 3), Set.of("a", "b"));
    first.add(
        new IntervalAttribution(Map.of("a", new Shares(1, 0, 0, 0)), Shares.ZERO, Map.of()),
        Set.of("a"));
    first.name("a", "ml", "infer-0");
    first.reported();
    com.fasterxml.jackson.databind.ObjectMapper jackson =
        new com.fasterxml.jackson.databind.ObjectMapper();
    byte[] old = jackson.writeValueAsBytes(first.snapshot());
    Files.write(store.file(), old);

    EnergyLedger second = new StateStore(tmp, "node-a", clock).load("node-a").ledger();
    assertThat(second.counterEpoch()).isEqualTo(first.counterEpoch());
    assertThat(second.sequence()).isEqualTo(1);
    assertThat(second.pod("a").name).isEqualTo("infer-0");
    assertThat(second.pod("b").ended()).isTrue();
    assertThat(second.pod("b").reportsSinceEnded).isEqualTo(1);
    assertThat(second.gpuJoules()).containsEntry("GPU-1", 2.0);
    store.save(second);
    // The same document, but for the null members Jackson writes and we leave out.
    assertThat(io.wattkeeper.agent.json.Json.parse(Files.readAllBytes(store.file())))
        .isEqualTo(withoutNulls(io.wattkeeper.agent.json.Json.parse(old)));
  }

  static Object withoutNulls(Object json) {
    if (json instanceof Map<?, ?> m) {
      Map<Object, Object> out = new java.util.LinkedHashMap<>();
      m.forEach(
          (k, v) -> {
            if (v != null) {
              out.put(k, withoutNulls(v));
            }
          });
      return out;
    }
    if (json instanceof java.util.List<?> l) {
      return l.stream().map(EnergyLedgerTest::withoutNulls).toList();
    }
    return json;
  }

  @Test
  void gpuCapsInForceSurviveARestart() throws IOException {
    StateStore store = new StateStore(tmp, "node-a", clock);
    EnergyLedger first = store.load("node-a").ledger();
    first.recordCaps(Map.of("GPU-1", 150.0));
    store.save(first);
    EnergyLedger second = new StateStore(tmp, "node-a", clock).load("node-a").ledger();
    assertThat(second.recordedCaps()).containsExactly(Map.entry("GPU-1", 150.0));
    second.recordCaps(Map.of());
    store.save(second);
    assertThat(new StateStore(tmp, "node-a", clock).load("node-a").ledger().recordedCaps())
        .isEmpty();
  }

  @Test
  void lostStateStartsANewEpoch() throws IOException {
    StateStore store = new StateStore(tmp, "node-a", clock);
    EnergyLedger first = store.load("node-a").ledger();
    store.save(first);
    Files.delete(store.file());
    clock.advance(Duration.ofSeconds(1));
    StateStore.Loaded fresh = store.load("node-a");
    assertThat(fresh.warning()).isNull();
    assertThat(fresh.ledger().counterEpoch()).isNotEqualTo(first.counterEpoch());
    assertThat(fresh.ledger().sequence()).isZero();
  }

  @Test
  void corruptOrForeignStateStartsANewEpochWithAWarning() {
    StateStore store = new StateStore(tmp, "node-a", clock);
    HostFixture.write(store.file(), "{\"counterEpoch\": [garbage");
    StateStore.Loaded corrupt = store.load("node-a");
    assertThat(corrupt.warning()).contains("unreadable").contains("new counter epoch");
    HostFixture.write(store.file(), "{\"counterEpoch\":\"e1\",\"nodeName\":\"node-b\"}");
    assertThat(store.load("node-a").warning()).contains("another node");
    HostFixture.makeUnreadable(store.file());
    assertThat(store.load("node-a").warning()).contains("unreadable");
  }
}
