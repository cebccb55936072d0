package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Discovery documents as a real API server serves them (legacy, unaggregated form, which kubectl
 * falls back to): /api, /apis, /apis/{group}, the APIResourceLists, and enough of OpenAPI v3 for
 * kubectl to see that the server validates fields itself (so kubectl apply validates without a
 * schema download).
 */
public final class Discovery {
  static final String VERSION = "v1.32.0";
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final Set<String> IN_ALL =
      Set.of(
          "/pods",
          "/services",
          "apps/deployments",
          "apps/replicasets",
          "apps/statefulsets",
          "apps/daemonsets",
          "autoscaling/horizontalpodautoscalers");

  private Discovery() {}

  static ObjectNode apiVersions(String serverAddress) {
    ObjectNode o = Json.object();
    o.put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    ObjectNode cidr = o.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return o;
  }

  static ObjectNode groupList(Registry registry) {
    ObjectNode o = Json.object();
    o.put("kind", "APIGroupList");
    o.put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
      groups.add(group(g.getKey(), g.getValue()));
    }
    return o;
  }

  static ObjectNode group(String name, List<String> versions) {
    ObjectNode g = Json.object();
    g.put("kind", "APIGroup");
    g.put("apiVersion", "v1");
    g.put("name", name);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      ObjectNode e = vs.addObject();
      e.put("groupVersion", name + "/" + v);
      e.put("version", v);
    }
    ObjectNode pref = g.putObject("preferredVersion");
    pref.put("groupVersion", name + "/" + versions.get(0));
    pref.put("version", versions.get(0));
    return g;
  }

  static ObjectNode resourceList(Registry registry, String group, String version) {
    ObjectNode o = Json.object();
    o.put("kind", "APIResourceList");
    o.put("apiVersion", "v1");
    o.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode rs = o.putArray("resources");
    for (ResourceType t : registry.all()) {
      if (!t.group().equals(group) || !t.version().equals(version)) {
        continue;
      }
      ObjectNode r = rs.addObject();
      r.put("name", t.resource());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      VERBS.forEach(r.putArray("verbs")::add);
      if (!t.shortNames().isEmpty()) {
        t.shortNames().forEach(r.putArray("shortNames")::add);
      }
      if (IN_ALL.contains(t.key())) {
        r.putArray("categories").add("all");
      }
      if (t.statusSubresource()) {
        ObjectNode s = rs.addObject();
        s.put("name", t.resource() + "/status");
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        s.put("kind", t.kind());
        s.putArray("verbs").add("get").add("patch").add("update");
      }
      if (t.scaleSubresource()) {
        ObjectNode s = rs.addObject();
        s.put("name", t.resource() + "/scale");
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        s.put("group", "autoscaling");
        s.put("version", "v1");
        s.put("kind", "Scale");
        s.putArray("verbs").add("get").add("patch").add("update");
      }
      if (t.key().equals("/pods")) {
        ObjectNode s = rs.addObject();
        s.put("name", "pods/log");
        s.put("singularName", "");
        s.put("namespaced", true);
        s.put("kind", "Pod");
        s.putArray("verbs").add("get");
      }
    }
    return o;
  }

  static ObjectNode version() {
    ObjectNode o = Json.object();
    o.put("major", "1");
    o.put("minor", "32");
    o.put("gitVersion", VERSION + "+wattkeeper-sandbox");
    o.put("gitCommit", "");
    o.put("gitTreeState", "clean");
    o.put("buildDate", "2026-01-01T00:00:00Z");
    o.put("goVersion", "java" + System.getProperty("java.version"));
    o.put("compiler", "wattkeeper-sandbox");
    o.put("platform", "linux/amd64");
    return o;
  }

  /** The OpenAPI v3 index: one document per group-version. */
  static ObjectNode openApiIndex(Registry registry) {
    ObjectNode o = Json.object();
    ObjectNode paths = o.putObject("paths");
    String hash = Integer.toHexString(registry.all().hashCode());
    paths.putObject("api/v1").put("serverRelativeURL", "/openapi/v3/api/v1?hash=" + hash);
    for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
      for (String v : g.getValue()) {
        String p = "apis/" + g.getKey() + "/" + v;
        paths.putObject(p).put("serverRelativeURL", "/openapi/v3/" + p + "?hash=" + hash);
      }
    }
    return o;
  }

  /**
   * A group-version's OpenAPI v3 document: each kind's PATCH operation with the fieldValidation
   * parameter (what kubectl checks before it leaves validation to the server). No schemas.
   */
  static ObjectNode openApi(Registry registry, String group, String version) {
    ObjectNode o = Json.object();
    o.put("openapi", "3.0.0");
    ObjectNode info = o.putObject("info");
    info.put("title", "Kubernetes (Wattkeeper sandbox)");
    info.put("version", VERSION);
    ObjectNode paths = o.putObject("paths");
    boolean any = false;
    for (ResourceType t : registry.all()) {
      if (!t.group().equals(group) || !t.version().equals(version)) {
        continue;
      }
      any = true;
      String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
      String path =
          prefix + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.resource() + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch.put("operationId", "patch" + t.kind());
      ObjectNode p = patch.putArray("parameters").addObject();
      p.put("name", "fieldValidation");
      p.put("in", "query");
      p.put("description", "accepted; the sandbox has no schemas to validate against");
      p.putObject("schema").put("type", "string");
      patch.putObject("responses").putObject("200").put("description", "OK");
      patch.put("x-kubernetes-action", "patch");
      ObjectNode gvk = patch.putObject("x-kubernetes-group-version-kind");
      gvk.put("group", group);
      gvk.put("version", version);
      gvk.put("kind", t.kind());
    }
    o.putObject("components").putObject("schemas");
    return any ? o : null;
  }
}
