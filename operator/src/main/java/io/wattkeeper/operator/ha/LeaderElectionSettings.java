package io.wattkeeper.operator.ha;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Lease-based leader election between operator replicas (the chart runs two). Only the leader
 * reconciles and writes; every replica serves the webhook and the HTTP endpoints from its caches.
 */
@ConfigMapping(prefix = "wattkeeper.leader-election")
public interface LeaderElectionSettings {

  /** Off for a single local instance; the chart turns it on. */
  @WithDefault("false")
  boolean enabled();

  /** The coordination.k8s.io Lease. */
  @WithDefault("wattkeeper-operator")
  String leaseName();

  /** The Lease's namespace; empty: the operator's own (POD_NAMESPACE). */
  @WithDefault("${POD_NAMESPACE:}")
  Optional<String> leaseNamespace();

  /** This replica's name in the Lease; empty: the pod name (HOSTNAME), else a random id. */
  @WithDefault("${HOSTNAME:}")
  Optional<String> identity();

  /** A standby takes over at most this long after the leader stopped renewing. */
  @WithDefault("15s")
  Duration leaseDuration();

  /** The leader gives up (and the process exits) if it could not renew for this long. */
  @WithDefault("10s")
  Duration renewDeadline();

  @WithDefault("2s")
  Duration retryPeriod();
}
