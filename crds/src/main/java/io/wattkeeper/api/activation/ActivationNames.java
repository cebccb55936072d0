package io.wattkeeper.api.activation;

import io.wattkeeper.api.v1alpha1.Api;

/**
 * Names the operator and the activator agree on (docs/activator.md). While a workload sleeps the
 * operator writes, for each Service selecting its pods, one EndpointSlice labelled with the
 * Service's name and {@link #MANAGED_BY}; its ports carry the Service port names with the port the
 * activator reserves for each, and its annotation {@link #ANNOTATION_WORKLOAD} names the workload.
 */
public final class ActivationNames {

  /** Standard EndpointSlice label: the Service the slice belongs to. */
  public static final String LABEL_SERVICE_NAME = "kubernetes.io/service-name";

  /** Standard EndpointSlice label: who manages the slice. */
  public static final String LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

  /** Our value of {@link #LABEL_MANAGED_BY}. */
  public static final String MANAGED_BY = "wattkeeper.io";

  /** On our EndpointSlices: the sleeping workload behind the Service, {@code Kind/name}. */
  public static final String ANNOTATION_WORKLOAD = Api.PREFIX + "activator-workload";

  /** On a workload: how long the activator holds connections while it wakes (e.g. 10m). */
  public static final String ANNOTATION_WAKE_TIMEOUT = Api.PREFIX + "wake-timeout";

  /**
   * On a sleeping workload: who holds it asleep, {@code idle/<budget>} and/or {@code
   * enforce/<budget>} (written by the operator's Sleeper; the same key as its SleepAnnotations).
   */
  public static final String ANNOTATION_SLEEP_HOLDERS = Api.PREFIX + "sleep-holders";

  /** Holder prefix of a budget's enforcement (ScaleToZero) sleep. */
  public static final String ENFORCE_HOLDER_PREFIX = "enforce/";

  /** The budget phase during which an enforcement sleep may not be woken by traffic. */
  public static final String PHASE_EXCEEDED = "Exceeded";

  /** Prefix of the value the activator writes into {@link Api#ANNOTATION_WAKE}. */
  public static final String WAKE_BY_ACTIVATOR = "activator/";

  private ActivationNames() {}

  /** Our EndpointSlice's name for a Service (Service names are at most 63 characters). */
  public static String sliceName(String service) {
    return service + "-wattkeeper-activator";
  }
}
