package io.wattkeeper.operator.serde;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.wattkeeper.api.validation.Echo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Counts the objects the tolerant reader could read only in part, as {@code
 * wattkeeper_unreadable_objects_total{kind}}, and logs each object version once. The reader runs
 * inside the Kubernetes client's ObjectMapper, built before the meter registry, so it reports into
 * a {@link Sink} bean of its own that this bean publishes. One sink per application, not per class
 * loader: a static one kept counting into an earlier application's sink after a restart in the same
 * JVM.
 */
@ApplicationScoped
@Startup
public class UnreadableObjects {

  private static final Logger LOG = Logger.getLogger(UnreadableObjects.class);

  /** Kinds read tolerantly. */
  static final List<String> KINDS = List.of("EnergyBudget", "NodeEnergyReport");

  /** Counts and logs unreadable objects; thread-safe, never throws. */
  @Singleton
  public static class Sink {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    // Object versions already logged (a relist reads them again): bounded, oldest dropped.
    private final Set<String> logged =
        Collections.newSetFromMap(
            Collections.synchronizedMap(
                new LinkedHashMap<>() {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                    return size() > 10_000;
                  }
                }));

    void unreadable(String kind, ObjectMeta meta, String message) {
      counter(kind).incrementAndGet();
      Counter published = counters.get(kind);
      if (published != null) {
        published.increment();
      }
      String name =
          meta == null
              ? "?"
              : (meta.getNamespace() == null ? "" : meta.getNamespace() + "/") + meta.getName();
      String version = meta == null ? null : meta.getResourceVersion();
      if (logged.add(kind + "/" + name + "@" + version)) {
        LOG.warnf("%s %s could not be read in full: %s", kind, Echo.value(name), message);
      }
    }

    /**
     * From now on also counts into {@code counter}, which first receives what was counted before
     * (objects read while the application started, before the meter registry existed).
     */
    synchronized void publish(String kind, Counter counter) {
      if (counters.putIfAbsent(kind, counter) == null) {
        counter.increment(counter(kind).get());
      }
    }

    AtomicLong counter(String kind) {
      return counts.computeIfAbsent(kind, k -> new AtomicLong());
    }

    public long count(String kind) {
      return counter(kind).get();
    }
  }

  public UnreadableObjects(MeterRegistry registry, Sink sink) {
    // A plain counter, not a function counter over the sink's AtomicLong: a function counter
    // already registered under the same id (an earlier application in this JVM, on the global
    // composite registry) would keep reading the earlier application's value.
    for (String kind : KINDS) {
      sink.publish(
          kind,
          Counter.builder("wattkeeper.unreadable.objects")
              .description("Objects whose spec or status could not be read in full, by kind")
              .tag("kind", kind)
              .register(registry));
    }
  }
}
