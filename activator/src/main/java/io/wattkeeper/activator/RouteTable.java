package io.wattkeeper.activator;

import static io.wattkeeper.api.activation.ActivationNames.*;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Which port serves which Service, from the EndpointSlices the operator writes for sleeping
 * workloads (label {@code endpointslice.kubernetes.io/managed-by: wattkeeper.io}). The operator
 * reserves the ports; the activator only follows.
 */
public final class RouteTable implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());
  private final SharedIndexInformer<EndpointSlice> informer;
  private final Consumer<Map<Integer, Route>> onChange;

  public RouteTable(KubernetesClient client, Consumer<Map<Integer, Route>> onChange) {
    this.onChange = onChange;
    informer =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inAnyNamespace()
            .withLabel(LABEL_MANAGED_BY, MANAGED_BY)
            .runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice s) {
            publish();
          }

          @Override
          public void onUpdate(EndpointSlice old, EndpointSlice s) {
            publish();
          }

          @Override
          public void onDelete(EndpointSlice s, boolean unknownFinalState) {
            publish();
          }
        });
  }

  public void start() {
    informer.start().toCompletableFuture().join();
    publish();
  }

  private synchronized void publish() {
    onChange.accept(routes(informer.getStore().list()));
  }

  /** The ports the slices reserve; a port claimed twice goes to the older slice. */
  static Map<Integer, Route> routes(List<EndpointSlice> slices) {
    Map<Integer, Route> out = new TreeMap<>();
    slices.stream()
        .sorted(
            Comparator.comparing(
                    (EndpointSlice s) -> String.valueOf(s.getMetadata().getCreationTimestamp()))
                .thenComparing(
                    s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()))
        .forEach(
            s -> {
              String ns = s.getMetadata().getNamespace();
              String svc = ReadyEndpoints.label(s, LABEL_SERVICE_NAME);
              Map<String, String> ann = s.getMetadata().getAnnotations();
              WorkloadRef w;
              try {
                w = WorkloadRef.parse(ns, ann == null ? null : ann.get(ANNOTATION_WORKLOAD));
              } catch (IllegalArgumentException e) {
                LOG.warning(
                    "EndpointSlice "
                        + ns
                        + "/"
                        + s.getMetadata().getName()
                        + " ignored: annotation "
                        + ANNOTATION_WORKLOAD
                        + ": "
                        + e.getMessage());
                return;
              }
              if (svc == null || s.getPorts() == null) {
                return;
              }
              for (EndpointPort p : s.getPorts()) {
                if (p.getPort() == null) {
                  continue;
                }
                Route r = new Route(p.getPort(), ns, svc, p.getName(), w);
                Route prev = out.putIfAbsent(p.getPort(), r);
                if (prev != null && !prev.equals(r)) {
                  LOG.warning(
                      "port "
                          + p.getPort()
                          + " claimed by "
                          + prev
                          + " and "
                          + r
                          + "; kept the first");
                }
              }
            });
    return out;
  }

  @Override
  public void close() {
    informer.close();
  }
}
