package io.wattkeeper.operator.idle;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Finds the HPA or KEDA ScaledObject that targets a workload. */
@ApplicationScoped
public class Autoscalers {

  private static final Logger LOG = Logger.getLogger(Autoscalers.class);

  /** Explicit plural: the mock server has no discovery, and a real cluster may lack KEDA. */
  public static final ResourceDefinitionContext SCALED_OBJECT =
      new ResourceDefinitionContext.Builder()
          .withGroup("keda.sh")
          .withVersion("v1alpha1")
          .withKind("ScaledObject")
          .withPlural("scaledobjects")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;

  public Autoscalers(KubernetesClient client) {
    this.client = client;
  }

  public Optional<HorizontalPodAutoscaler> hpaFor(HasMetadata w) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(w.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(
            h ->
                h.getSpec() != null
                    && h.getSpec().getScaleTargetRef() != null
                    && w.getKind().equals(h.getSpec().getScaleTargetRef().getKind())
                    && w.getMetadata().getName().equals(h.getSpec().getScaleTargetRef().getName()))
        .findFirst();
  }

  public Optional<GenericKubernetesResource> scaledObjectFor(HasMetadata w) {
    try {
      return client
          .genericKubernetesResources(SCALED_OBJECT)
          .inNamespace(w.getMetadata().getNamespace())
          .list()
          .getItems()
          .stream()
          .filter(so -> targets(so, w))
          .findFirst();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        // KEDA is not installed: no ScaledObject can target anything.
        LOG.debugf("no ScaledObjects API: %s", e.getMessage());
        return Optional.empty();
      }
      throw e;
    }
  }

  public Optional<GenericKubernetesResource> scaledObject(String namespace, String name) {
    try {
      return Optional.ofNullable(
          client
              .genericKubernetesResources(SCALED_OBJECT)
              .inNamespace(namespace)
              .withName(name)
              .get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  static boolean targets(GenericKubernetesResource so, HasMetadata w) {
    Object spec = so.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> s) || !(s.get("scaleTargetRef") instanceof Map<?, ?> ref)) {
      return false;
    }
    Object kind = ((Map<String, Object>) ref).getOrDefault("kind", "Deployment");
    return w.getKind().equals(kind) && w.getMetadata().getName().equals(ref.get("name"));
  }
}
