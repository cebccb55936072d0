package io.wattkeeper.operator.activation;

import static io.wattkeeper.api.activation.ActivationNames.*;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.events.KubeEvents;
import io.wattkeeper.operator.idle.SleepAnnotations;
import io.wattkeeper.operator.idle.Sleeper;
import io.wattkeeper.operator.idle.Workloads;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Puts the activator in a Service's path while the workload behind it sleeps, and takes it out
 * again once the workload is awake with a Ready endpoint: by one EndpointSlice of our own per
 * Service, next to the Service's own slices. The user's Service, workload and slices are never
 * edited. Each call re-reads what it needs, so it is safe to repeat and to run after a restart.
 */
@ApplicationScoped
public class ActivationRoutes {

  private static final Logger LOG = Logger.getLogger(ActivationRoutes.class);

  /** What one pass did to a Service. */
  public enum Result {
    NOT_APPLICABLE,
    SKIPPED_HEADLESS,
    NO_ACTIVATOR,
    WRITTEN,
    UNCHANGED,
    REMOVED
  }

  private final KubernetesClient client;
  private final ActivationConfig config;
  private final KubeEvents events;
  // Headless Services already reported, per Service uid and sleep: one Event per sleep.
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  public ActivationRoutes(KubernetesClient client, ActivationConfig config, KubeEvents events) {
    this.client = client;
    this.config = config;
    this.events = events;
  }

  public Result sync(Service svc) {
    String ns = svc.getMetadata().getNamespace();
    String name = svc.getMetadata().getName();
    EndpointSlice ours =
        client.discovery().v1().endpointSlices().inNamespace(ns).withName(sliceName(name)).get();
    if (ours != null && !MANAGED_BY.equals(label(ours, LABEL_MANAGED_BY))) {
      // A slice of that name that is not ours: never touch it.
      LOG.warnf(
          "EndpointSlice %s/%s exists and is not ours; %s left alone",
          ns, ours.getMetadata().getName(), name);
      return Result.NOT_APPLICABLE;
    }
    Map<String, String> selector = svc.getSpec() == null ? null : svc.getSpec().getSelector();
    if (!config.enabled()) {
      return remove(ours);
    }
    if (selector == null || selector.isEmpty()) {
      // Without a selector nothing ties the Service to a workload: its endpoints are the user's.
      // Say so once per sleep of each workload of the namespace, in case it fronts one of them.
      if (ours == null) {
        asleepIn(ns)
            .forEach(w -> reportSkipped(svc, w, "has no selector (its endpoints are yours)"));
      }
      return remove(ours);
    }
    List<HasMetadata> workloads = workloadsSelectedBy(ns, selector);
    Optional<HasMetadata> asleep =
        workloads.stream().filter(w -> SleepAnnotations.asleep(Sleeper.annotations(w))).findFirst();
    boolean headless = "None".equals(svc.getSpec().getClusterIP());
    if (headless) {
      asleep.ifPresent(
          w -> reportSkipped(svc, w, "is headless (clients resolve pod addresses themselves)"));
      return ours == null ? Result.SKIPPED_HEADLESS : remove(ours);
    }
    HasMetadata target;
    if (asleep.isPresent()) {
      target = asleep.get();
    } else if (ours != null) {
      // Awake again: keep the activator in the path until the Service has a Ready endpoint of
      // its own, so a client arriving during start-up is held instead of refused.
      Optional<HasMetadata> waking =
          workloads.stream().filter(w -> Workloads.replicas(w) > 0).findFirst();
      if (waking.isEmpty() || hasReadyEndpoint(ns, name)) {
        return remove(ours);
      }
      target = waking.get();
    } else {
      return Result.NOT_APPLICABLE;
    }
    List<String> addresses = activatorAddresses();
    if (addresses.isEmpty()) {
      LOG.warnf(
          "no Ready activator endpoint (%s/%s): %s/%s stays without endpoints while %s sleeps",
          config.namespace(), config.service(), ns, name, Workloads.key(target));
      return Result.NO_ACTIVATOR;
    }
    EndpointSlice want = desired(svc, target, ours, addresses);
    if (ours != null && same(ours, want)) {
      return Result.UNCHANGED;
    }
    var op = client.discovery().v1().endpointSlices().inNamespace(ns).resource(want);
    if (ours == null) {
      op.create();
      LOG.infof(
          "%s/%s routed to the activator while %s sleeps (ports %s)",
          ns, name, Workloads.key(target), ports(want));
    } else {
      want.getMetadata().setResourceVersion(ours.getMetadata().getResourceVersion());
      op.update();
    }
    return Result.WRITTEN;
  }

  private Result remove(EndpointSlice ours) {
    if (ours == null) {
      return Result.NOT_APPLICABLE;
    }
    client.discovery().v1().endpointSlices().resource(ours).delete();
    LOG.infof(
        "%s/%s: activator taken out of the path",
        ours.getMetadata().getNamespace(), label(ours, LABEL_SERVICE_NAME));
    return Result.REMOVED;
  }

  private EndpointSlice desired(
      Service svc, HasMetadata workload, EndpointSlice ours, List<String> addresses) {
    Map<String, Integer> kept = new HashMap<>();
    if (ours != null && ours.getPorts() != null) {
      ours.getPorts().forEach(p -> kept.put(key(p.getName()), p.getPort()));
    }
    Set<Integer> used = null;
    List<EndpointPort> ports = new ArrayList<>();
    for (ServicePort sp : svc.getSpec().getPorts()) {
      if (sp.getProtocol() != null && !"TCP".equals(sp.getProtocol())) {
        continue; // the activator speaks TCP only
      }
      Integer port = kept.get(key(sp.getName()));
      if (port == null) {
        if (used == null) {
          used = reservedPorts();
        }
        port = free(used);
        used.add(port);
      }
      ports.add(
          new EndpointPortBuilder()
              .withName(sp.getName() == null ? "" : sp.getName())
              .withPort(port)
              .withProtocol("TCP")
              .withAppProtocol(sp.getAppProtocol())
              .build());
    }
    List<Endpoint> endpoints = new ArrayList<>();
    for (String a : addresses) {
      endpoints.add(
          new EndpointBuilder()
              .withAddresses(a)
              .withNewConditions()
              .withReady(true)
              .withServing(true)
              .withTerminating(false)
              .endConditions()
              .build());
    }
    String ns = svc.getMetadata().getNamespace();
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(sliceName(svc.getMetadata().getName()))
        .withNamespace(ns)
        .addToLabels(LABEL_SERVICE_NAME, svc.getMetadata().getName())
        .addToLabels(LABEL_MANAGED_BY, MANAGED_BY)
        .addToAnnotations(ANNOTATION_WORKLOAD, Workloads.key(workload))
        // Deleting the Service deletes the slice (garbage collection); the Service is not edited.
        .addToOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Service")
                .withName(svc.getMetadata().getName())
                .withUid(svc.getMetadata().getUid())
                .build())
        .endMetadata()
        .withAddressType(addresses.get(0).contains(":") ? "IPv6" : "IPv4")
        .withPorts(ports)
        .withEndpoints(endpoints)
        .build();
  }

  private static boolean same(EndpointSlice have, EndpointSlice want) {
    Map<String, String> ann = have.getMetadata().getAnnotations();
    return Objects.equals(have.getPorts(), want.getPorts())
        && Objects.equals(have.getEndpoints(), want.getEndpoints())
        && Objects.equals(have.getAddressType(), want.getAddressType())
        && ann != null
        && Objects.equals(
            ann.get(ANNOTATION_WORKLOAD),
            want.getMetadata().getAnnotations().get(ANNOTATION_WORKLOAD));
  }

  /** Ports of every activator slice in the cluster: one port serves one Service port. */
  private Set<Integer> reservedPorts() {
    Set<Integer> used = new HashSet<>();
    for (EndpointSlice s :
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inAnyNamespace()
            .withLabel(LABEL_MANAGED_BY, MANAGED_BY)
            .list()
            .getItems()) {
      if (s.getPorts() != null) {
        s.getPorts().forEach(p -> used.add(p.getPort()));
      }
    }
    return used;
  }

  private int free(Set<Integer> used) {
    for (int p = config.portRangeStart(); p <= config.portRangeEnd(); p++) {
      if (!used.contains(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no free activator port in "
            + config.portRangeStart()
            + "-"
            + config.portRangeEnd()
            + " (wattkeeper.activator.port-range-*)");
  }

  List<String> activatorAddresses() {
    if (config.addresses().isPresent() && !config.addresses().get().isEmpty()) {
      return config.addresses().get();
    }
    List<String> out = new ArrayList<>();
    for (EndpointSlice s :
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(config.namespace())
            .withLabel(LABEL_SERVICE_NAME, config.service())
            .list()
            .getItems()) {
      if (s.getEndpoints() != null) {
        for (Endpoint e : s.getEndpoints()) {
          if (ready(e) && e.getAddresses() != null && !e.getAddresses().isEmpty()) {
            out.add(e.getAddresses().get(0));
          }
        }
      }
    }
    out.sort(String::compareTo); // stable order: no rewrite when only the list order changes
    return out;
  }

  private boolean hasReadyEndpoint(String ns, String service) {
    for (EndpointSlice s :
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(ns)
            .withLabel(LABEL_SERVICE_NAME, service)
            .list()
            .getItems()) {
      if (MANAGED_BY.equals(label(s, LABEL_MANAGED_BY)) || s.getEndpoints() == null) {
        continue;
      }
      if (s.getEndpoints().stream().anyMatch(ActivationRoutes::ready)) {
        return true;
      }
    }
    return false;
  }

  /** Deployments and StatefulSets whose pod template the selector matches. */
  private List<HasMetadata> workloadsSelectedBy(String ns, Map<String, String> selector) {
    List<HasMetadata> out = new ArrayList<>();
    client.apps().deployments().inNamespace(ns).list().getItems().stream()
        .filter(d -> matches(selector, Workloads.templateLabels(d)))
        .forEach(out::add);
    client.apps().statefulSets().inNamespace(ns).list().getItems().stream()
        .filter(s -> matches(selector, Workloads.templateLabels(s)))
        .forEach(out::add);
    out.sort(java.util.Comparator.comparing(Workloads::key));
    return out;
  }

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return selector.entrySet().stream()
        .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }

  private void reportSkipped(Service svc, HasMetadata w, String why) {
    String since = Sleeper.annotations(w).getOrDefault(SleepAnnotations.ASLEEP_SINCE, "");
    if (reported.add(svc.getMetadata().getUid() + "|" + Workloads.key(w) + "|" + since)) {
      events.normal(
          w,
          "ActivatorSkipped",
          "Service "
              + svc.getMetadata().getName()
              + " "
              + why
              + ", so it is not routed through the activator while asleep; wake with the"
              + " annotation "
              + Api.ANNOTATION_WAKE);
    }
  }

  private List<HasMetadata> asleepIn(String ns) {
    List<HasMetadata> out = new ArrayList<>();
    client.apps().deployments().inNamespace(ns).list().getItems().stream()
        .filter(d -> SleepAnnotations.asleep(Sleeper.annotations(d)))
        .forEach(out::add);
    client.apps().statefulSets().inNamespace(ns).list().getItems().stream()
        .filter(d -> SleepAnnotations.asleep(Sleeper.annotations(d)))
        .forEach(out::add);
    return out;
  }

  private static boolean ready(Endpoint e) {
    return e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
  }

  private static String key(String portName) {
    return portName == null ? "" : portName;
  }

  private static String label(HasMetadata o, String key) {
    Map<String, String> l = o.getMetadata().getLabels();
    return l == null ? null : l.get(key);
  }

  private static String ports(EndpointSlice s) {
    return s.getPorts().stream().map(p -> key(p.getName()) + "=" + p.getPort()).toList().toString();
  }
}
