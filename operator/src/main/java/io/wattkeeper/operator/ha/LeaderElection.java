package io.wattkeeper.operator.ha;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * The Java Operator SDK's leader election, configured from {@link LeaderElectionSettings}. QOSDK
 * looks up a {@link LeaderElectionConfiguration} bean (in the prod profile); with one, every
 * replica starts its informers (warm caches for the webhook and exports) and only the Lease holder
 * starts event processing, i.e. reconciles and writes. A leader that loses the Lease exits (JOSDK's
 * exit-on-stop-leading), so a deposed replica never keeps writing; Kubernetes restarts it as a
 * standby. A takeover rebuilds the ledger exactly as a restart does.
 */
public class LeaderElection {

  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  /** Null (no leader election) unless enabled. */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(
      LeaderElectionSettings settings, Leadership leadership) {
    return settings.enabled() ? configuration(settings, callbacks(leadership), true) : null;
  }

  /**
   * Plain, so tests build the same configuration for several operator instances (which must not
   * exit the test JVM).
   */
  public static LeaderElectionConfiguration configuration(
      LeaderElectionSettings s, LeaderCallbacks callbacks, boolean exitOnStopLeading) {
    LeaderElectionConfigurationBuilder b =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(s.leaseName())
            .withLeaseDuration(s.leaseDuration())
            .withRenewDeadline(s.renewDeadline())
            .withRetryPeriod(s.retryPeriod())
            .withLeaderCallbacks(callbacks);
    s.leaseNamespace().filter(ns -> !ns.isBlank()).ifPresent(b::withLeaseNamespace);
    s.identity().filter(id -> !id.isBlank()).ifPresent(b::withIdentity);
    // JOSDK's default exits on a lost lease; only tests build one that does not.
    return exitOnStopLeading ? b.build() : b.buildForTest(false);
  }

  /** Leadership changes, logged (JOSDK itself starts event processing, and exits on a loss). */
  static LeaderCallbacks callbacks(Leadership leadership) {
    return new LeaderCallbacks(
        () -> {
          leadership.set(true);
          LOG.info("leader election: this replica leads; reconciling starts");
        },
        () -> {
          leadership.set(false);
          LOG.warn("leader election: lease lost; this replica stops writing");
        },
        id -> LOG.infof("leader election: current leader is %s", id));
  }
}
