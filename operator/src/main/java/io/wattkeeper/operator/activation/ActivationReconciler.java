package io.wattkeeper.operator.activation;

import static io.wattkeeper.api.activation.ActivationNames.*;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.wattkeeper.operator.idle.Workloads;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles Services ("activation-routes"): a Service is re-examined when it changes, when a
 * workload its selector matches changes (sleeps or wakes), when its own EndpointSlices change (its
 * pods become Ready) and when the activator's endpoints change. Never writes the Service: no
 * finalizer, no status.
 */
@ControllerConfiguration(name = ActivationReconciler.NAME, generationAwareEventProcessing = false)
public class ActivationReconciler implements Reconciler<Service> {

  public static final String NAME = "activation-routes";

  private final ActivationRoutes routes;
  private final ActivationConfig config;
  private final KubernetesClient client;
  private InformerEventSource<EndpointSlice, Service> slices;

  public ActivationReconciler(
      ActivationRoutes routes, ActivationConfig config, KubernetesClient client) {
    this.routes = routes;
    this.config = config;
    this.client = client;
  }

  @Override
  public List<EventSource<?, Service>> prepareEventSources(EventSourceContext<Service> ctx) {
    var deployments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, Service.class)
                .withName("activation-deployments")
                .withSecondaryToPrimaryMapper(w -> servicesSelecting(ctx, w))
                .build(),
            ctx);
    var statefulSets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(StatefulSet.class, Service.class)
                .withName("activation-statefulsets")
                .withSecondaryToPrimaryMapper(w -> servicesSelecting(ctx, w))
                .build(),
            ctx);
    slices =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(EndpointSlice.class, Service.class)
                .withName("activation-endpointslices")
                .withSecondaryToPrimaryMapper(this::serviceOf)
                .build(),
            ctx);
    return List.of(deployments, statefulSets, slices);
  }

  private static Set<ResourceID> servicesSelecting(EventSourceContext<Service> ctx, HasMetadata w) {
    Map<String, String> labels = Workloads.templateLabels(w);
    return ctx.getPrimaryCache()
        .list(w.getMetadata().getNamespace())
        .filter(
            s ->
                s.getSpec() != null
                    && (s.getSpec().getSelector() == null
                        || s.getSpec().getSelector().isEmpty()
                        // Selector-less Services: told once per sleep that they are left alone.
                        || ActivationRoutes.matches(s.getSpec().getSelector(), labels)))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private Set<ResourceID> serviceOf(EndpointSlice s) {
    Map<String, String> l = s.getMetadata().getLabels();
    String svc = l == null ? null : l.get(LABEL_SERVICE_NAME);
    if (svc == null) {
      return Set.of();
    }
    String ns = s.getMetadata().getNamespace();
    if (ns.equals(config.namespace()) && svc.equals(config.service())) {
      // The activator's own endpoints moved: every Service routed to it needs the new addresses.
      return client
          .discovery()
          .v1()
          .endpointSlices()
          .inAnyNamespace()
          .withLabel(LABEL_MANAGED_BY, MANAGED_BY)
          .list()
          .getItems()
          .stream()
          .map(
              x ->
                  new ResourceID(
                      x.getMetadata().getLabels().get(LABEL_SERVICE_NAME),
                      x.getMetadata().getNamespace()))
          .collect(Collectors.toSet());
    }
    if (MANAGED_BY.equals(l.get(LABEL_MANAGED_BY))
        || slices.get(new ResourceID(sliceName(svc), ns)).isPresent()) {
      return Set.of(new ResourceID(svc, ns));
    }
    // A Service not routed to the activator: its endpoint churn is none of our business (its
    // workload's sleep arrives as a Deployment/StatefulSet event).
    return Set.of();
  }

  @Override
  public UpdateControl<Service> reconcile(Service svc, Context<Service> ctx) {
    routes.sync(svc);
    return UpdateControl.noUpdate();
  }
}
