package io.wattkeeper.operator.idle;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.operator.idle.IdleVerdict.State;
import io.wattkeeper.operator.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleDetectorTest {

  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final Duration I = Duration.ofSeconds(30);
  static final IdleThresholds T =
      new IdleThresholds(Duration.ofMinutes(5), 5, 0.05, 1024, Duration.ofMinutes(10), null);

  final MutableClock clock = new MutableClock(T0);
  final IdleDetector detector = new IdleDetector(clock, 2.5);
  final Map<String, List<PodSample>> samples = new HashMap<>();

  static PodSample quiet(Instant at) {
    return new PodSample(at, I, 0.01, 0.0, 10.0, 50.0);
  }

  static PodSample busy(Instant at) {
    return new PodSample(at, I, 0.01, 40.0, 10.0, 250.0);
  }

  void add(String pod, PodSample s) {
    samples.computeIfAbsent(pod, k -> new ArrayList<>()).add(s);
  }

  WorkloadView view(WorkloadView.Pod... pods) {
    return new WorkloadView("Deployment", "llm", pods.length, false, List.of(pods), null);
  }

  IdleVerdict eval(WorkloadView v) {
    return detector.evaluate(T, v, uid -> samples.getOrDefault(uid, List.of()));
  }

  /** Samples every interval from T0 for n intervals; busy up to and including busyUntil. */
  void script(String pod, int n, int busyUntil) {
    for (int i = 0; i <= n; i++) {
      Instant at = T0.plus(I.multipliedBy(i));
      add(pod, i <= busyUntil ? busy(at) : quiet(at));
    }
  }

  @Test
  void idleExactlyAfterTheConfiguredTimeSinceTheLastActiveSample() {
    script("a", 12, 2);
    Instant lastActive = T0.plus(I.multipliedBy(2));
    clock.set(lastActive.plus(Duration.ofMinutes(5)).minusSeconds(1));
    assertThat(eval(view(new WorkloadView.Pod("a", "a", true))).state()).isEqualTo(State.ACTIVE);
    clock.set(lastActive.plus(Duration.ofMinutes(5)));
    IdleVerdict v = eval(view(new WorkloadView.Pod("a", "a", true)));
    assertThat(v.state()).isEqualTo(State.IDLE);
    assertThat(v.quietSince()).isEqualTo(lastActive);
    assertThat(v.idleWatts()).isEqualTo(50.0);
  }

  @Test
  void everyPodMustBeQuietAndIdlePowerIsSummed() {
    script("a", 20, 0);
    script("b", 20, 10);
    clock.set(T0.plus(I.multipliedBy(20)));
    IdleVerdict v =
        eval(view(new WorkloadView.Pod("a", "a", true), new WorkloadView.Pod("b", "b", true)));
    assertThat(v.state()).isEqualTo(State.IDLE);
    assertThat(v.quietSince()).isEqualTo(T0.plus(I.multipliedBy(10)));
    assertThat(v.idleWatts()).isEqualTo(100.0);
    samples.get("b").add(busy(T0.plus(I.multipliedBy(21))));
    clock.set(T0.plus(I.multipliedBy(21)));
    assertThat(
            eval(view(new WorkloadView.Pod("a", "a", true), new WorkloadView.Pod("b", "b", true)))
                .state())
        .isEqualTo(State.ACTIVE);
  }

  @Test
  void eachSignalAboveItsThresholdIsActivity() {
    for (PodSample s :
        List.of(
            new PodSample(T0, I, 0.5, 0.0, 10.0, 50.0),
            new PodSample(T0, I, 0.01, 6.0, 10.0, 50.0),
            new PodSample(T0, I, 0.01, 0.0, 5000.0, 50.0))) {
      assertThat(s.quiet(T)).isFalse();
    }
    assertThat(quiet(T0).quiet(T)).isTrue();
  }

  @Test
  void unknownIsNotIdle() {
    WorkloadView.Pod a = new WorkloadView.Pod("a", "a", true);
    clock.set(T0.plus(Duration.ofHours(1)));
    assertThat(eval(view(a)).state()).isEqualTo(State.UNKNOWN);

    // A signal missing from the samples: never quiet.
    for (int i = 0; i <= 20; i++) {
      add("a", new PodSample(T0.plus(I.multipliedBy(i)), I, 0.01, null, 10.0, 50.0));
    }
    clock.set(T0.plus(I.multipliedBy(20)));
    assertThat(eval(view(a)).state()).isEqualTo(State.ACTIVE);

    // Stale: the last report is older than 2.5 intervals.
    samples.clear();
    script("a", 20, 0);
    clock.set(T0.plus(I.multipliedBy(23)));
    assertThat(eval(view(a)).state()).isEqualTo(State.UNKNOWN);
  }

  @Test
  void aGapInTheReportsRestartsTheQuietRun() {
    for (int i = 0; i <= 20; i++) {
      if (i < 8 || i > 12) {
        add("a", quiet(T0.plus(I.multipliedBy(i))));
      }
    }
    clock.set(T0.plus(I.multipliedBy(20)));
    IdleVerdict v = eval(view(new WorkloadView.Pod("a", "a", true)));
    assertThat(v.quietSince()).isEqualTo(T0.plus(I.multipliedBy(13)));
    assertThat(v.state()).isEqualTo(State.ACTIVE);
  }

  @Test
  void notIdleWhileUnreadyRollingOutInCooldownOrWithoutPods() {
    script("a", 40, 0);
    clock.set(T0.plus(I.multipliedBy(40)));
    assertThat(eval(view(new WorkloadView.Pod("a", "a", false))).state())
        .isEqualTo(State.NOT_READY);
    List<WorkloadView.Pod> pods = List.of(new WorkloadView.Pod("a", "a", true));
    assertThat(
            detector
                .evaluate(
                    T,
                    new WorkloadView("Deployment", "d", 1, true, pods, null),
                    u -> samples.get(u))
                .state())
        .isEqualTo(State.ROLLOUT);
    assertThat(
            detector
                .evaluate(
                    T,
                    new WorkloadView(
                        "Deployment", "d", 1, false, pods, clock.instant().minusSeconds(60)),
                    u -> samples.get(u))
                .state())
        .isEqualTo(State.COOLDOWN);
    assertThat(
            detector
                .evaluate(
                    T,
                    new WorkloadView(
                        "Deployment", "d", 1, false, pods, clock.instant().minusSeconds(601)),
                    u -> samples.get(u))
                .state())
        .isEqualTo(State.IDLE);
    assertThat(
            detector
                .evaluate(
                    T,
                    new WorkloadView("Deployment", "d", 2, false, List.of(), null),
                    u -> samples.get(u))
                .state())
        .isEqualTo(State.UNKNOWN);
  }

  @Test
  void unknownPowerLeavesTheEstimateUnknown() {
    for (int i = 0; i <= 20; i++) {
      add("a", new PodSample(T0.plus(I.multipliedBy(i)), I, 0.01, 0.0, 10.0, null));
    }
    clock.set(T0.plus(I.multipliedBy(20)));
    IdleVerdict v = eval(view(new WorkloadView.Pod("a", "a", true)));
    assertThat(v.state()).isEqualTo(State.IDLE);
    assertThat(v.idleWatts()).isNull();
  }

  @Test
  void aPodLeftOutUnderAByteBudgetStaysKnownForTheOmissionTheAgentStates() {
    Duration omit = Duration.ofMinutes(10);
    add("a", new PodSample(T0, I, 0.5, 0.0, 10.0, 50.0, omit, null, null)); // active
    // Left out for four minutes, then an entry whose window covers those minutes, quiet.
    Instant next = T0.plusSeconds(240);
    add("a", new PodSample(next, Duration.ofSeconds(240), 0.01, 0.0, 10.0, 50.0, omit, null, null));
    WorkloadView v = view(new WorkloadView.Pod("a", "a", true));
    clock.set(T0.plusSeconds(299));
    assertThat(eval(v).state()).isEqualTo(State.ACTIVE); // quiet since T0, not yet 5 min
    clock.set(T0.plus(Duration.ofMinutes(9)));
    assertThat(eval(v).state()).isEqualTo(State.IDLE); // no news for 5 min: unchanged
    clock.set(next.plus(omit).plusSeconds(1));
    assertThat(eval(v).state()).isEqualTo(State.UNKNOWN); // silent beyond what the agent allows
    // Without a stated omission, the same gap is unknown.
    samples.clear();
    add("a", new PodSample(next, I, 0.01, 0.0, 10.0, 50.0));
    clock.set(next.plusSeconds(300));
    assertThat(eval(v).state()).isEqualTo(State.UNKNOWN);
  }

  @Test
  void withTheRequestSignalOnTheServersRequestRateDecides() {
    IdleThresholds withRequests =
        new IdleThresholds(Duration.ofMinutes(5), 5, 0.05, 1024, Duration.ofMinutes(10), 0.1);
    // A background thread keeps a core busy, but the server finishes no requests.
    SampleHistory busyCpu = new SampleHistory();
    SampleHistory serving = new SampleHistory();
    for (int i = 0; i <= 12; i++) {
      Instant at = T0.plus(I.multipliedBy(i));
      busyCpu.add(new PodSample(at, I, 1.0, 0.0, 10.0, 50.0, null, 500.0, null));
      // Quiet by CPU, GPU and network, but it serves one request every 3 s.
      serving.add(new PodSample(at, I, 0.01, 0.0, 10.0, 50.0, null, 10.0 * i, null));
    }
    samples.put("a", busyCpu.snapshot());
    samples.put("b", serving.snapshot());
    clock.set(T0.plus(I.multipliedBy(12)));
    WorkloadView a = view(new WorkloadView.Pod("a", "a", true));
    WorkloadView b = view(new WorkloadView.Pod("b", "b", true));
    assertThat(detector.evaluate(withRequests, a, uid -> samples.get(uid)).state())
        .isEqualTo(State.IDLE);
    assertThat(detector.evaluate(T, a, uid -> samples.get(uid)).state())
        .isEqualTo(State.ACTIVE); // without the flag the busy core counts
    assertThat(detector.evaluate(withRequests, b, uid -> samples.get(uid)).state())
        .isEqualTo(State.ACTIVE);
    assertThat(detector.evaluate(T, b, uid -> samples.get(uid)).state()).isEqualTo(State.IDLE);
    // A counter that went back (server restart) is an unknown rate: the other signals decide.
    PodSample restarted =
        new PodSample(T0.plus(I.multipliedBy(13)), I, 0.01, 0.0, 10.0, 50.0, null, 1.0, null);
    assertThat(SampleHistory.rate(serving.snapshot().get(12), restarted)).isNull();
    assertThat(SampleHistory.rate(serving.snapshot().get(11), serving.snapshot().get(12)))
        .isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
  }
}
