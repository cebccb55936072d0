package io.wattkeeper.operator.idle;

import io.wattkeeper.api.v1alpha1.Api;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The keys the operator writes on workloads it puts to sleep. They are the source of truth: the
 * budget status mirrors them, and a restarted operator rebuilds from them.
 */
public final class SleepAnnotations {

  public static final String REPLICAS_BEFORE_SLEEP = Api.ANNOTATION_REPLICAS_BEFORE_SLEEP;
  public static final String WAKE = Api.ANNOTATION_WAKE;

  /** Who wants the workload asleep: {@code idle/<budget>} and/or {@code enforce/<budget>}. */
  public static final String HOLDERS = Api.PREFIX + "sleep-holders";

  public static final String ASLEEP_SINCE = Api.PREFIX + "asleep-since";

  /** {@code replicas} or {@code keda/<scaledobject>}. */
  public static final String VIA = Api.PREFIX + "sleep-via";

  /** Power the pods drew while idle before sleeping (estimate basis for energySavedWh). */
  public static final String IDLE_WATTS = Api.PREFIX + "idle-watts";

  /** Last wake, for cooldownAfterWake. */
  public static final String WOKEN_AT = Api.PREFIX + "woken-at";

  /** On a KEDA ScaledObject: its paused-replicas value before sleep, or {@value #ABSENT}. */
  public static final String KEDA_PAUSED_BEFORE = Api.PREFIX + "paused-replicas-before";

  public static final String ABSENT = "<absent>";
  public static final String KEDA_PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";

  /** Everything the operator removes again on wake. */
  public static final Set<String> SLEEP_KEYS =
      Set.of(REPLICAS_BEFORE_SLEEP, HOLDERS, ASLEEP_SINCE, VIA, IDLE_WATTS);

  private SleepAnnotations() {}

  public static String idleHolder(String budget) {
    return "idle/" + budget;
  }

  public static String enforceHolder(String budget) {
    return "enforce/" + budget;
  }

  public static Set<String> holders(Map<String, String> annotations) {
    Set<String> out = new LinkedHashSet<>();
    String v = annotations == null ? null : annotations.get(HOLDERS);
    if (v != null) {
      for (String s : v.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  public static boolean asleep(Map<String, String> annotations) {
    return annotations != null && annotations.containsKey(REPLICAS_BEFORE_SLEEP);
  }
}
