package io.wattkeeper.operator.idle;

import static io.wattkeeper.operator.idle.SleepAnnotations.*;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.IdleStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.SleepingWorkload;
import io.wattkeeper.api.validation.BudgetPolicy.IdlePolicy;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.operator.events.KubeEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** One budget's idle scale-to-zero pass: wake what must wake, sleep what is idle, report. */
@ApplicationScoped
public class IdleController {

  private static final Logger LOG = Logger.getLogger(IdleController.class);

  private final Sleeper sleeper;
  private final WorkloadPods pods;
  private final PodSampleStore store;
  private final KubeEvents events;
  private final Clock clock;
  private final IdleDetector detector;
  // energySavedWh as last counted, and when, per budget (namespace/name).
  private final Map<String, Saving> savings = new ConcurrentHashMap<>();

  private record Saving(Instant countedAt, double totalWh) {}

  public IdleController(
      Sleeper sleeper,
      WorkloadPods pods,
      PodSampleStore store,
      KubeEvents events,
      Clock clock,
      IdleConfig config) {
    this.sleeper = sleeper;
    this.pods = pods;
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.detector = new IdleDetector(clock, config.gapIntervals());
  }

  public IdleDetector detector() {
    return detector;
  }

  /**
   * @param policy {@code null} when the budget has no idle section (everything it holds wakes)
   * @param failures collects per-workload API failures; the caller retries after writing status
   * @return the new {@code status.idle}, or {@code null} when there is nothing to show
   */
  public IdleStatus reconcile(
      EnergyBudget b,
      IdlePolicy policy,
      List<HasMetadata> workloads,
      List<RuntimeException> failures) {
    Instant now = clock.instant();
    if (policy != null) {
      store.require(policy.after());
    }
    String holder = idleHolder(b.getMetadata().getName());
    List<SleepingWorkload> sleeping = new ArrayList<>();
    for (HasMetadata w : workloads) {
      try {
        pass(b, policy, w, holder, sleeping, now);
      } catch (KubernetesClientException e) {
        // One workload's failure must not stall the others; the reconciler retries afterwards.
        LOG.warnf(
            "budget %s/%s: %s failed: %s",
            b.getMetadata().getNamespace(),
            b.getMetadata().getName(),
            Workloads.key(w),
            e.getMessage());
        if (asleep(Sleeper.annotations(w)) && holders(Sleeper.annotations(w)).contains(holder)) {
          sleeping.add(entry(w, Sleeper.annotations(w)));
        }
        failures.add(e);
      }
    }
    return status(b, sleeping, now);
  }

  private void pass(
      EnergyBudget b,
      IdlePolicy policy,
      HasMetadata w,
      String holder,
      List<SleepingWorkload> sleeping,
      Instant now) {
    Map<String, String> ann = Sleeper.annotations(w);
    boolean selected =
        policy != null
            && Selectors.matchesWorkload(policy.workloadSelector(), w.getMetadata().getLabels());
    if (asleep(ann) && holders(ann).contains(holder)) {
      if (sleeper.wokenExternally(w)) {
        sleeper.forget(w, now);
        String msg =
            "scaled up by someone else while asleep: recorded as a manual wake, not reversed";
        events.normal(w, "ManualWake", msg);
        events.normal(b, "ManualWake", Workloads.key(w) + " " + msg);
      } else if (!selected) {
        wake(
            b,
            w,
            holder,
            policy == null
                ? "the budget's idle section was removed"
                : "no longer selected by idle.workloadSelector");
      } else {
        sleeping.add(entry(w, ann));
      }
    } else if (selected && !asleep(ann) && Workloads.replicas(w) > 0) {
      maybeSleep(b, w, IdleThresholds.of(policy), holder, now);
    }
  }

  private void maybeSleep(
      EnergyBudget b, HasMetadata w, IdleThresholds t, String holder, Instant now) {
    IdleVerdict v = detector.evaluate(t, pods.view(w), store::samples);
    if (!v.idle()) {
      LOG.debugf(
          "%s/%s not idle: %s", w.getMetadata().getNamespace(), Workloads.key(w), v.reason());
      return;
    }
    Sleeper.Slept s = sleeper.sleep(w, holder, v.idleWatts(), now);
    if (s.changed()) {
      String msg =
          String.format(
              "idle since %s (%s); scaled from %d to 0 replicas via %s; wake with: kubectl annotate %s %s %s=now",
              v.quietSince(),
              v.reason(),
              s.previousReplicas(),
              s.via(),
              w.getKind().toLowerCase(java.util.Locale.ROOT),
              w.getMetadata().getName(),
              WAKE);
      events.normal(w, "Sleeping", msg);
      events.normal(b, "Sleeping", Workloads.key(w) + " " + msg);
    }
  }

  private void wake(EnergyBudget b, HasMetadata w, String holder, String why) {
    Sleeper.Woken r = sleeper.release(w, holder, false, clock.instant());
    if (r.changed()) {
      String msg = "woken (" + why + "): restored " + r.restoredReplicas() + " replicas";
      events.normal(w, "Woken", msg);
      events.normal(b, "Woken", Workloads.key(w) + " " + msg);
    }
  }

  /**
   * Honours the {@code wattkeeper.io/wake} annotation on workloads this budget holds asleep (wakes
   * at once, whoever else holds them) or selects (the annotation is just removed).
   *
   * @return the workloads handled, to leave alone for the rest of this pass
   */
  public java.util.Set<String> handleWakeRequests(
      EnergyBudget b,
      List<HasMetadata> workloads,
      java.util.function.Predicate<HasMetadata> selected) {
    String name = b.getMetadata().getName();
    java.util.Set<String> handled = new java.util.HashSet<>();
    for (HasMetadata w : workloads) {
      Map<String, String> ann = Sleeper.annotations(w);
      if (!ann.containsKey(WAKE)) {
        continue;
      }
      java.util.Set<String> holders = holders(ann);
      boolean mine = holders.contains(idleHolder(name)) || holders.contains(enforceHolder(name));
      if (asleep(ann) && mine) {
        Sleeper.Woken r = sleeper.release(w, idleHolder(name), true, clock.instant());
        if (r.changed()) {
          String msg =
              "woken by annotation " + WAKE + ": restored " + r.restoredReplicas() + " replicas";
          events.normal(w, "Woken", msg);
          events.normal(b, "Woken", Workloads.key(w) + " " + msg);
        }
        handled.add(Workloads.key(w));
      } else if (!asleep(ann) && selected.test(w)) {
        sleeper.release(w, idleHolder(name), false, clock.instant());
        handled.add(Workloads.key(w));
      }
    }
    return handled;
  }

  /** Wakes every workload this budget holds asleep (budget deleted). */
  public void releaseAll(EnergyBudget b, List<HasMetadata> workloads, String why) {
    String holder = idleHolder(b.getMetadata().getName());
    for (HasMetadata w : workloads) {
      if (holders(Sleeper.annotations(w)).contains(holder)) {
        wake(b, w, holder, why);
      }
    }
    savings.remove(key(b));
  }

  private IdleStatus status(EnergyBudget b, List<SleepingWorkload> sleeping, Instant now) {
    IdleStatus prev = b.getStatus() == null ? null : b.getStatus().getIdle();
    double stored = prev == null || prev.getEnergySavedWh() == null ? 0 : prev.getEnergySavedWh();
    Saving last = savings.get(key(b));
    // The cache may lag behind our own last status write: never count from a stale total.
    double saved = last == null ? stored : Math.max(stored, last.totalWh());
    // After a restart the last count is unknown: count from now (the estimate stays a lower bound).
    if (last != null) {
      Instant from = last.countedAt();
      for (SleepingWorkload s : sleeping) {
        Instant since = parse(s.getSince());
        if (s.getIdleWatts() != null && since != null) {
          Instant start = since.isAfter(from) ? since : from;
          if (now.isAfter(start)) {
            saved += s.getIdleWatts() * Duration.between(start, now).toMillis() / 3_600_000.0;
          }
        }
      }
    }
    savings.put(key(b), new Saving(now, saved));
    if (sleeping.isEmpty() && saved == 0) {
      return null;
    }
    sleeping.sort(
        Comparator.comparing(SleepingWorkload::getKind).thenComparing(SleepingWorkload::getName));
    return new IdleStatus()
        .setSleeping(sleeping)
        .setEnergySavedWh(Math.round(saved * 1000) / 1000.0);
  }

  static SleepingWorkload entry(HasMetadata w, Map<String, String> ann) {
    Double watts = null;
    try {
      watts = ann.containsKey(IDLE_WATTS) ? Double.valueOf(ann.get(IDLE_WATTS)) : null;
    } catch (NumberFormatException e) {
      LOG.warnf(
          "%s has an unreadable %s=%s; its saving is not estimated",
          Workloads.key(w), IDLE_WATTS, ann.get(IDLE_WATTS));
    }
    return new SleepingWorkload()
        .setKind(w.getKind())
        .setName(w.getMetadata().getName())
        .setSince(ann.get(ASLEEP_SINCE))
        .setPreviousReplicas(Sleeper.previousReplicas(ann))
        .setIdleWatts(watts)
        .setVia(ann.get(VIA));
  }

  private static Instant parse(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String key(EnergyBudget b) {
    return io.wattkeeper.operator.ledger.ClusterView.key(b);
  }
}
