package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattkeeper.sandbox.api.ResourceType.Column;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The resource types the embedded API serves: the built-in ones a sandbox needs, and every
 * CustomResourceDefinition created through the API.
 */
public final class Registry {
  private final List<ResourceType> types = new CopyOnWriteArrayList<>();

  public Registry() {
    core("pods", "pod", "Pod", true, List.of("po"), true, false, Printers.POD);
    core("services", "service", "Service", true, List.of("svc"), true, false, Printers.SERVICE);
    core("endpoints", "endpoints", "Endpoints", true, List.of("ep"), false, false, List.of());
    core("namespaces", "namespace", "Namespace", false, List.of("ns"), true, false, Printers.NS);
    core("nodes", "node", "Node", false, List.of("no"), true, false, Printers.NODE);
    core("events", "event", "Event", true, List.of("ev"), false, false, Printers.EVENT);
    core("configmaps", "configmap", "ConfigMap", true, List.of("cm"), false, false, List.of());
    core("secrets", "secret", "Secret", true, List.of(), false, false, List.of());
    core(
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        true,
        List.of("sa"),
        false,
        false,
        List.of());
    add(
        "apps",
        "v1",
        "deployments",
        "deployment",
        "Deployment",
        true,
        List.of("deploy"),
        true,
        true,
        Printers.DEPLOYMENT);
    add(
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        "ReplicaSet",
        true,
        List.of("rs"),
        true,
        true,
        Printers.REPLICASET);
    add(
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        true,
        List.of("sts"),
        true,
        true,
        Printers.STATEFULSET);
    add(
        "apps",
        "v1",
        "daemonsets",
        "daemonset",
        "DaemonSet",
        true,
        List.of("ds"),
        true,
        false,
        List.of());
    add(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        true,
        List.of("hpa"),
        true,
        false,
        List.of());
    add(
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        "EndpointSlice",
        true,
        List.of(),
        false,
        false,
        Printers.ENDPOINTSLICE);
    add(
        "coordination.k8s.io",
        "v1",
        "leases",
        "lease",
        "Lease",
        true,
        List.of(),
        false,
        false,
        List.of());
    add(
        "events.k8s.io",
        "v1",
        "events",
        "event",
        "Event",
        true,
        List.of("ev"),
        false,
        false,
        List.of());
    add(
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        "ValidatingWebhookConfiguration",
        false,
        List.of(),
        false,
        false,
        List.of());
    add(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        "MutatingWebhookConfiguration",
        false,
        List.of(),
        false,
        false,
        List.of());
    add(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        false,
        List.of("crd", "crds"),
        true,
        false,
        Printers.CRD);
  }

  private void core(
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      boolean status,
      boolean scale,
      List<Column> columns) {
    add("", "v1", plural, singular, kind, namespaced, shortNames, status, scale, columns);
  }

  private void add(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      boolean status,
      boolean scale,
      List<Column> columns) {
    types.add(
        new ResourceType(
            group,
            version,
            plural,
            singular,
            kind,
            namespaced,
            shortNames,
            status,
            scale,
            columns));
  }

  public List<ResourceType> all() {
    return List.copyOf(types);
  }

  public Optional<ResourceType> find(String group, String version, String resource) {
    return types.stream()
        .filter(
            t ->
                t.group().equals(group)
                    && t.version().equals(version)
                    && t.resource().equals(resource))
        .findFirst();
  }

  /** The served type of a kind in an apiVersion ("apps/v1", "Deployment"). */
  public Optional<ResourceType> byKind(String apiVersion, String kind) {
    return types.stream()
        .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
        .findFirst();
  }

  /** Groups and their versions, in registration order (core group excluded). */
  public Map<String, List<String>> groups() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ResourceType t : types) {
      if (!t.group().isEmpty()) {
        List<String> v = out.computeIfAbsent(t.group(), g -> new ArrayList<>());
        if (!v.contains(t.version())) {
          v.add(t.version());
        }
      }
    }
    return out;
  }

  /** Registers (or replaces) the served versions of a CustomResourceDefinition. */
  public List<ResourceType> register(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText();
    JsonNode names = spec.path("names");
    String plural = names.path("plural").asText();
    unregister(group, plural);
    List<ResourceType> added = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(true)) {
        continue;
      }
      List<String> shortNames = new ArrayList<>();
      names.path("shortNames").forEach(s -> shortNames.add(s.asText()));
      List<Column> columns = new ArrayList<>();
      for (JsonNode c : v.path("additionalPrinterColumns")) {
        columns.add(
            new Column(
                c.path("name").asText(),
                c.path("type").asText("string"),
                c.path("jsonPath").asText(),
                c.path("description").asText(""),
                c.path("priority").asInt(0)));
      }
      if (columns.isEmpty()) {
        columns.add(new Column("Age", "date", ".metadata.creationTimestamp", "", 0));
      }
      ResourceType t =
          new ResourceType(
              group,
              v.path("name").asText(),
              plural,
              names.path("singular").asText(plural),
              names.path("kind").asText(),
              "Namespaced".equals(spec.path("scope").asText()),
              List.copyOf(shortNames),
              v.path("subresources").has("status"),
              v.path("subresources").has("scale"),
              List.copyOf(columns));
      types.add(t);
      added.add(t);
    }
    return added;
  }

  public void unregister(String group, String plural) {
    types.removeIf(t -> t.group().equals(group) && t.resource().equals(plural));
  }
}
