package io.wattkeeper.api.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The chart rendered by helm-java (embedded Helm 3) and parsed into Fabric8 model classes; kinds
 * Fabric8 has no class for (ServiceMonitor, PrometheusRule, Certificate) come back as {@link
 * GenericKubernetesResource}.
 */
public record Rendered(List<HasMetadata> objects) {

  public static final Path CHART =
      Path.of(System.getProperty("wattkeeper.repoRoot", ".."))
          .normalize()
          .resolve("helm/wattkeeper");

  public static final String RELEASE = "wk";
  public static final String NAMESPACE = "wattkeeper";

  /** Every optional feature on. */
  public static final Map<String, String> ALL_ON =
      Map.ofEntries(
          Map.entry("metrics.serviceMonitor.enabled", "true"),
          Map.entry("metrics.scraper.serviceAccount", "prometheus"),
          Map.entry("metrics.scraper.namespace", "monitoring"),
          Map.entry("prometheusRule.enabled", "true"),
          Map.entry("grafanaDashboard.enabled", "true"),
          Map.entry("networkPolicy.enabled", "true"),
          Map.entry("agent.gpu.enabled", "true"),
          Map.entry("webhook.certManager.enabled", "true"));

  public static Rendered render(Map<String, String> values) {
    return render(
        t -> {
          values.forEach(t::set);
          return t;
        });
  }

  public static Rendered render(UnaryOperator<TemplateCommand> values) {
    String out =
        values
            .apply(
                new Helm(CHART)
                    .template()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    // The helm CLI renders for its client-go's Kubernetes (1.30+ for Helm 3.15+);
                    // helm-java, a library build, says 1.20. Render as for a current cluster.
                    .withKubeVersion("1.31.0")
                    // helm-java's template calls a cluster for lookup (helm template returns
                    // nothing); without one, render as a first install would.
                    .set("webhook.reuseCertificate", "false"))
            .call();
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : out.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(Serialization.unmarshal(doc));
      }
    }
    return new Rendered(objects);
  }

  public <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The one object of a type whose name ends with the suffix. */
  public <T extends HasMetadata> T one(Class<T> type, String nameSuffix) {
    List<T> found =
        all(type).stream().filter(o -> o.getMetadata().getName().endsWith(nameSuffix)).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.getSimpleName() + " *" + nameSuffix + ", found " + found.size());
    }
    return found.get(0);
  }

  public List<GenericKubernetesResource> kind(String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(o -> o.getKind().equals(kind))
        .toList();
  }
}
