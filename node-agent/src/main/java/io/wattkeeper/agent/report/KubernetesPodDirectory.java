package io.wattkeeper.agent.report;

import io.wattkeeper.agent.functionalunit.ScrapeTarget;
import io.wattkeeper.agent.json.Json;
import io.wattkeeper.agent.kube.CpuQuantity;
import io.wattkeeper.agent.kube.KubeApi;
import io.wattkeeper.agent.kube.KubeApiException;
import io.wattkeeper.agent.time.DaemonThreads;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * This node's pods, kept by list-then-watch on a thread of its own (an informer without the
 * objects: only uid, names, CPU requests, pod IP and functional-unit annotations are kept). The API
 * server is asked for spec.nodeName=node only, and the result is filtered again here, so a server
 * that ignores field selectors cannot make the agent report other nodes' pods. (The Fabric8 mock
 * answers such a selector with nothing, so tests turn the selector off and exercise the filter.)
 *
 * <p>A watch that ends is resumed from the last resourceVersion; one that is too old (410) or fails
 * is followed by a fresh list, after a back-off of 1 s doubling to 30 s while failures last.
 */
public final class KubernetesPodDirectory implements PodDirectory, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KubernetesPodDirectory.class);
  static final int WATCH_SECONDS = 300;
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  static final Duration MIN_HEALTHY_WATCH = Duration.ofSeconds(30);

  private final KubeApi api;
  private final String nodeName;
  private final String selector;
  private final Thread thread;
  private final Map<String, PodMeta> pods = new HashMap<>();
  private volatile Map<String, PodMeta> snapshot = Map.of();
  private volatile boolean synced;
  private volatile boolean stopped;
  private volatile KubeApi.Watch current;
  private volatile String lastError;
  private volatile String resourceVersion;
  private final AtomicInteger watchNumber = new AtomicInteger();

  public KubernetesPodDirectory(KubeApi api, String nodeName, boolean fieldSelector) {
    this.api = api;
    this.nodeName = nodeName;
    this.selector =
        fieldSelector
            ? "fieldSelector="
                + URLEncoder.encode("spec.nodeName=" + nodeName, StandardCharsets.UTF_8)
            : null;
    this.thread = DaemonThreads.named("pod-watch").newThread(this::run);
    thread.start();
  }

  public boolean synced() {
    return synced;
  }

  /** Why the pod list is not current, or null. */
  public String lastError() {
    return lastError;
  }

  @Override
  public Map<String, PodMeta> byUid() {
    return snapshot;
  }

  private void run() {
    long backoffMs = 1000;
    boolean relist = true;
    while (!stopped) {
      boolean healthy;
      try {
        if (relist) {
          list();
          relist = false;
          lastError = null;
        }
        WatchEnd end = watchOnce();
        relist = end.relist();
        // A watch that ended at once without news (a proxy closing it, a repeated ERROR) is a
        // failure too: reconnecting at full speed would hammer the API server.
        healthy = end.lasted().compareTo(MIN_HEALTHY_WATCH) >= 0 || end.events() > 0;
      } catch (Throwable e) {
        if (stopped) {
          return;
        }
        lastError = "pod list/watch failed: " + e.getMessage();
        LOG.warnf("%s; retrying in %d ms", lastError, backoffMs);
        relist = true;
        healthy = false;
      }
      if (healthy) {
        backoffMs = 1000;
        continue;
      }
      try {
        Thread.sleep(backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 4 + 1));
      } catch (InterruptedException ie) {
        return;
      }
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
    }
  }

  /** How a watch ended: whether a fresh list must follow, how long it lasted, events applied. */
  private record WatchEnd(boolean relist, Duration lasted, int events) {}

  private void list() {
    Map<String, PodMeta> fresh = new HashMap<>();
    String cont = null;
    String version;
    do {
      StringBuilder q = new StringBuilder("/api/v1/pods?limit=500");
      if (selector != null) {
        q.append('&').append(selector);
      }
      if (cont != null) {
        q.append("&continue=").append(URLEncoder.encode(cont, StandardCharsets.UTF_8));
      } else {
        // Served from the API server's watch cache (pods indexed by node), not read from etcd:
        // every agent lists at start, and a full etcd read per node would load the control plane.
        q.append("&resourceVersion=0");
      }
      KubeApi.ListMeta page =
          api.list(
              q.toString(), pod -> toMeta(pod, nodeName).ifPresent(m -> fresh.put(m.uid(), m)));
      version = page.resourceVersion();
      cont = page.continueToken();
    } while (cont != null);
    synchronized (pods) {
      pods.clear();
      pods.putAll(fresh);
      publish();
    }
    resourceVersion = version;
    synced = true;
  }

  /** One watch stream. */
  private WatchEnd watchOnce() {
    StringBuilder q =
        new StringBuilder("/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=")
            .append(WATCH_SECONDS);
    if (resourceVersion != null) {
      q.append("&resourceVersion=").append(resourceVersion);
    }
    if (selector != null) {
      q.append('&').append(selector);
    }
    AtomicBoolean gone = new AtomicBoolean();
    AtomicInteger events = new AtomicInteger();
    int number = watchNumber.incrementAndGet();
    long started = System.nanoTime();
    KubeApi.Watch watch =
        api.watch(
            q.toString(),
            event -> {
              if (number != watchNumber.get()) {
                return false; // a watch given up on: its late events must not move our state
              }
              boolean usable = apply(event);
              if (usable) {
                events.incrementAndGet();
              }
              gone.compareAndSet(false, !usable);
              return usable;
            });
    current = watch;
    if (stopped) {
      watch.abort();
    }
    try {
      // The server ends the stream after WATCH_SECONDS; a stream silent for longer is dead.
      watch.ended().get(WATCH_SECONDS + 60L, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      watchNumber.incrementAndGet();
      watch.abort();
    } catch (ExecutionException e) {
      watchNumber.incrementAndGet();
      throw new KubeApiException("pod watch ended: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      watch.abort();
      Thread.currentThread().interrupt();
      stopped = true;
    }
    watchNumber.incrementAndGet();
    return new WatchEnd(gone.get(), Duration.ofNanos(System.nanoTime() - started), events.get());
  }

  /** Applies one watch event; false when the watch is unusable (410 Gone, unknown error). */
  boolean apply(Map<String, Object> event) {
    String type = String.valueOf(event.get("type"));
    Object object = event.get("object");
    String version = Json.string(Json.at(object, "metadata", "resourceVersion"));
    switch (type) {
      case "ADDED", "MODIFIED" -> {
        Optional<PodMeta> meta = toMeta(Json.object(object), nodeName);
        String uid = uidOf(object);
        synchronized (pods) {
          if (meta.isPresent()) {
            pods.put(meta.get().uid(), meta.get());
          } else if (uid != null) {
            pods.remove(uid);
          }
          publish();
        }
      }
      case "DELETED" -> {
        String uid = uidOf(object);
        synchronized (pods) {
          if (uid != null) {
            pods.remove(uid);
          }
          publish();
        }
      }
      case "BOOKMARK" -> {}
      case "ERROR" -> {
        LOG.infof(
            "pod watch: %s (%s); listing again",
            Json.at(object, "message"), Json.at(object, "code"));
        return false;
      }
      default -> {
        LOG.warnf("pod watch: unknown event type '%s'; listing again", type);
        return false;
      }
    }
    if (version != null) {
      resourceVersion = version;
    }
    return true;
  }

  /**
   * The key a pod is stored under: its UID, or for a static pod the config hash it runs under
   * (cgroup, PodResources), which its API mirror carries in an annotation.
   */
  private static String uidOf(Object pod) {
    String mirrorOf = Json.string(Json.at(pod, "metadata", "annotations", MIRROR));
    if (mirrorOf != null && !mirrorOf.isBlank()) {
      return mirrorOf;
    }
    return Json.string(Json.at(pod, "metadata", "uid"));
  }

  private void publish() {
    snapshot = Map.copyOf(pods);
  }

  private static final String MIRROR = "kubernetes.io/config.mirror";

  static Optional<PodMeta> toMeta(Map<String, Object> pod, String nodeName) {
    String uid = Json.string(Json.at(pod, "metadata", "uid"));
    if (!nodeName.equals(Json.at(pod, "spec", "nodeName")) || uid == null) {
      return Optional.empty();
    }
    String namespace = Json.string(Json.at(pod, "metadata", "namespace"));
    String name = Json.string(Json.at(pod, "metadata", "name"));
    return Optional.of(
        new PodMeta(
            uidOf(pod),
            namespace == null ? "" : namespace,
            name == null ? "" : name,
            cpuRequests(Json.array(Json.at(pod, "spec", "containers"))),
            Json.string(Json.at(pod, "status", "podIP")),
            ScrapeTarget.keep(Json.object(Json.at(pod, "metadata", "annotations")))));
  }

  static double cpuRequests(List<Object> containers) {
    double cores = 0;
    for (Object c : containers) {
      Object cpu = Json.at(c, "resources", "requests", "cpu");
      if (cpu instanceof String || cpu instanceof Number) {
        // a malformed quantity counts as no request
        cores += CpuQuantity.parse(String.valueOf(cpu)).orElse(0);
      }
    }
    return cores;
  }

  @Override
  public void close() {
    stopped = true;
    KubeApi.Watch w = current;
    if (w != null) {
      w.abort();
    }
    thread.interrupt();
  }
}
