package io.wattkeeper.operator.ha;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this replica holds the Lease. Without leader election (one local instance) it always
 * does. Only the leader's reconcilers feed its ledger, so answers drawn from the ledger (the CSV
 * export) are the leader's to give; a standby says so instead of answering "no usage".
 */
@ApplicationScoped
public class Leadership {

  private final AtomicBoolean leading;

  public Leadership(LeaderElectionSettings settings) {
    this.leading = new AtomicBoolean(!settings.enabled());
  }

  public boolean leading() {
    return leading.get();
  }

  /** Public for tests that play a standby. */
  public void set(boolean leads) {
    leading.set(leads);
  }
}
