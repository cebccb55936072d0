package io.wattkeeper.operator.enforce;

import static io.wattkeeper.operator.idle.SleepAnnotations.enforceHolder;
import static io.wattkeeper.operator.idle.SleepAnnotations.holders;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.AffectedWorkload;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.EnforcementStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.Action;
import io.wattkeeper.api.validation.BudgetPolicy.EnforcementPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.Mode;
import io.wattkeeper.api.validation.Selectors;
import io.wattkeeper.operator.cache.PodCache;
import io.wattkeeper.operator.cache.SlimPod;
import io.wattkeeper.operator.events.KubeEvents;
import io.wattkeeper.operator.idle.IdleController;
import io.wattkeeper.operator.idle.IdleThresholds;
import io.wattkeeper.operator.idle.IdleVerdict;
import io.wattkeeper.operator.idle.PodSampleStore;
import io.wattkeeper.operator.idle.Sleeper;
import io.wattkeeper.operator.idle.WorkloadPods;
import io.wattkeeper.operator.idle.Workloads;
import io.wattkeeper.operator.ledger.ClusterView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One budget's enforcement pass. Applies the {@code onExceeded} actions while the ledger says
 * {@code Exceeded} (per mode), records each in {@code status.enforcement} with what undoing needs,
 * and undoes them all when the decision in {@link EnforcementDecision} says so.
 */
@ApplicationScoped
public class EnforcementController {

  private static final Logger LOG = Logger.getLogger(EnforcementController.class);
  static final String MANUAL_WAKE = "woken manually";

  private final Sleeper sleeper;
  private final GpuCapWriter gpuCaps;
  private final KubeEvents events;
  private final WorkloadPods pods;
  private final PodSampleStore store;
  private final IdleController idle;
  private final PodCache podCache;
  private final Clock clock;
  private final EnforceConfig config;
  private final ActionsStatusWriter statusWriter;
  private final Map<String, String> startedAt = new java.util.concurrent.ConcurrentHashMap<>();

  public EnforcementController(
      Sleeper sleeper,
      GpuCapWriter gpuCaps,
      KubeEvents events,
      WorkloadPods pods,
      PodSampleStore store,
      IdleController idle,
      PodCache podCache,
      Clock clock,
      EnforceConfig config,
      ActionsStatusWriter statusWriter) {
    this.sleeper = sleeper;
    this.gpuCaps = gpuCaps;
    this.events = events;
    this.pods = pods;
    this.store = store;
    this.idle = idle;
    this.podCache = podCache;
    this.clock = clock;
    this.config = config;
    this.statusWriter = statusWriter;
  }

  /**
   * @return the new {@code status.enforcement}, {@code null} when nothing is in force
   */
  public EnforcementStatus reconcile(
      EnergyBudget b,
      BudgetPolicy policy,
      List<HasMetadata> workloads,
      List<NodeEnergyReport> reports) {
    EnergyBudgetStatus st = b.getStatus();
    EnforcementStatus prev = st == null ? null : st.getEnforcement();
    EnforcementDecision.Verdict v =
        EnforcementDecision.decide(
            st == null ? null : st.getPhase(),
            st == null || st.getPeriod() == null ? null : st.getPeriod().getStart(),
            prev,
            policy.enforcement(),
            EnforcementDecision.limitsFingerprint(b.getSpec()),
            rolling(policy));
    return switch (v) {
      case APPLY -> apply(b, policy, workloads, reports, prev);
      case KEEP -> prev;
      case UNDO -> {
        // Clear the record first: the webhook stops denying before the woken workloads create
        // their pods. Undo itself needs no status (holder annotations, cap reasons).
        statusWriter.write(b, st.getIdle(), null);
        String why = EnforcementDecision.undoReason(st, prev, rolling(policy));
        undo(b, workloads, reports, why);
        events.normal(b, "BudgetActionsUndone", "all enforcement actions undone: " + why);
        st.setEnforcement(null);
        yield null;
      }
      case NONE -> {
        startedAt.remove(ClusterView.key(b));
        yield null;
      }
    };
  }

  private EnforcementStatus apply(
      EnergyBudget b,
      BudgetPolicy policy,
      List<HasMetadata> workloads,
      List<NodeEnergyReport> reports,
      EnforcementStatus prev) {
    EnforcementPolicy ep = policy.enforcement();
    Mode mode = config.enabled() ? ep.mode() : Mode.DryRun;
    Instant now = clock.instant();
    // The cache may not show our last status write yet; remember when enforcement began so a
    // stale read cannot move it (a later "since" would hide a period reset).
    String key = ClusterView.key(b);
    String since =
        prev != null && prev.getSince() != null
            ? startedAt.merge(key, prev.getSince(), (a, c) -> a)
            : startedAt.computeIfAbsent(key, k -> now.toString());
    String limits = EnforcementDecision.limitsFingerprint(b.getSpec());
    String message = BudgetMessage.exceeded(b);
    Map<String, AffectedWorkload> before = new HashMap<>();
    if (prev != null && prev.getAffected() != null) {
      prev.getAffected()
          .forEach(a -> before.put(a.getAction() + "|" + a.getKind() + "|" + a.getName(), a));
    }
    List<AffectedWorkload> affected = new ArrayList<>();
    List<String> active = new ArrayList<>();
    String suffix = mode == Mode.Enforce ? "" : "(" + mode + ")";
    String detail = "mode=" + mode + "; limits=" + limits;

    if (ep.onExceeded().contains(Action.ScaleToZero)) {
      active.add(Action.ScaleToZero + suffix);
      scaleToZero(b, policy, mode, workloads, before, affected, detail, message, now);
    } else {
      releaseHeld(b, workloads, "ScaleToZero is no longer an action of this budget");
    }
    if (ep.onExceeded().contains(Action.DenyNewPods)) {
      active.add(Action.DenyNewPods + suffix);
      AffectedWorkload a =
          new AffectedWorkload()
              .setKind("Namespace")
              .setName(b.getMetadata().getNamespace())
              .setAction(Action.DenyNewPods.name())
              .setDetail(detail);
      if (!before.containsKey(key(a)) && mode != Mode.DryRun) {
        events.warning(
            b,
            "DenyNewPods",
            (mode == Mode.Warn ? "would deny new pods (Warn): " : "denying new pods: ") + message);
      }
      affected.add(a);
    }
    String reason = ClusterView.key(b);
    if (ep.onExceeded().contains(Action.GpuPowerCap)) {
      active.add(Action.GpuPowerCap + suffix);
      List<GpuCapPlanner.Cap> caps =
          GpuCapPlanner.plan(
              b.getMetadata().getNamespace(),
              policy.selector(),
              ep.gpuCapPercent(),
              reports,
              this::podLabels);
      List<String> notes = mode == Mode.Enforce ? gpuCaps.apply(reason, caps, reports) : List.of();
      if (mode != Mode.Enforce) {
        gpuCaps.clear(reason, reports);
      }
      for (GpuCapPlanner.Cap c : caps) {
        String verb = mode == Mode.Enforce ? "capped at " : "would cap at ";
        String note =
            notes.stream()
                .filter(n -> n.contains(c.gpuUuid()))
                .findFirst()
                .map(n -> "; " + n)
                .orElse("");
        AffectedWorkload a =
            new AffectedWorkload()
                .setKind("Node")
                .setName(c.node())
                .setAction(Action.GpuPowerCap.name())
                .setDetail(
                    "gpu="
                        + c.gpuUuid()
                        + " pod="
                        + c.pod()
                        + " "
                        + verb
                        + c.watts()
                        + "W of default "
                        + Math.round(c.defaultWatts())
                        + "W"
                        + note
                        + "; "
                        + detail);
        if (!before.containsKey(key(a)) && mode != Mode.DryRun) {
          events.warning(
              b,
              "GpuPowerCap",
              "gpu "
                  + c.gpuUuid()
                  + " on "
                  + c.node()
                  + " (pod "
                  + c.pod()
                  + ") "
                  + verb
                  + c.watts()
                  + "W: "
                  + message);
        }
        affected.add(a);
      }
    } else {
      gpuCaps.clear(reason, reports);
    }
    return new EnforcementStatus().setActiveActions(active).setSince(since).setAffected(affected);
  }

  private void scaleToZero(
      EnergyBudget b,
      BudgetPolicy policy,
      Mode mode,
      List<HasMetadata> workloads,
      Map<String, AffectedWorkload> before,
      List<AffectedWorkload> affected,
      String detail,
      String message,
      Instant now) {
    EnforcementPolicy ep = policy.enforcement();
    String holder = enforceHolder(b.getMetadata().getName());
    IdleThresholds thresholds =
        IdleThresholds.of(
            policy.idle() != null ? policy.idle() : EnforcementDecision.defaultIdlePolicy());
    for (HasMetadata cached : workloads) {
      HasMetadata w = cached;
      boolean selected =
          Selectors.matchesWorkload(ep.scaleToZeroSelector(), w.getMetadata().getLabels());
      Map<String, String> ann = io.wattkeeper.operator.idle.Sleeper.annotations(w);
      boolean held = holders(ann).contains(holder);
      AffectedWorkload a =
          new AffectedWorkload()
              .setKind(w.getKind())
              .setName(w.getMetadata().getName())
              .setAction(Action.ScaleToZero.name());
      AffectedWorkload old = before.get(key(a));
      if (!held
          && mode == Mode.Enforce
          && old != null
          && old.getDetail() != null
          && old.getDetail().startsWith("scaled")) {
        // Recorded as scaled but the cache shows no hold: the cache may not have seen our sleep
        // annotations yet. Only the live workload can tell a manual wake from a stale copy.
        HasMetadata live = sleeper.fresh(w).orElse(null);
        if (live == null) {
          continue;
        }
        w = live;
        ann = io.wattkeeper.operator.idle.Sleeper.annotations(w);
        held = holders(ann).contains(holder);
      }
      if (!selected || mode != Mode.Enforce) {
        if (held) {
          release(b, w, holder, !selected ? "no longer selected" : "mode is now " + mode);
        }
        if (selected) {
          a.setPreviousReplicas(Workloads.replicas(w));
          a.setDetail("would scale from " + Workloads.replicas(w) + " to 0; " + detail);
          if (old == null && mode == Mode.Warn) {
            events.warning(w, "BudgetScaleToZero", "would scale to zero (Warn): " + message);
            events.warning(
                b,
                "BudgetScaleToZero",
                Workloads.key(w) + " would scale to zero (Warn): " + message);
          }
          if (Workloads.replicas(w) > 0 || old != null) {
            affected.add(a);
          }
        }
        continue;
      }
      if (old != null && old.getDetail() != null && old.getDetail().startsWith(MANUAL_WAKE)) {
        affected.add(old);
        continue;
      }
      if (held && sleeper.wokenExternally(w)
          || (!held
              && old != null
              && old.getDetail() != null
              && old.getDetail().startsWith("scaled"))) {
        if (held) {
          sleeper.forget(w, now);
        }
        String msg =
            "scaled up by someone else while asleep for the budget: recorded as a manual wake, not re-applied until the budget is reset";
        events.normal(w, "ManualWake", msg);
        events.normal(b, "ManualWake", Workloads.key(w) + " " + msg);
        affected.add(
            a.setPreviousReplicas(old == null ? null : old.getPreviousReplicas())
                .setDetail(MANUAL_WAKE + " at " + now + "; " + detail));
        continue;
      }
      if (held) {
        affected.add(
            a.setPreviousReplicas(
                    old != null
                        ? old.getPreviousReplicas()
                        : io.wattkeeper.operator.idle.Sleeper.previousReplicas(ann))
                .setDetail(old != null ? old.getDetail() : "scaled to 0; " + detail));
        continue;
      }
      boolean asleep = io.wattkeeper.operator.idle.SleepAnnotations.asleep(ann);
      if (!asleep && Workloads.replicas(w) == 0) {
        continue;
      }
      Double watts = null;
      if (ep.onlyIdle() && !asleep) {
        IdleVerdict v = idle.detector().evaluate(thresholds, pods.view(w), store::samples);
        if (!v.idle()) {
          LOG.debugf("ScaleToZero skips %s: not idle (%s)", Workloads.key(w), v.reason());
          continue;
        }
        watts = v.idleWatts();
      }
      Sleeper.Slept s = sleeper.sleep(w, holder, watts, now);
      if (s.changed()) {
        events.warning(
            w,
            "BudgetScaleToZero",
            "scaled from " + s.previousReplicas() + " to 0 replicas: " + message);
        events.warning(
            b,
            "BudgetScaleToZero",
            Workloads.key(w)
                + " scaled from "
                + s.previousReplicas()
                + " to 0 replicas: "
                + message);
      }
      affected.add(
          a.setPreviousReplicas(s.previousReplicas())
              .setDetail("scaled to 0 via " + s.via() + "; " + detail));
    }
  }

  /** Undoes everything this budget did. Safe to repeat. */
  public void undo(
      EnergyBudget b, List<HasMetadata> workloads, List<NodeEnergyReport> reports, String why) {
    startedAt.remove(ClusterView.key(b));
    releaseHeld(b, workloads, why);
    gpuCaps.clear(ClusterView.key(b), reports);
  }

  private void releaseHeld(EnergyBudget b, List<HasMetadata> workloads, String why) {
    String holder = enforceHolder(b.getMetadata().getName());
    for (HasMetadata w : workloads) {
      if (holders(w.getMetadata().getAnnotations()).contains(holder)) {
        release(b, w, holder, why);
      }
    }
  }

  private void release(EnergyBudget b, HasMetadata w, String holder, String why) {
    Sleeper.Woken r = sleeper.release(w, holder, false, clock.instant());
    if (r.changed()) {
      String msg = "woken (" + why + "): restored " + r.restoredReplicas() + " replicas";
      events.normal(w, "Woken", msg);
      events.normal(b, "Woken", Workloads.key(w) + " " + msg);
    }
  }

  private Map<String, String> podLabels(String namespace, String name) {
    podCache.start();
    return podCache.get(namespace, name).map(SlimPod::labels).orElse(null);
  }

  private static boolean rolling(BudgetPolicy policy) {
    return policy.period() != null && policy.period().type() == BudgetPolicy.PeriodType.Rolling;
  }

  private static String key(AffectedWorkload a) {
    return a.getAction() + "|" + a.getKind() + "|" + a.getName();
  }
}
