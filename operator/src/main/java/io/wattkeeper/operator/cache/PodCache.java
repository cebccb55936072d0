package io.wattkeeper.operator.cache;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The operator's one pod informer, shared by every reader (ledger, idle detection, enforcement):
 * slim pods only (see {@link SlimPod}), no namespace index, no resync. Readers ask it instead of
 * LISTing pods from the API server; the ledger reconciler subscribes to label and phase changes.
 */
@ApplicationScoped
public class PodCache implements SlimPods {

  private static final Logger LOG = Logger.getLogger(PodCache.class);
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

  private final KubernetesClient client;
  private final SlimPodStore store = new SlimPodStore();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile SharedIndexInformer<Pod> informer;

  public PodCache(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Starts the informer once and waits until its first list is in the cache, so no reader sees a
   * half-filled cluster (the ledger would charge pods it cannot match to budgets).
   */
  public synchronized void start() {
    if (informer != null) {
      return;
    }
    SharedIndexInformer<Pod> i =
        client.pods().inAnyNamespace().runnableInformer(0).itemStore(store).removeNamespaceIndex();
    i.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod p) {
            changed(p.getMetadata().getNamespace());
          }

          @Override
          public void onUpdate(Pod old, Pod now) {
            // Our own annotation writes must not wake every budget: labels and phase matter.
            if (!Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())
                || !Objects.equals(phase(old), phase(now))) {
              changed(now.getMetadata().getNamespace());
            }
          }

          @Override
          public void onDelete(Pod p, boolean unknownFinalState) {
            changed(p.getMetadata().getNamespace());
          }
        });
    try {
      i.start().toCompletableFuture().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      i.close();
      throw new IllegalStateException("interrupted while listing pods", e);
    } catch (ExecutionException | TimeoutException e) {
      i.close();
      throw new IllegalStateException("could not list pods within " + SYNC_TIMEOUT, e);
    }
    informer = i;
    LOG.infof("pod cache synced: %d pods", store.size());
  }

  void stop(@Observes ShutdownEvent e) {
    SharedIndexInformer<Pod> i = informer;
    if (i != null) {
      i.close();
    }
  }

  /** Called with a namespace whenever a pod there appeared, went, or changed labels or phase. */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  private void changed(String namespace) {
    for (Consumer<String> l : listeners) {
      l.accept(namespace);
    }
  }

  public boolean synced() {
    SharedIndexInformer<Pod> i = informer;
    return i != null && i.hasSynced();
  }

  @Override
  public Optional<SlimPod> get(String namespace, String name) {
    return store.get(namespace, name);
  }

  @Override
  public Stream<SlimPod> inNamespace(String namespace) {
    return store.inNamespace(namespace);
  }

  @Override
  public Stream<SlimPod> all() {
    return store.slim();
  }

  public int size() {
    return store.size();
  }

  private static String phase(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }
}
