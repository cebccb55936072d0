package io.wattkeeper.operator.budget;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wattkeeper.operator.ha.Leadership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * On a standby replica, keeps the ledger's read-only mirror ({@link LedgerService#follow}) up to
 * date with the caches every report interval, so that every replica answers the CSV export. The
 * standby's caches run anyway (JOSDK starts every replica's informers); this adds the ledger's CPU
 * and memory on the standby, never a write. Nothing runs while this replica leads.
 */
@ApplicationScoped
public class StandbyLedger {

  private static final Logger LOG = Logger.getLogger(StandbyLedger.class);

  private final LedgerService ledger;
  private final Leadership leadership;
  private final EnergyBudgetLedgerReconciler reconciler;
  private final Duration every;
  private ScheduledExecutorService timer;

  public StandbyLedger(
      LedgerService ledger,
      Leadership leadership,
      EnergyBudgetLedgerReconciler reconciler,
      @ConfigProperty(name = "wattkeeper.idle.report-interval", defaultValue = "30s")
          Duration every) {
    this.ledger = ledger;
    this.leadership = leadership;
    this.reconciler = reconciler;
    this.every = every;
  }

  void start(@Observes StartupEvent e) {
    if (leadership.leading()) {
      return; // no leader election: this replica is the only one
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "standby-ledger");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(100, every.toMillis());
    timer.scheduleWithFixedDelay(this::followSafely, ms / 10, ms, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent e) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void followSafely() {
    if (leadership.leading()) {
      timer.shutdown(); // the reconcilers feed the ledger from now on
      return;
    }
    try {
      reconciler.viewWhenSynced().ifPresent(ledger::follow);
    } catch (RuntimeException ex) {
      // A scheduled task that throws never runs again; the next pass retries.
      LOG.warnf(ex, "standby ledger: catching up with the caches failed; retrying in %s", every);
    }
  }
}
