package io.wattkeeper.operator.idle;

import static io.wattkeeper.operator.idle.SleepAnnotations.*;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Puts workloads to sleep and wakes them, remembering what is needed to restore them on the
 * workload itself. Replicas change only through the {@code /scale} subresource; a KEDA-managed
 * workload is paused through its ScaledObject instead. Every step re-reads the workload, so a
 * repeated call (after a crash or restart) never scales twice.
 */
@ApplicationScoped
public class Sleeper {

  private static final Logger LOG = Logger.getLogger(Sleeper.class);
  static final String VIA_REPLICAS = "replicas";
  static final String VIA_KEDA = "keda/";

  private final KubernetesClient client;
  private final Autoscalers autoscalers;

  public Sleeper(KubernetesClient client, Autoscalers autoscalers) {
    this.client = client;
    this.autoscalers = autoscalers;
  }

  /** What a sleep request did. */
  public record Slept(boolean changed, int previousReplicas, String via, String note) {}

  /** What a wake request did. */
  public record Woken(
      boolean changed, Integer restoredReplicas, Set<String> stillHeldBy, String note) {}

  public Optional<HasMetadata> fresh(HasMetadata w) {
    return Optional.ofNullable(resource(w).get());
  }

  /** Sleeps the workload for {@code holder}; joins an existing sleep held by someone else. */
  public Slept sleep(HasMetadata w, String holder, Double idleWatts, Instant now) {
    HasMetadata cur = fresh(w).orElse(null);
    if (cur == null) {
      return new Slept(false, 0, null, "workload is gone");
    }
    Map<String, String> ann = annotations(cur);
    if (asleep(ann)) {
      Set<String> holders = holders(ann);
      int prev = previousReplicas(ann);
      if (holders.add(holder)) {
        patch(cur, Patches.setAnnotations(cur, Map.of(HOLDERS, String.join(",", holders))));
      }
      return new Slept(false, prev, ann.get(VIA), "already asleep");
    }
    int replicas = Workloads.replicas(cur);
    if (replicas == 0) {
      return new Slept(false, 0, null, "already at 0 replicas");
    }
    Optional<GenericKubernetesResource> so = autoscalers.scaledObjectFor(cur);
    String via = so.map(s -> VIA_KEDA + s.getMetadata().getName()).orElse(VIA_REPLICAS);
    Map<String, String> set = new LinkedHashMap<>();
    set.put(REPLICAS_BEFORE_SLEEP, Integer.toString(replicas));
    set.put(HOLDERS, holder);
    set.put(ASLEEP_SINCE, now.toString());
    set.put(VIA, via);
    if (idleWatts != null) {
      set.put(IDLE_WATTS, String.format(java.util.Locale.ROOT, "%.1f", idleWatts));
    }
    // Remember first, act second: a crash in between leaves a remembered count and an awake
    // workload, which the next pass treats as a manual wake (nothing lost, nothing scaled twice).
    patch(cur, Patches.setAnnotations(cur, set));
    try {
      if (so.isPresent()) {
        pauseKeda(so.get());
      } else {
        scale(cur, 0);
      }
    } catch (KubernetesClientException e) {
      undoRemember(cur, so, e);
      throw e;
    }
    LOG.infof(
        "%s %s/%s asleep via %s (was %d replicas) for %s",
        cur.getKind(),
        cur.getMetadata().getNamespace(),
        cur.getMetadata().getName(),
        via,
        replicas,
        holder);
    return new Slept(true, replicas, via, null);
  }

  /**
   * The scale (or KEDA pause) call failed: drop the sleep annotations again, else the next pass
   * sees "asleep" with replicas above 0 and records a manual wake that blocks sleeping for good.
   * Kept when the call did take effect (the answer was lost): then the workload is asleep.
   */
  private void undoRemember(
      HasMetadata w, Optional<GenericKubernetesResource> so, KubernetesClientException cause) {
    try {
      HasMetadata cur = fresh(w).orElse(null);
      if (cur == null) {
        return;
      }
      boolean tookEffect =
          so.isPresent()
              ? autoscalers
                  .scaledObject(
                      so.get().getMetadata().getNamespace(), so.get().getMetadata().getName())
                  .map(x -> annotations(x).containsKey(KEDA_PAUSED_BEFORE))
                  .orElse(false)
              : Workloads.replicas(cur) == 0;
      if (!tookEffect) {
        // JSON patch with the resourceVersion just read: a concurrent change makes it fail (409).
        patchJson(cur, Patches.editAnnotations(cur, SLEEP_KEYS, Map.of()));
      }
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "could not remove the sleep annotations of %s after a failed scale: %s",
          Workloads.key(w), e.getMessage());
      cause.addSuppressed(e);
    }
  }

  /**
   * Drops {@code holder}'s wish to keep the workload asleep; wakes it when nobody else holds it, or
   * at once when {@code force} (the user's wake annotation).
   */
  public Woken release(HasMetadata w, String holder, boolean force, Instant now) {
    HasMetadata cur = fresh(w).orElse(null);
    if (cur == null) {
      return new Woken(false, null, Set.of(), "workload is gone");
    }
    Map<String, String> ann = annotations(cur);
    if (!asleep(ann)) {
      if (ann.containsKey(WAKE)) {
        patchJson(cur, Patches.editAnnotations(cur, List.of(WAKE), Map.of()));
      }
      return new Woken(false, null, Set.of(), "not asleep");
    }
    Set<String> holders = holders(ann);
    holders.remove(holder);
    if (!force && !holders.isEmpty()) {
      patch(cur, Patches.setAnnotations(cur, Map.of(HOLDERS, String.join(",", holders))));
      return new Woken(false, null, holders, "still held by " + holders);
    }
    int prev = previousReplicas(ann);
    String via = ann.getOrDefault(VIA, VIA_REPLICAS);
    Integer restored;
    Optional<GenericKubernetesResource> so =
        via.startsWith(VIA_KEDA)
            ? autoscalers.scaledObject(
                cur.getMetadata().getNamespace(), via.substring(VIA_KEDA.length()))
            : Optional.empty();
    if (so.isPresent()) {
      resumeKeda(so.get());
      restored = prev;
    } else {
      // Also when the ScaledObject was deleted while asleep: nothing unpauses the workload then,
      // so the remembered count is restored through /scale.
      int target = prev;
      Optional<HorizontalPodAutoscaler> hpa = autoscalers.hpaFor(cur);
      if (hpa.isPresent()) {
        Integer min = hpa.get().getSpec().getMinReplicas();
        target = Math.max(prev, min == null ? 1 : min);
      }
      int current = Workloads.replicas(cur);
      if (current == 0) {
        scale(cur, target);
        restored = target;
      } else {
        // Someone scaled it up meanwhile: theirs is the newer intent.
        restored = current;
      }
    }
    forget(cur, now);
    return new Woken(true, restored, Set.of(), null);
  }

  /**
   * True when a sleeping workload was scaled up (or its ScaledObject unpaused) by someone else: a
   * manual wake to record, not to fight.
   */
  public boolean wokenExternally(HasMetadata w) {
    // Always the live object: a cache that has seen our annotations but not yet our scale-down
    // would look exactly like an external scale-up.
    HasMetadata cur = fresh(w).orElse(null);
    if (cur == null) {
      return false;
    }
    Map<String, String> ann = annotations(cur);
    if (!asleep(ann)) {
      return false;
    }
    String via = ann.getOrDefault(VIA, VIA_REPLICAS);
    if (via.startsWith(VIA_KEDA)) {
      Optional<GenericKubernetesResource> so =
          autoscalers.scaledObject(
              cur.getMetadata().getNamespace(), via.substring(VIA_KEDA.length()));
      if (so.isPresent()) {
        return !"0".equals(annotations(so.get()).get(KEDA_PAUSED_REPLICAS));
      }
      // The ScaledObject was deleted: only replicas above 0 mean someone woke the workload.
    }
    return Workloads.replicas(cur) > 0;
  }

  /** Removes the sleep bookkeeping after an external wake, and records the wake time. */
  public void forget(HasMetadata cur, Instant now) {
    Map<String, String> ann = annotations(cur);
    String via = ann.getOrDefault(VIA, VIA_REPLICAS);
    if (via.startsWith(VIA_KEDA)) {
      autoscalers
          .scaledObject(cur.getMetadata().getNamespace(), via.substring(VIA_KEDA.length()))
          .filter(so -> annotations(so).containsKey(KEDA_PAUSED_BEFORE))
          .ifPresent(
              so ->
                  client
                      .genericKubernetesResources(Autoscalers.SCALED_OBJECT)
                      .inNamespace(so.getMetadata().getNamespace())
                      .withName(so.getMetadata().getName())
                      .patch(
                          PatchContext.of(PatchType.JSON),
                          Patches.editAnnotations(so, List.of(KEDA_PAUSED_BEFORE), Map.of())));
    }
    HasMetadata latest = fresh(cur).orElse(null);
    if (latest == null) {
      return;
    }
    List<String> remove = new java.util.ArrayList<>(SLEEP_KEYS);
    remove.add(WAKE);
    patchJson(latest, Patches.editAnnotations(latest, remove, Map.of(WOKEN_AT, now.toString())));
  }

  private void pauseKeda(GenericKubernetesResource so) {
    Map<String, String> ann = annotations(so);
    Map<String, String> set = new HashMap<>();
    set.put(KEDA_PAUSED_REPLICAS, "0");
    // Remember whether someone had paused it already, so waking restores exactly that.
    set.put(KEDA_PAUSED_BEFORE, ann.getOrDefault(KEDA_PAUSED_REPLICAS, ABSENT));
    client
        .genericKubernetesResources(Autoscalers.SCALED_OBJECT)
        .inNamespace(so.getMetadata().getNamespace())
        .withName(so.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), Patches.setAnnotations(so, set));
  }

  private void resumeKeda(GenericKubernetesResource so) {
    Map<String, String> ann = annotations(so);
    String before = ann.get(KEDA_PAUSED_BEFORE);
    Map<String, String> set =
        before == null || ABSENT.equals(before) ? Map.of() : Map.of(KEDA_PAUSED_REPLICAS, before);
    String p = Patches.editAnnotations(so, List.of(KEDA_PAUSED_REPLICAS, KEDA_PAUSED_BEFORE), set);
    if (p != null) {
      client
          .genericKubernetesResources(Autoscalers.SCALED_OBJECT)
          .inNamespace(so.getMetadata().getNamespace())
          .withName(so.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON), p);
    }
  }

  private void scale(HasMetadata w, int replicas) {
    // Merge patch of the Scale: one request, and it works for both kinds on a real API server.
    resource(w)
        .subresource("scale")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  private void patch(HasMetadata w, String mergePatch) {
    resource(w).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private void patchJson(HasMetadata w, String jsonPatch) {
    if (jsonPatch != null) {
      resource(w).patch(PatchContext.of(PatchType.JSON), jsonPatch);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Resource<HasMetadata> resource(HasMetadata w) {
    return (Resource)
        client
            .resources(Workloads.type(w.getKind()))
            .inNamespace(w.getMetadata().getNamespace())
            .withName(w.getMetadata().getName());
  }

  /** An object's annotations, never null. */
  public static Map<String, String> annotations(HasMetadata o) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  /** The replica count recorded before sleeping; 1 when the annotation is missing or garbled. */
  public static int previousReplicas(Map<String, String> ann) {
    try {
      return Integer.parseInt(ann.getOrDefault(REPLICAS_BEFORE_SLEEP, "1").trim());
    } catch (NumberFormatException e) {
      // Someone edited our annotation into nonsense: one replica is the safe minimum to restore.
      LOG.warnf(
          "annotation %s=%s is not a number; restoring 1 replica",
          REPLICAS_BEFORE_SLEEP, ann.get(REPLICAS_BEFORE_SLEEP));
      return 1;
    }
  }
}
