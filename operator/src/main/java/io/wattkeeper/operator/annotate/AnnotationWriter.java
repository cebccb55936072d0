package io.wattkeeper.operator.annotate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.budget.LedgerService;
import io.wattkeeper.operator.ledger.Checkpoint;
import io.wattkeeper.operator.ledger.PodAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Writes pod annotations apart from accounting. A planner thread asks the ledger which pods are due
 * (a quick pass under the ledger's lock that only queues values) and a small fixed pool writes
 * them, most stale × most changed first, under one rate bound for the process. A slow or failing
 * API server delays annotations only: budgets, status and the CSV export read the ledger directly.
 */
@ApplicationScoped
public class AnnotationWriter {

  private static final Logger LOG = Logger.getLogger(AnnotationWriter.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final LedgerService ledger;
  private final PodAnnotator annotator;
  private final AnnotateConfig config;
  private final Clock clock;
  private final MeterRegistry registry;
  private final AnnotationQueue queue = new AnnotationQueue();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong podsWritten = new AtomicLong();
  private WriteRate rate;
  private ScheduledExecutorService planner;
  private final List<Thread> workers = new ArrayList<>();
  private Counter writes;

  public AnnotationWriter(
      LedgerService ledger,
      PodAnnotator annotator,
      AnnotateConfig config,
      Clock clock,
      MeterRegistry registry) {
    this.ledger = ledger;
    this.annotator = annotator;
    this.config = config;
    this.clock = clock;
    this.registry = registry;
  }

  void start(@Observes StartupEvent e) {
    rate = new WriteRate(config.maxWritesPerSecond(), System::nanoTime);
    writes =
        Counter.builder("wattkeeper.annotations.writes")
            .description("Pod annotation patch requests sent")
            .register(registry);
    Gauge.builder("wattkeeper.annotations.pending", queue, AnnotationQueue::size)
        .description("Pods whose new annotation values wait to be written")
        .register(registry);
    planner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "annotation-planner");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(10, config.planInterval().toMillis());
    planner.scheduleWithFixedDelay(this::planSafely, every, every, TimeUnit.MILLISECONDS);
    for (int i = 0; i < Math.max(1, config.concurrency()); i++) {
      Thread t = new Thread(this::work, "annotation-writer-" + i);
      t.setDaemon(true);
      t.start();
      workers.add(t);
    }
  }

  void stop(@Observes ShutdownEvent e) {
    if (planner != null) {
      planner.shutdownNow();
    }
    workers.forEach(Thread::interrupt);
  }

  private void planSafely() {
    try {
      plan();
    } catch (RuntimeException ex) {
      // The planner must outlive one bad pass (a scheduled task that throws never runs again).
      LOG.warnf(ex, "annotation planning failed; trying again in %s", config.planInterval());
    }
  }

  /** Queues every pod whose figures moved enough (see AnnotationPolicy). */
  int plan() {
    Instant now = clock.instant();
    int[] queued = {0};
    ledger.visitPodsIfChanged(
        (a, state) -> {
          if (due(a, state, now)) {
            queue.offer(new PodWrite(a.uid, a.namespace, a.name, priority(a, state, now)));
            queued[0]++;
          }
        });
    return queued[0];
  }

  private boolean due(PodAccount a, String state, Instant now) {
    return AnnotationPolicy.due(
        a, state, now, ledger.config().annotationInterval(), ledger.config().annotationMinChange());
  }

  static double priority(PodAccount a, String state, Instant now) {
    boolean stateChanged =
        a.writtenAt == null
            || !Objects.equals(state, a.writtenState)
            || !Objects.equals(a.budgets, a.writtenBudgets)
            || !Objects.equals(a.unitsFromBudget, a.writtenUnitsFromBudget);
    double change =
        Math.max(relative(a.totals.energyWh, a.writtenEnergyWh), relative(a.watts, a.writtenWatts));
    Instant confirmed = a.confirmedAt;
    double stale = confirmed == null ? 3600 : Duration.between(confirmed, now).toSeconds();
    return PodWrite.priority(stale, change, stateChanged);
  }

  /**
   * The pod's current values, under the ledger's lock, if still due; marks them as written (put
   * back by {@link #failed} when the write does not land). Null when nothing is to be written.
   */
  /** The write's patch and the checkpoint it carries (taken at send time; may be null). */
  private record Prepared(PodAccount account, PodPatch patch, Checkpoint checkpoint) {}

  private Prepared prepare(PodWrite w, Instant now) {
    return ledger.withPod(
        w.uid(),
        (a, state, checkpoint) -> {
          if (!due(a, state, now)) {
            return null;
          }
          // The checkpoint is taken now, right before the write is sent (not when queued), so that
          // a budget status written meanwhile knows whether it covers it (docs/ledger.md).
          Checkpoint taken = checkpoint.get();
          Map<String, String> values = PodAnnotations.of(a, null, state);
          if (taken != null) {
            values.put(Checkpoint.ANNOTATION, taken.format());
          }
          // Remove what no longer applies: what the pod may hold from our earlier writes.
          Set<String> removals = new HashSet<>();
          values.forEach(
              (k, v) -> {
                if (v == null && wasWritten(a, k)) {
                  removals.add(k);
                }
              });
          a.writtenAt = now;
          a.writtenUpdatedAt = a.updatedAt;
          a.writtenEnergyWh = a.totals.energyWh;
          a.writtenCo2eGrams = a.totals.co2eGrams;
          a.writtenCost = a.totals.cost;
          a.writtenWatts = a.watts;
          a.writtenMeasured = a.totals.measuredFraction();
          a.writtenBudgets = a.budgets;
          a.writtenState = state;
          a.writtenUnitsFromBudget = a.unitsFromBudget;
          a.unitsSinceWrite.clear(); // the next annotation interval starts now
          a.dirty = false;
          return new Prepared(a, new PodPatch(a.namespace, a.name, values, removals), taken);
        });
  }

  /** The write did not land: the pod is due again at once (what it holds stays remembered). */
  private void failed(PodWrite w) {
    ledger.withPod(
        w.uid(),
        (a, state, checkpoint) -> {
          a.writtenAt = null;
          return null;
        });
  }

  private void confirmed(PodWrite w, Instant at) {
    ledger.withPod(
        w.uid(),
        (a, state, checkpoint) -> {
          a.confirmedAt = at;
          return null;
        });
  }

  private static boolean wasWritten(PodAccount a, String key) {
    if (key.equals(Api.ANNOTATION_BUDGET_STATE)) {
      return a.writtenState != null;
    }
    if (key.equals(Api.ANNOTATION_COST)) {
      return !Double.isNaN(a.writtenCost);
    }
    if (key.equals(Api.ANNOTATION_FUNCTIONAL_UNIT_BUDGET)) {
      return a.writtenUnitsFromBudget != null;
    }
    if (key.equals(Api.ANNOTATION_BUDGETS)) {
      return a.writtenBudgets != null && !a.writtenBudgets.isEmpty();
    }
    if (key.equals(Api.ANNOTATION_ENERGY_PER_REQUEST_WH)
        || key.equals(Api.ANNOTATION_ENERGY_PER_1K_TOKENS_WH)
        || key.equals(Api.ANNOTATION_CO2E_PER_1K_TOKENS_GRAMS)) {
      return false; // null only until a first window completes; once known, never null again
    }
    // Rare (no intensity, no data): the pod may hold an older value; a missing key costs a read.
    return true;
  }

  private static double relative(double now, double before) {
    if (Double.isNaN(now) || Double.isNaN(before)) {
      return Double.isNaN(now) == Double.isNaN(before) ? 0 : 1;
    }
    if (before == 0) {
      return now == 0 ? 0 : 1;
    }
    return Math.abs(now - before) / Math.abs(before);
  }

  private void work() {
    while (!Thread.currentThread().isInterrupted()) {
      PodWrite w;
      try {
        w = queue.take();
      } catch (InterruptedException ie) {
        return;
      }
      boolean ok = false;
      Prepared prepared = null;
      Instant now = clock.instant();
      try {
        prepared = prepare(w, now);
        ok =
            prepared == null
                || annotator.write(
                    prepared.patch(),
                    () -> {
                      rate.acquire();
                      requests.incrementAndGet();
                      writes.increment();
                    });
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException ex) {
        LOG.warnf(ex, "could not annotate pod %s/%s; will retry", w.namespace(), w.name());
      }
      if (prepared != null && prepared.checkpoint() != null) {
        if (ok) {
          ledger.checkpointWritten(prepared.account(), prepared.checkpoint());
        } else {
          ledger.checkpointFailed(prepared.account(), prepared.checkpoint());
        }
      }
      if (ok && prepared != null) {
        podsWritten.incrementAndGet();
        confirmed(w, now);
      } else if (!ok && prepared != null) {
        failed(w);
        planner.schedule(() -> queue.offer(w), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
      }
      queue.done(w.uid());
    }
  }

  /** Pods whose values wait to be written. */
  public int pending() {
    return queue.size();
  }

  /** Queued pods offered again before their write started (written once, latest values). */
  public long replaced() {
    return queue.replaced();
  }

  /** Patch and read requests sent so far (each passed the rate bound). */
  public long requests() {
    return requests.get();
  }

  /** Pod writes that landed. */
  public long podsWritten() {
    return podsWritten.get();
  }
}
