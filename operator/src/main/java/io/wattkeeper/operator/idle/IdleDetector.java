package io.wattkeeper.operator.idle;

import io.wattkeeper.operator.idle.IdleVerdict.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Decides whether a workload has been idle, on every pod, for {@code idle.after} without a break.
 * Pure: reads only its arguments and the clock.
 *
 * <p>A pod's quiet run starts at its last active sample (the activity happened at the latest then),
 * or at the first sample after a gap, or at its first sample at all. Unknown is not idle: a pod
 * with no samples, a stale latest sample, or a sample missing a signal breaks the run.
 */
public final class IdleDetector {

  private final Clock clock;
  private final double gapIntervals;

  public IdleDetector(Clock clock, double gapIntervals) {
    this.clock = clock;
    this.gapIntervals = gapIntervals;
  }

  public IdleVerdict evaluate(
      IdleThresholds t, WorkloadView w, Function<String, List<PodSample>> samplesByPodUid) {
    Instant now = clock.instant();
    if (w.rolloutInProgress()) {
      return IdleVerdict.of(State.ROLLOUT, "rollout in progress");
    }
    if (w.lastWake() != null && now.isBefore(w.lastWake().plus(t.cooldownAfterWake()))) {
      return IdleVerdict.of(
          State.COOLDOWN,
          "woken at " + w.lastWake() + "; cooldown " + t.cooldownAfterWake() + " not over");
    }
    if (w.pods().isEmpty()) {
      return IdleVerdict.of(
          State.UNKNOWN, "no pods found for " + w.replicas() + " desired replicas");
    }
    Instant quietSince = Instant.MIN;
    double watts = 0;
    boolean wattsKnown = true;
    for (WorkloadView.Pod pod : w.pods()) {
      if (!pod.ready()) {
        return IdleVerdict.of(State.NOT_READY, "pod " + pod.name() + " is not Ready");
      }
      List<PodSample> samples = samplesByPodUid.apply(pod.uid());
      if (samples.isEmpty()) {
        return IdleVerdict.of(State.UNKNOWN, "no report for pod " + pod.name());
      }
      PodSample latest = samples.get(samples.size() - 1);
      Duration age = Duration.between(latest.at(), now);
      // Under a byte budget the agent leaves a pod out while its power holds: no news is unchanged.
      Duration stale =
          latest.omit() != null && latest.omit().compareTo(maxGap(latest)) > 0
              ? latest.omit()
              : maxGap(latest);
      if (age.compareTo(stale) > 0) {
        return IdleVerdict.of(
            State.UNKNOWN,
            "last report for pod " + pod.name() + " is " + age.toSeconds() + "s old");
      }
      int start = runStart(samples, t);
      Instant podSince = samples.get(start).at();
      quietSince = podSince.isAfter(quietSince) ? podSince : quietSince;
      Double podWatts = meanWatts(samples, start, t);
      if (podWatts == null) {
        wattsKnown = false;
      } else {
        watts += podWatts;
      }
    }
    Duration quiet = Duration.between(quietSince, now);
    Double idleWatts = wattsKnown ? watts : null;
    if (quiet.compareTo(t.after()) >= 0) {
      return new IdleVerdict(
          State.IDLE, "idle for " + quiet.toSeconds() + "s", quietSince, idleWatts);
    }
    return new IdleVerdict(
        State.ACTIVE,
        "quiet for " + quiet.toSeconds() + "s of " + t.after().toSeconds() + "s",
        quietSince,
        idleWatts);
  }

  /** Index of the sample where the trailing quiet run begins. */
  private int runStart(List<PodSample> samples, IdleThresholds t) {
    int i = samples.size() - 1;
    while (i >= 0) {
      PodSample s = samples.get(i);
      if (!s.quiet(t)) {
        return i;
      }
      if (i > 0) {
        PodSample prev = samples.get(i - 1);
        if (Duration.between(prev.at(), s.at()).compareTo(maxGap(s)) > 0) {
          return i;
        }
      }
      i--;
    }
    return 0;
  }

  private static Double meanWatts(List<PodSample> samples, int start, IdleThresholds t) {
    double sum = 0;
    int n = 0;
    for (int i = start; i < samples.size(); i++) {
      PodSample s = samples.get(i);
      if (s.quiet(t) && s.watts() != null) {
        sum += s.watts();
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  private Duration maxGap(PodSample s) {
    return Duration.ofMillis((long) (s.interval().toMillis() * gapIntervals));
  }
}
