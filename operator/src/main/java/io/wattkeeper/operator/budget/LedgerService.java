package io.wattkeeper.operator.budget;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.runtime.StartupEvent;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.validation.Echo;
import io.wattkeeper.api.validation.ValidationResult;
import io.wattkeeper.operator.carbon.IntensityResolver;
import io.wattkeeper.operator.ledger.BudgetAccount;
import io.wattkeeper.operator.ledger.Checkpoint;
import io.wattkeeper.operator.ledger.ClusterView;
import io.wattkeeper.operator.ledger.Ledger;
import io.wattkeeper.operator.ledger.LedgerConfig;
import io.wattkeeper.operator.ledger.PodAccount;
import io.wattkeeper.operator.ledger.PodDelta;
import io.wattkeeper.operator.ledger.PodDeltaTracker;
import io.wattkeeper.operator.ledger.RefusedReports;
import io.wattkeeper.operator.ledger.ReportChecks;
import io.wattkeeper.operator.ledger.ReportSample;
import io.wattkeeper.operator.ledger.UsageSnapshot;
import io.wattkeeper.operator.metrics.LedgerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The operator's one ledger. Every budget reconciliation first brings it up to date with the
 * reports in the informer cache (ingestion is idempotent: a report already seen is a duplicate), so
 * it does not matter which budget's reconciliation sees a report first. One lock: the work per
 * report is small and ordering matters more than parallelism here.
 */
@ApplicationScoped
public class LedgerService {

  private static final Logger LOG = Logger.getLogger(LedgerService.class);
  private static final String LEDGER_FIELD = "ledger";

  @Inject Clock clock;
  @Inject LedgerConfig config;
  @Inject IntensityResolver intensity;
  @Inject LedgerMetrics metrics;
  @Inject RefusedReports refused;

  // The one default for a report that states no interval (the agent's default, 30 s).
  @ConfigProperty(name = "wattkeeper.idle.report-interval", defaultValue = "30s")
  Duration defaultInterval;

  private Ledger ledger;
  // When this process (or, after forgetState, this ledger) started: pods without a checkpoint that
  // started later count from zero (see Ledger#horizon).
  private Instant startedAt;
  private boolean restored;
  private boolean warm;
  private final Map<String, String> phases = new HashMap<>();
  private final Map<String, LastWrite> lastWrites = new HashMap<>();

  private final Map<String, Instant> dataAt = new HashMap<>();
  // Report resourceVersions already read: a reconciliation re-reads only the reports that changed.
  private final Map<String, String> reportVersions = new HashMap<>();
  // Something an annotation could show changed since the last annotation pass.
  private boolean annotationsPending;
  // The ledger was built by a standby's follow(): it answers exports and never feeds a write. The
  // first catchUp() as leader drops it and rebuilds from the durable state, as a restart does.
  private boolean mirror;

  private record LastWrite(
      Instant at,
      String phase,
      long generation,
      EnergyBudgetStatus status,
      Instant dataAt,
      Instant resetsAt) {}

  void onStart(@Observes StartupEvent event) {
    started();
  }

  private synchronized void started() {
    if (startedAt == null) {
      startedAt = clock.instant();
    }
  }

  /** Brings the ledger up to date with every report the cache holds (the leader's reconciler). */
  public synchronized void catchUp(ClusterView view) {
    if (mirror) {
      // A takeover: the standby's mirror never wrote a checkpoint, so its pending charges do not
      // match the checkpoints the old leader wrote. Rebuild from those, as after a restart.
      LOG.info("ledger: this replica now leads; rebuilding from checkpoints and budget status");
      forgetState();
    }
    ingest(view, false);
  }

  /**
   * A standby's read-only copy of the ledger, fed from the same caches so that every replica can
   * answer the CSV export: no Events, no metrics, nothing for the annotation writer (carbon
   * intensity is looked up as on the leader, live provider included). Does nothing once this
   * replica has led.
   */
  public synchronized void follow(ClusterView view) {
    if (ledger != null && !mirror) {
      return;
    }
    mirror = true;
    ingest(view, true);
    // The leader's evaluate() keeps every valid budget's account (restored from status, rolled
    // into the current period) even when no report charges it; the mirror must answer the same.
    Instant now = clock.instant();
    for (EnergyBudget b : view.budgets()) {
      Optional<Ledger.BudgetRef> ref = view.ref(b);
      if (view.validation(b).valid() && ref.isPresent()) {
        ledger.account(ref.get(), now);
      }
    }
  }

  /** Whether a ledger (leader's or standby's) has seen the caches at least once. */
  public synchronized boolean ready() {
    return ledger != null && warm;
  }

  private void ingest(ClusterView view, boolean quiet) {
    if (ledger == null) {
      ledger = new Ledger(config.pue(), config.historyLength(), intensity);
    }
    if (!restored) {
      started();
      ledger.horizon(horizon(view.budgets(), startedAt, clock.instant()));
      restorePods(view);
      restored = true;
    }
    List<ReportSample> samples = new ArrayList<>();
    Set<String> nodes = new HashSet<>();
    Instant checkedAt = clock.instant();
    ReportChecks.Limits limits =
        new ReportChecks.Limits(
            config.maxClockSkew(), config.maxNodeWatts(), (int) defaultInterval.toSeconds());
    ReportChecks.Cluster placements = view.placements();
    ReportChecks.Known known = ledger.tracker();
    view.reports()
        .forEach(
            r -> {
              String node = r.getMetadata().getName();
              nodes.add(node);
              String version = r.getMetadata().getResourceVersion();
              if (version != null && version.equals(reportVersions.get(node))) {
                return;
              }
              reportVersions.put(node, version);
              ReportChecks.Outcome o;
              try {
                o = ReportChecks.check(r, checkedAt, limits, placements, known);
              } catch (RuntimeException e) {
                // A report the checks cannot read is skipped until it changes, never the pass.
                LOG.warnf(e, "NodeEnergyReport %s could not be checked; skipped", Echo.value(node));
                return;
              }
              if (!quiet) {
                refused.record(r, o.refusals());
              }
              if (o.sample() != null) {
                samples.add(o.sample());
              }
            });
    reportVersions.keySet().retainAll(nodes);
    if (!samples.isEmpty() && !quiet) {
      annotationsPending = true;
    }
    samples.sort(Comparator.comparing(ReportSample::timestamp));
    long before = ledger.stats().reports - ledger.stats().duplicates;
    for (ReportSample s : samples) {
      PodDeltaTracker.Result r;
      try {
        r = ledger.ingest(s, view, checkedAt);
      } catch (RuntimeException e) {
        // One unreadable report must not stop every budget; it is skipped until it changes.
        LOG.warnf(
            e,
            "ledger: report of node %s (seq %s) could not be used; skipped",
            s.node(),
            s.sequence());
        continue;
      }
      if (!r.duplicate() && LOG.isDebugEnabled()) {
        LOG.debugf(
            "ledger: node %s seq %s at %s: %d pods, %.3f J%s",
            s.node(),
            s.sequence(),
            s.timestamp(),
            r.deltas().size(),
            r.deltas().stream().mapToDouble(PodDelta::joules).sum(),
            r.newEpoch() ? " (new counter epoch)" : "");
      }
    }
    if (!warm) {
      ledger.warm();
      warm = true;
    }
    Set<String> keys = view.budgets().stream().map(ClusterView::key).collect(Collectors.toSet());
    ledger.sweep(nodes, keys, view);
    phases.keySet().retainAll(keys);
    dataAt.keySet().retainAll(keys);
    lastWrites.keySet().retainAll(keys);
    if (quiet) {
      return;
    }
    metrics.reportsIngested(ledger.stats().reports - ledger.stats().duplicates - before);
    metrics.retain(keys);
    Instant now = clock.instant();
    double lag = 0;
    for (String n : ledger.tracker().nodes()) {
      Instant t = ledger.tracker().lastReport(n);
      if (t != null) {
        lag = Math.max(lag, Duration.between(t, now).toMillis() / 1000.0);
      }
    }
    metrics.lagSeconds(lag);
  }

  /** How long a previous operator may have been away for its first-sight horizon to be used. */
  static final Duration HORIZON_MAX_AGE = Duration.ofHours(24);

  /**
   * Pods without a checkpoint that started after the returned time are charged from zero. It is the
   * earliest horizon the budgets' statuses recorded (each operator charged from zero what started
   * after its own horizon, so a chain of restarts and takeovers keeps the first one's), provided
   * the newest of those statuses is recent; else this process's start.
   */
  public static Instant horizon(List<EnergyBudget> budgets, Instant startedAt, Instant now) {
    Instant since = startedAt;
    Instant newest = null;
    Instant earliest = null;
    for (EnergyBudget b : budgets) {
      EnergyBudgetStatus.LedgerPosition p =
          b.getStatus() == null ? null : b.getStatus().getLedger();
      Instant at = p == null ? null : parseTime(p.getAt());
      Instant s = p == null ? null : parseTime(p.getSince());
      if (at == null || s == null) {
        continue;
      }
      newest = newest == null || at.isAfter(newest) ? at : newest;
      earliest = earliest == null || s.isBefore(earliest) ? s : earliest;
    }
    if (newest != null && !newest.isBefore(now.minus(HORIZON_MAX_AGE))) {
      // Even when later than this process's start: a standby replica may have started long before
      // it took over, and that proves nothing about what the leader before it charged.
      since = earliest;
    }
    return since;
  }

  /** Status fields and Event for one budget, from the ledger as it stands now. */
  public synchronized BudgetEvaluator.Evaluation evaluate(EnergyBudget b, ClusterView view) {
    Instant now = clock.instant();
    ValidationResult v = view.validation(b);
    BudgetAccount acc = null;
    int matched = 0;
    Optional<Ledger.BudgetRef> ref = view.ref(b);
    if (v.valid() && ref.isPresent()) {
      acc = ledger.account(ref.get(), now);
      matched = view.matchedPods(ref.get());
    }
    BudgetEvaluator.Evaluation e =
        BudgetEvaluator.evaluate(
            new BudgetEvaluator.Input(
                b.getMetadata().getNamespace(),
                b.getMetadata().getName(),
                b.getMetadata().getGeneration() == null ? 0 : b.getMetadata().getGeneration(),
                b.getStatus(),
                Optional.ofNullable(lastWrites.get(ClusterView.key(b)))
                    .map(LastWrite::status)
                    .orElse(null),
                v,
                acc,
                matched,
                now,
                config.staleAfter(),
                config.forecastMinElapsed()));
    if (!e.phase().equals(phases.put(ClusterView.key(b), e.phase()))) {
      annotationsPending = true; // budget-state on pods may change
    }
    if (acc != null && acc.lastSampleAt() != null) {
      dataAt.put(ClusterView.key(b), acc.lastSampleAt());
    }
    if (acc != null && e.fields().contains(LEDGER_FIELD)) {
      // Taken under the lock, with the figures above: the pair is what a restart continues from.
      e.status().setLedger(ledger.position(acc, now));
    }
    return e;
  }

  /** Whether to write now (see {@link StatusCadence}). Returns the wait when held back. */
  public synchronized Optional<Duration> holdBack(EnergyBudget b, BudgetEvaluator.Evaluation e) {
    String key = ClusterView.key(b);
    LastWrite w = lastWrites.get(key);
    long gen = b.getMetadata().getGeneration() == null ? 0 : b.getMetadata().getGeneration();
    return StatusCadence.holdBack(
        w == null
            ? null
            : new StatusCadence.Last(
                w.at(),
                w.phase(),
                w.generation(),
                w.dataAt(),
                w.resetsAt(),
                w.status().getMatchedPods()),
        e.phase(),
        gen,
        e.event() != null,
        e.resetsAt(),
        dataAt.get(key),
        e.status().getMatchedPods(),
        clock.instant(),
        config.statusInterval());
  }

  public synchronized void written(EnergyBudget b, BudgetEvaluator.Evaluation e) {
    long gen = b.getMetadata().getGeneration() == null ? 0 : b.getMetadata().getGeneration();
    String key = ClusterView.key(b);
    lastWrites.put(
        key,
        new LastWrite(clock.instant(), e.phase(), gen, e.status(), dataAt.get(key), e.resetsAt()));
  }

  /** Sees one pod's account under the ledger's lock. */
  public interface PodVisitor {
    void visit(PodAccount account, String budgetState);
  }

  /**
   * Shows every pod account to {@code visitor} when something an annotation could show changed
   * since the last call. The visitor runs under the ledger's lock: it must only read and queue,
   * never call the API server.
   */
  public synchronized void visitPodsIfChanged(PodVisitor visitor) {
    if (ledger == null || mirror || !annotationsPending) {
      return;
    }
    annotationsPending = false;
    for (PodAccount a : ledger.pods().values()) {
      visitor.visit(a, stateOf(a.budgets));
    }
  }

  /**
   * The pod's checkpoint, taken right before its write is sent (see Ledger#checkpoint); null when
   * there is none. Report how the write ended with {@link #checkpointWritten} or {@link
   * #checkpointFailed}.
   */
  public synchronized Checkpoint checkpointToSend(PodAccount a) {
    return ledger == null || mirror || ledger.pods().get(a.uid) != a
        ? null
        : ledger.checkpoint(a, clock.instant());
  }

  /** The checkpoint taken for {@code a} is stored on the pod (see Ledger#checkpointWritten). */
  public synchronized void checkpointWritten(PodAccount a, Checkpoint c) {
    if (ledger != null) {
      ledger.checkpointWritten(a, c);
    }
  }

  /** The write of the checkpoint taken for {@code a} failed. */
  public synchronized void checkpointFailed(PodAccount a, Checkpoint c) {
    if (ledger != null) {
      ledger.checkpointFailed(a, c);
    }
  }

  /** Sees one pod's account under the ledger's lock and returns what it built. */
  public interface PodFunction<T> {
    T apply(PodAccount account, String budgetState, Supplier<Checkpoint> checkpoint);
  }

  /** Applies {@code f} to the pod's account under the ledger's lock; null when there is none. */
  public synchronized <T> T withPod(String uid, PodFunction<T> f) {
    PodAccount a = ledger == null || mirror ? null : ledger.pods().get(uid);
    // The supplier takes the checkpoint to send (stamped, recorded as in flight): call it only
    // for a write about to be sent, and report how it ended (checkpointWritten/Failed).
    return a == null
        ? null
        : f.apply(a, stateOf(a.budgets), () -> ledger.checkpoint(a, clock.instant()));
  }

  public LedgerConfig config() {
    return config;
  }

  /** "exceeded" or "warning" for the worst phase among the budgets charging the pod, else null. */
  String stateOf(String budgets) {
    if (budgets == null || budgets.isEmpty()) {
      return null;
    }
    String state = null;
    for (String b : budgets.split(",")) {
      String p = phases.get(b);
      if (BudgetEvaluator.EXCEEDED.equals(p)) {
        return "exceeded";
      }
      if (BudgetEvaluator.WARNING.equals(p)) {
        state = "warning";
      }
    }
    return state;
  }

  private void restorePods(ClusterView view) {
    int n = 0;
    Instant now = clock.instant();
    for (Pod p : (Iterable<Pod>) view.pods().all()::iterator) {
      Map<String, String> ann = p.getMetadata().getAnnotations();
      if (ann == null) {
        continue;
      }
      Optional<Checkpoint> c = Checkpoint.parse(ann.get(Checkpoint.ANNOTATION));
      if (c.isEmpty()) {
        continue;
      }
      ledger.restorePod(
          p.getMetadata().getUid(),
          p.getMetadata().getNamespace(),
          p.getMetadata().getName(),
          c.get());
      PodAccount a = ledger.pods().get(p.getMetadata().getUid());
      // What the annotations say now: no write until a figure really moves.
      a.labels = p.getMetadata().getLabels();
      a.writtenAt = now;
      a.confirmedAt = now;
      a.writtenUpdatedAt = parseTime(ann.get(Api.ANNOTATION_UPDATED_AT));
      a.updatedAt = a.writtenUpdatedAt;
      a.writtenEnergyWh = c.get().energyWh();
      a.writtenCo2eGrams = c.get().co2eGrams();
      a.writtenCost = c.get().cost();
      a.writtenWatts = parse(ann.get(Api.ANNOTATION_POWER_WATTS));
      a.watts = a.writtenWatts;
      a.writtenMeasured = a.totals.measuredFraction();
      a.budgets = ann.getOrDefault(Api.ANNOTATION_BUDGETS, "");
      a.writtenBudgets = a.budgets;
      a.writtenState = ann.get(Api.ANNOTATION_BUDGET_STATE);
      n++;
    }
    if (n > 0) {
      LOG.infof("ledger restored %d pods from their checkpoint annotations", n);
    }
  }

  private static Instant parseTime(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static double parse(String s) {
    try {
      return s == null ? 0 : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Drops everything held in memory, as a process restart would; the next pass rebuilds from pod
   * annotations, budget status and reports. Used by restart drills (tests, runbooks).
   */
  public synchronized void forgetState() {
    ledger = null;
    startedAt = clock.instant();
    restored = false;
    warm = false;
    phases.clear();
    dataAt.clear();
    reportVersions.clear();
    annotationsPending = false;
    lastWrites.clear();
    mirror = false;
  }

  /** A copy of one budget's per-pod usage in its current period, for the CSV export. */
  public synchronized Optional<UsageSnapshot> snapshot(String namespace, String name) {
    if (ledger == null) {
      return Optional.empty();
    }
    BudgetAccount acc = ledger.existingAccount(namespace + "/" + name);
    if (acc == null) {
      return Optional.empty();
    }
    return Optional.of(UsageSnapshot.of(acc));
  }

  /** Timestamp of the newest report of a node the ledger has used. */
  public synchronized Optional<Instant> lastReport(String node) {
    return ledger == null
        ? Optional.empty()
        : Optional.ofNullable(ledger.tracker().lastReport(node));
  }
}
