package io.wattkeeper.activator;

import static io.wattkeeper.api.activation.ActivationNames.*;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The Ready endpoints of each Service, from the Services' own EndpointSlices (ours excluded), kept
 * by a watch: a workload's first Ready pod releases its held connections as soon as the endpoint
 * controller publishes it.
 */
public final class ReadyEndpoints implements AutoCloseable {

  private static final String BY_SERVICE = "service";
  private final SharedIndexInformer<EndpointSlice> informer;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * @param changed told {@code namespace/service} after each change of that Service's slices
   */
  public ReadyEndpoints(KubernetesClient client, Consumer<String> changed) {
    informer = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    informer.addIndexers(
        Map.of(
            BY_SERVICE,
            s -> {
              String svc = label(s, LABEL_SERVICE_NAME);
              return svc == null || MANAGED_BY.equals(label(s, LABEL_MANAGED_BY))
                  ? List.of()
                  : List.of(s.getMetadata().getNamespace() + "/" + svc);
            }));
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice s) {
            tell(s);
          }

          @Override
          public void onUpdate(EndpointSlice old, EndpointSlice s) {
            tell(s);
          }

          @Override
          public void onDelete(EndpointSlice s, boolean unknownFinalState) {
            tell(s);
          }

          private void tell(EndpointSlice s) {
            String svc = label(s, LABEL_SERVICE_NAME);
            if (svc != null && !MANAGED_BY.equals(label(s, LABEL_MANAGED_BY))) {
              changed.accept(s.getMetadata().getNamespace() + "/" + svc);
            }
          }
        });
  }

  public void start() {
    informer.start().toCompletableFuture().join();
  }

  /** All Ready endpoints of the route's Service port, in slice order. */
  public List<InetSocketAddress> ready(Route r) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (EndpointSlice s : informer.getIndexer().byIndex(BY_SERVICE, r.serviceKey())) {
      Integer port = null;
      if (s.getPorts() != null) {
        for (EndpointPort p : s.getPorts()) {
          if (Objects.equals(blank(p.getName()), blank(r.portName())) && p.getPort() != null) {
            port = p.getPort();
          }
        }
      }
      if (port == null || s.getEndpoints() == null) {
        continue;
      }
      for (Endpoint e : s.getEndpoints()) {
        // The API says an absent ready condition means ready.
        boolean ready =
            e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
        if (ready && e.getAddresses() != null && !e.getAddresses().isEmpty()) {
          out.add(InetSocketAddress.createUnresolved(e.getAddresses().get(0), port));
        }
      }
    }
    return out;
  }

  /** One Ready endpoint, spreading connections over them; null when none. */
  public InetSocketAddress pick(Route r) {
    List<InetSocketAddress> all = ready(r);
    return all.isEmpty() ? null : all.get(Math.floorMod(next.getAndIncrement(), all.size()));
  }

  @Override
  public void close() {
    informer.close();
  }

  private static String blank(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static String label(EndpointSlice s, String key) {
    Map<String, String> l = s.getMetadata().getLabels();
    return l == null ? null : l.get(key);
  }
}
