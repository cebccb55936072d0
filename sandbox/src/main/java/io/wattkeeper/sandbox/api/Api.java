package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The API's semantics, independent of HTTP: create/get/list/update/patch/delete with
 * resourceVersion preconditions (409), status and scale subresources, defaults the sandbox's types
 * need (Service IPs and node ports, pod phase), CRD registration, admission webhooks on pod
 * creation, finalizers and ownerReference garbage collection. The sandbox's controllers use it
 * directly; kubectl, the operator and the agent through {@link ApiHandler}.
 */
public final class Api {
  private static final Logger LOG = Logger.getLogger(Api.class.getName());
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private final Registry registry;
  private final Store store = new Store();
  private final Clock clock;
  private final Admission admission;
  private final SecureRandom random = new SecureRandom();
  private static final ThreadLocal<String> USER = ThreadLocal.withInitial(() -> "sandbox-admin");
  private int nextClusterIp = 10;
  private int nextNodePort = 30000;

  public Api(Registry registry, Clock clock, Admission admission) {
    this.registry = registry;
    this.clock = clock;
    this.admission = admission;
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      ObjectNode o = Json.object();
      o.put("apiVersion", "v1");
      o.put("kind", "Namespace");
      o.putObject("metadata").put("name", ns);
      create(type("", "namespaces"), null, o);
    }
  }

  /** Runs {@code work} as {@code user} (the name admission webhooks see in userInfo). */
  public static <T> T as(String user, java.util.function.Supplier<T> work) {
    String before = USER.get();
    USER.set(user);
    try {
      return work.get();
    } finally {
      USER.set(before);
    }
  }

  /** Who the current request is from. */
  public static String user() {
    return USER.get();
  }

  public Registry registry() {
    return registry;
  }

  public Store store() {
    return store;
  }

  public Clock clock() {
    return clock;
  }

  /** A served type by group and plural (any version). */
  public ResourceType type(String group, String resource) {
    return registry.all().stream()
        .filter(t -> t.group().equals(group) && t.resource().equals(resource))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no type " + group + "/" + resource));
  }

  public ObjectNode get(ResourceType t, String ns, String name) {
    ObjectNode o = store.get(t.key(), scope(t, ns), name);
    if (o == null) {
      throw ApiError.notFound(t, name);
    }
    return stamp(t, o);
  }

  public List<ObjectNode> list(ResourceType t, String ns, Predicate<JsonNode> filter) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : store.list(t.key(), t.namespaced() ? ns : null)) {
      if (filter.test(o)) {
        out.add(stamp(t, o));
      }
    }
    return out;
  }

  public ObjectNode create(ResourceType t, String ns, ObjectNode body) {
    ObjectNode o = body.deepCopy();
    ObjectNode meta = Json.obj(o, "metadata");
    String namespace = scope(t, ns != null ? ns : Json.at(o, "metadata.namespace"));
    if (t.namespaced()) {
      if (namespace == null || namespace.isEmpty()) {
        throw ApiError.badRequest("the namespace of the object must be given");
      }
      String bodyNs = Json.at(o, "metadata.namespace");
      if (bodyNs != null && !bodyNs.equals(namespace)) {
        throw ApiError.badRequest(
            "the namespace of the provided object does not match the namespace sent on the"
                + " request");
      }
      ObjectNode nsObj = store.get("/namespaces", null, namespace);
      if (nsObj == null) {
        throw ApiError.notFound(type("", "namespaces"), namespace);
      }
      if (nsObj.path("metadata").has("deletionTimestamp")) {
        throw new ApiError(
            403,
            "Forbidden",
            t.resource()
                + " is forbidden: unable to create new content in namespace "
                + namespace
                + " because it is being terminated",
            t.resource(),
            null);
      }
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    String name = Json.at(o, "metadata.name");
    if (name == null || name.isEmpty()) {
      String prefix = Json.at(o, "metadata.generateName");
      if (prefix == null || prefix.isEmpty()) {
        throw ApiError.invalid(
            t, "", "metadata.name: Required value: name or generateName is required");
      }
      name = prefix + randomSuffix();
      meta.put("name", name);
    }
    if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
      throw ApiError.invalid(
          t,
          name,
          "metadata.name: Invalid value: \""
              + name
              + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
              + " characters, '-' or '.', and must start and end with an alphanumeric character");
    }
    checkKind(t, o);
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", now());
    meta.put("generation", 1);
    meta.remove("resourceVersion");
    meta.remove("deletionTimestamp");
    if (t.statusSubresource()
        && !t.key().equals("apiextensions.k8s.io/customresourcedefinitions")) {
      o.remove("status");
    }
    defaults(t, o);
    synchronized (this) {
      if (store.get(t.key(), namespace, name) != null) {
        throw ApiError.alreadyExists(t, name);
      }
    }
    if (t.key().equals("/pods") || isWorkload(t)) {
      admission.admit(this, t, o, null, "CREATE", "");
    }
    synchronized (this) {
      if (store.get(t.key(), namespace, name) != null) {
        throw ApiError.alreadyExists(t, name);
      }
      ObjectNode stored = store.put(t.key(), o);
      afterWrite(t, stored);
      return stamp(t, stored);
    }
  }

  /**
   * PUT of the main resource ({@code sub} null: status kept for types with a status subresource) or
   * of {@code status} (only status taken).
   */
  public synchronized ObjectNode update(
      ResourceType t, String ns, String name, ObjectNode body, String sub) {
    String namespace = scope(t, ns);
    ObjectNode current = store.get(t.key(), namespace, name);
    if (current == null) {
      throw ApiError.notFound(t, name);
    }
    String bodyName = Json.at(body, "metadata.name");
    if (bodyName != null && !bodyName.equals(name)) {
      throw ApiError.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    String want = Json.at(body, "metadata.resourceVersion");
    if (want != null
        && !want.isEmpty()
        && !want.equals(Json.at(current, "metadata.resourceVersion"))) {
      throw ApiError.conflict(t, name);
    }
    checkKind(t, body);
    ObjectNode next;
    if ("status".equals(sub)) {
      next = current.deepCopy();
      if (body.has("status")) {
        next.set("status", body.get("status").deepCopy());
      } else {
        next.remove("status");
      }
    } else {
      next = body.deepCopy();
      if (t.statusSubresource()) {
        if (current.has("status")) {
          next.set("status", current.get("status").deepCopy());
        } else {
          next.remove("status");
        }
      }
      ObjectNode meta = Json.obj(next, "metadata");
      ObjectNode cur = (ObjectNode) current.get("metadata");
      meta.put("name", name);
      if (t.namespaced()) {
        meta.put("namespace", namespace);
      }
      for (String keep : List.of("uid", "creationTimestamp", "generation", "deletionTimestamp")) {
        if (cur.has(keep)) {
          meta.set(keep, cur.get(keep));
        } else {
          meta.remove(keep);
        }
      }
      if (!Store.same(withoutMetaStatus(current), withoutMetaStatus(next))) {
        meta.put("generation", cur.path("generation").asLong(1) + 1);
      }
      defaults(t, next);
      if (isWorkload(t) && !scaling) {
        admission.admit(this, t, stamp(t, next), stamp(t, current), "UPDATE", "");
      }
    }
    if (withoutRv(current).equals(withoutRv(next))) {
      return stamp(t, current); // no change: no new resourceVersion, no watch event
    }
    if (next.path("metadata").has("deletionTimestamp")
        && next.path("metadata").path("finalizers").isEmpty()) {
      ObjectNode gone = store.remove(t.key(), namespace, name);
      afterDelete(t, gone, "Background");
      return stamp(t, gone);
    }
    ObjectNode stored = store.put(t.key(), next);
    afterWrite(t, stored);
    return stamp(t, stored);
  }

  public synchronized ObjectNode patch(
      ResourceType t, String ns, String name, String contentType, byte[] body, String sub) {
    ObjectNode current = store.get(t.key(), scope(t, ns), name);
    if (current == null) {
      throw ApiError.notFound(t, name);
    }
    String rvBefore = Json.at(current, "metadata.resourceVersion");
    ObjectNode patched = Patches.apply(stamp(t, current), contentType, body);
    String rvAfter = Json.at(patched, "metadata.resourceVersion");
    if (rvAfter != null && !rvAfter.equals(rvBefore)) {
      throw ApiError.conflict(t, name);
    }
    Json.obj(patched, "metadata").put("resourceVersion", rvBefore);
    return update(t, ns, name, patched, sub);
  }

  /** The autoscaling/v1 Scale of a workload. */
  public synchronized ObjectNode getScale(ResourceType t, String ns, String name) {
    if (!t.scaleSubresource()) {
      throw ApiError.notFoundPath(t.resource() + "/scale");
    }
    ObjectNode o = get(t, ns, name);
    ObjectNode s = Json.object();
    s.put("kind", "Scale");
    s.put("apiVersion", "autoscaling/v1");
    ObjectNode m = s.putObject("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (o.path("metadata").has(f)) {
        m.set(f, o.path("metadata").get(f));
      }
    }
    s.putObject("spec").put("replicas", o.path("spec").path("replicas").asInt(1));
    ObjectNode st = s.putObject("status");
    st.put("replicas", o.path("status").path("replicas").asInt(0));
    st.put("selector", LabelSelector.fromObject(o.path("spec").path("selector")).toString());
    return s;
  }

  /** A write to /scale: the Scale after {@code change} decides spec.replicas of the workload. */
  public synchronized ObjectNode writeScale(
      ResourceType t, String ns, String name, java.util.function.UnaryOperator<ObjectNode> change) {
    ObjectNode before = getScale(t, ns, name);
    ObjectNode after = change.apply(before.deepCopy());
    String want = Json.at(after, "metadata.resourceVersion");
    if (want != null
        && !want.isEmpty()
        && !want.equals(Json.at(before, "metadata.resourceVersion"))) {
      throw ApiError.conflict(t, name);
    }
    JsonNode replicas = after.path("spec").path("replicas");
    if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
      throw ApiError.invalid(
          t, name, "spec.replicas: Invalid value: must be a non-negative integer");
    }
    if (isWorkload(t) && replicas.asInt() != before.path("spec").path("replicas").asInt()) {
      admission.admit(this, t, after, before, "UPDATE", "scale");
    }
    ObjectNode o = get(t, ns, name);
    ((ObjectNode) o.get("spec")).put("replicas", replicas.asInt());
    scaling = true;
    try {
      update(t, ns, name, o, null);
    } finally {
      scaling = false;
    }
    return getScale(t, ns, name);
  }

  /**
   * Deletes an object. With finalizers it is only marked (deletionTimestamp) until they are
   * removed. Dependents (ownerReferences) are deleted in the background, or orphaned.
   */
  public synchronized ObjectNode delete(
      ResourceType t, String ns, String name, String propagation) {
    String namespace = scope(t, ns);
    ObjectNode current = store.get(t.key(), namespace, name);
    if (current == null) {
      throw ApiError.notFound(t, name);
    }
    ObjectNode meta = (ObjectNode) current.get("metadata");
    if (meta.path("finalizers").size() > 0) {
      if (!meta.has("deletionTimestamp")) {
        meta.put("deletionTimestamp", now());
        meta.put("deletionGracePeriodSeconds", 0);
        ObjectNode stored = store.put(t.key(), current);
        return stamp(t, stored);
      }
      return stamp(t, current);
    }
    ObjectNode gone = store.remove(t.key(), namespace, name);
    afterDelete(t, gone, propagation);
    return stamp(t, gone);
  }

  private boolean scaling;

  private static boolean isWorkload(ResourceType t) {
    return t.key().equals("apps/deployments") || t.key().equals("apps/statefulsets");
  }

  private void afterDelete(ResourceType t, ObjectNode gone, String propagation) {
    String uid = Json.at(gone, "metadata.uid");
    if (t.key().equals("/namespaces")) {
      String ns = Json.at(gone, "metadata.name");
      for (ResourceType rt : registry.all()) {
        if (rt.namespaced()) {
          for (ObjectNode o : store.list(rt.key(), ns)) {
            store.remove(rt.key(), ns, Json.at(o, "metadata.name"));
          }
        }
      }
    }
    if (t.key().equals("apiextensions.k8s.io/customresourcedefinitions")) {
      String group = Json.at(gone, "spec.group");
      String plural = Json.at(gone, "spec.names.plural");
      for (ObjectNode o : store.list(group + "/" + plural, null)) {
        store.remove(
            group + "/" + plural, Json.at(o, "metadata.namespace"), Json.at(o, "metadata.name"));
      }
      registry.unregister(group, plural);
    }
    collectDependents(uid, "Orphan".equals(propagation));
  }

  /** ownerReference garbage collection, as kube-controller-manager's garbage collector. */
  private void collectDependents(String ownerUid, boolean orphan) {
    for (Map.Entry<String, ObjectNode> e : store.all()) {
      ObjectNode o = e.getValue();
      JsonNode refs = o.path("metadata").path("ownerReferences");
      if (!refs.isArray() || refs.isEmpty()) {
        continue;
      }
      ArrayNode kept = Json.array();
      boolean owned = false;
      for (JsonNode r : refs) {
        if (ownerUid.equals(r.path("uid").asText())) {
          owned = true;
        } else {
          kept.add(r);
        }
      }
      if (!owned) {
        continue;
      }
      String ns = Json.at(o, "metadata.namespace");
      String name = Json.at(o, "metadata.name");
      if (orphan || kept.size() > 0) {
        ((ObjectNode) o.get("metadata")).set("ownerReferences", kept);
        store.put(e.getKey(), o);
      } else {
        ObjectNode gone = store.remove(e.getKey(), ns, name);
        if (gone != null) {
          collectDependents(Json.at(gone, "metadata.uid"), false);
        }
      }
    }
  }

  /** What a write changes besides the object: CRD registration. */
  private void afterWrite(ResourceType t, ObjectNode stored) {
    if (t.key().equals("apiextensions.k8s.io/customresourcedefinitions")) {
      registry.register(stored);
    }
  }

  private void defaults(ResourceType t, ObjectNode o) {
    ObjectNode spec = o.has("spec") && o.get("spec").isObject() ? (ObjectNode) o.get("spec") : null;
    switch (t.key()) {
      case "/namespaces" -> {
        Json.obj(o, "status")
            .put("phase", o.path("metadata").has("deletionTimestamp") ? "Terminating" : "Active");
        Json.obj(Json.obj(o, "metadata"), "labels")
            .put("kubernetes.io/metadata.name", Json.at(o, "metadata.name"));
      }
      case "/pods" -> {
        if (!o.has("status")) {
          ObjectNode st = o.putObject("status");
          st.put("phase", "Pending");
          st.put("qosClass", qosClass(o));
        }
        if (spec != null) {
          if (!spec.has("restartPolicy")) {
            spec.put("restartPolicy", "Always");
          }
          if (!spec.has("schedulerName")) {
            spec.put("schedulerName", "default-scheduler");
          }
          if (!spec.has("serviceAccountName")) {
            spec.put("serviceAccountName", "default");
          }
        }
      }
      case "/services" -> {
        if (spec != null) {
          if (!spec.has("type")) {
            spec.put("type", "ClusterIP");
          }
          if (!spec.has("clusterIP")) {
            int n = nextClusterIp++;
            spec.put("clusterIP", "10.96." + (n / 250) + "." + (n % 250 + 1));
            spec.putArray("clusterIPs").add(spec.get("clusterIP").asText());
          }
          Set<Integer> used = usedNodePorts(Json.at(o, "metadata.uid"));
          for (JsonNode p : spec.path("ports")) {
            ObjectNode port = (ObjectNode) p;
            if (!port.has("protocol")) {
              port.put("protocol", "TCP");
            }
            if (!port.has("targetPort")) {
              port.set("targetPort", port.get("port"));
            }
            if ("NodePort".equals(spec.path("type").asText()) && !port.has("nodePort")) {
              // Skip ports taken on this machine too (another sandbox, any server): the sandbox's
              // kube-proxy listens on 127.0.0.1:<nodePort>, and a taken port would silently send
              // the Service's traffic to whoever holds it.
              while (used.contains(nextNodePort) || !loopbackPortFree(nextNodePort)) {
                nextNodePort++;
              }
              port.put("nodePort", nextNodePort);
              used.add(nextNodePort++);
            }
          }
          if (!spec.has("sessionAffinity")) {
            spec.put("sessionAffinity", "None");
          }
        }
      }
      case "apps/deployments", "apps/replicasets", "apps/statefulsets" -> {
        if (spec != null && !spec.has("replicas")) {
          spec.put("replicas", 1);
        }
      }
      case "apiextensions.k8s.io/customresourcedefinitions" -> {
        ObjectNode st = Json.obj(o, "status");
        ArrayNode conds = st.putArray("conditions");
        for (String c : List.of("NamesAccepted", "Established")) {
          ObjectNode cond = conds.addObject();
          cond.put("type", c);
          cond.put("status", "True");
          cond.put("lastTransitionTime", now());
          cond.put("reason", c.equals("Established") ? "InitialNamesAccepted" : "NoConflicts");
          cond.put(
              "message",
              c.equals("Established")
                  ? "the initial names have been accepted"
                  : "no conflicts found");
        }
        st.set("acceptedNames", o.path("spec").path("names").deepCopy());
        ArrayNode stored = st.putArray("storedVersions");
        for (JsonNode v : o.path("spec").path("versions")) {
          if (v.path("storage").asBoolean()) {
            stored.add(v.path("name").asText());
          }
        }
      }
      default -> {}
    }
  }

  /** Whether 127.0.0.1:{@code port} can be listened on now (nobody else listens there). */
  static boolean loopbackPortFree(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private Set<Integer> usedNodePorts(String exceptUid) {
    Set<Integer> used = new HashSet<>();
    for (ObjectNode s : store.list("/services", null)) {
      if (exceptUid != null && exceptUid.equals(Json.at(s, "metadata.uid"))) {
        continue;
      }
      for (JsonNode p : s.path("spec").path("ports")) {
        if (p.has("nodePort")) {
          used.add(p.get("nodePort").asInt());
        }
      }
    }
    return used;
  }

  /** Guaranteed, Burstable or BestEffort, from the containers' requests and limits. */
  static String qosClass(ObjectNode pod) {
    boolean any = false;
    boolean guaranteed = true;
    for (JsonNode c : pod.path("spec").path("containers")) {
      JsonNode req = c.path("resources").path("requests");
      JsonNode lim = c.path("resources").path("limits");
      if (req.size() > 0 || lim.size() > 0) {
        any = true;
      }
      for (String r : List.of("cpu", "memory")) {
        JsonNode l = lim.get(r);
        JsonNode q = req.has(r) ? req.get(r) : l;
        if (l == null || q == null || !l.asText().equals(q.asText())) {
          guaranteed = false;
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private void checkKind(ResourceType t, ObjectNode o) {
    String kind = Json.at(o, "kind");
    if (kind != null && !kind.isEmpty() && !kind.equals(t.kind())) {
      throw ApiError.badRequest(
          "the object's kind "
              + kind
              + " does not match the URL's resource "
              + t.resource()
              + " (kind "
              + t.kind()
              + ")");
    }
  }

  /** Sets apiVersion and kind as the type is served (objects are stored without a version). */
  private static ObjectNode stamp(ResourceType t, ObjectNode o) {
    ObjectNode out = Json.object();
    out.put("apiVersion", t.apiVersion());
    out.put("kind", t.kind());
    o.fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                out.set(e.getKey(), e.getValue());
              }
            });
    return out;
  }

  private static ObjectNode withoutMetaStatus(ObjectNode o) {
    ObjectNode c = o.deepCopy();
    c.remove("metadata");
    c.remove("status");
    c.remove("apiVersion");
    c.remove("kind");
    return c;
  }

  private static ObjectNode withoutRv(ObjectNode o) {
    ObjectNode c = o.deepCopy();
    Json.obj(c, "metadata").remove("resourceVersion");
    c.remove("apiVersion");
    c.remove("kind");
    return c;
  }

  private static String scope(ResourceType t, String ns) {
    return t.namespaced() ? ns : null;
  }

  private String randomSuffix() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return b.toString();
  }

  public String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static Logger log() {
    return LOG;
  }
}
