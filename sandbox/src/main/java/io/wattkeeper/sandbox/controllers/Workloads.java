package io.wattkeeper.sandbox.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Api;
import io.wattkeeper.sandbox.api.ApiError;
import io.wattkeeper.sandbox.api.Json;
import io.wattkeeper.sandbox.api.LabelSelector;
import io.wattkeeper.sandbox.api.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The replica controllers of kube-controller-manager, simplified: a Deployment owns one ReplicaSet
 * per pod template (named by the template's hash; older ones are scaled to 0, as after a rollout
 * with maxSurge 100%), and a ReplicaSet creates and deletes pods until it owns spec.replicas of
 * them. Pod creations go through admission, so a webhook can deny them; that is recorded as a
 * ReplicaFailure condition and a FailedCreate Event, and retried with back-off.
 */
public final class Workloads {
  private final Api api;
  private final Consumer<String> log;
  private final ResourceType deployments;
  private final ResourceType replicaSets;
  private final ResourceType pods;
  private final ResourceType events;
  private final Map<String, Long> retryAt = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();

  public Workloads(Api api, Consumer<String> log) {
    this.api = api;
    this.log = log;
    this.deployments = api.type("apps", "deployments");
    this.replicaSets = api.type("apps", "replicasets");
    this.pods = api.type("", "pods");
    this.events = api.type("", "events");
  }

  /** One pass over every Deployment and ReplicaSet. */
  public synchronized void sync() {
    for (ObjectNode d : api.list(deployments, null, o -> true)) {
      try {
        deployment(d);
      } catch (ApiError e) {
        if (e.code() != 409 && e.code() != 404) {
          log.accept("deployment controller: " + key(d) + ": " + e.getMessage());
        }
      }
    }
    for (ObjectNode rs : api.list(replicaSets, null, o -> true)) {
      try {
        replicaSet(rs);
      } catch (ApiError e) {
        if (e.code() != 409 && e.code() != 404) {
          log.accept("replicaset controller: " + key(rs) + ": " + e.getMessage());
        }
      }
    }
  }

  private void deployment(ObjectNode d) {
    String ns = Json.at(d, "metadata.namespace");
    String name = Json.at(d, "metadata.name");
    String uid = Json.at(d, "metadata.uid");
    JsonNode template = d.path("spec").path("template");
    String hash = hash(template);
    int replicas = d.path("spec").path("replicas").asInt(1);
    String rsName = name + "-" + hash;
    List<ObjectNode> owned = owned(replicaSets, ns, uid);
    boolean found = false;
    for (ObjectNode rs : owned) {
      boolean current = rsName.equals(Json.at(rs, "metadata.name"));
      found |= current;
      int want = current ? replicas : 0;
      if (rs.path("spec").path("replicas").asInt() != want) {
        ((ObjectNode) rs.get("spec")).put("replicas", want);
        api.update(replicaSets, ns, Json.at(rs, "metadata.name"), rs, null);
      }
    }
    if (!found) {
      ObjectNode rs = Json.object();
      rs.put("apiVersion", "apps/v1");
      rs.put("kind", "ReplicaSet");
      ObjectNode meta = rs.putObject("metadata");
      meta.put("name", rsName);
      meta.put("namespace", ns);
      ObjectNode labels =
          template.path("metadata").path("labels").isObject()
              ? ((ObjectNode) template.path("metadata").path("labels")).deepCopy()
              : Json.object();
      labels.put("pod-template-hash", hash);
      meta.set("labels", labels);
      ownerRef(meta, d, "apps/v1", "Deployment");
      ObjectNode spec = rs.putObject("spec");
      spec.put("replicas", replicas);
      ObjectNode selector = d.path("spec").path("selector").deepCopy();
      Json.obj(selector, "matchLabels").put("pod-template-hash", hash);
      spec.set("selector", selector);
      ObjectNode tmpl = template.deepCopy();
      Json.obj(Json.obj(tmpl, "metadata"), "labels").put("pod-template-hash", hash);
      spec.set("template", tmpl);
      api.create(replicaSets, ns, rs);
      log.accept("deployment controller: " + ns + "/" + name + " -> replicaset " + rsName);
      owned = owned(replicaSets, ns, uid);
    }
    // Status from the ReplicaSets' pods.
    int total = 0;
    int ready = 0;
    int updated = 0;
    for (ObjectNode rs : owned) {
      JsonNode st = rs.path("status");
      total += st.path("replicas").asInt();
      ready += st.path("readyReplicas").asInt();
      if (rsName.equals(Json.at(rs, "metadata.name"))) {
        updated += st.path("replicas").asInt();
      }
    }
    ObjectNode status = Json.object();
    status.put("observedGeneration", d.path("metadata").path("generation").asLong(1));
    status.put("replicas", total);
    status.put("updatedReplicas", updated);
    status.put("readyReplicas", ready);
    status.put("availableReplicas", ready);
    if (total - ready > 0) {
      status.put("unavailableReplicas", total - ready);
    }
    ArrayNode conds = status.putArray("conditions");
    ObjectNode available = conds.addObject();
    available.put("type", "Available");
    boolean avail = ready >= replicas;
    available.put("status", avail ? "True" : "False");
    available.put("reason", avail ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable");
    available.put(
        "message",
        avail
            ? "Deployment has minimum availability."
            : "Deployment does not have minimum availability.");
    keepTimes(d.path("status").path("conditions"), available);
    ObjectNode progressing = conds.addObject();
    progressing.put("type", "Progressing");
    progressing.put("status", "True");
    progressing.put("reason", "NewReplicaSetAvailable");
    progressing.put("message", "ReplicaSet \"" + rsName + "\" is the current one.");
    keepTimes(d.path("status").path("conditions"), progressing);
    updateStatus(deployments, d, status);
  }

  private void replicaSet(ObjectNode rs) {
    String ns = Json.at(rs, "metadata.namespace");
    String name = Json.at(rs, "metadata.name");
    String uid = Json.at(rs, "metadata.uid");
    int want = rs.path("spec").path("replicas").asInt(1);
    LabelSelector selector = LabelSelector.fromObject(rs.path("spec").path("selector"));
    List<ObjectNode> mine = new ArrayList<>();
    for (ObjectNode p : owned(pods, ns, uid)) {
      String phase = Json.at(p, "status.phase");
      if (!p.path("metadata").has("deletionTimestamp")
          && !"Succeeded".equals(phase)
          && !"Failed".equals(phase)
          && selector.test(p)) {
        mine.add(p);
      }
    }
    String failure = null;
    if (mine.size() < want) {
      long now = System.currentTimeMillis();
      if (now >= retryAt.getOrDefault(uid, 0L)) {
        for (int i = mine.size(); i < want; i++) {
          try {
            mine.add(api.create(pods, ns, podFor(rs)));
            failures.remove(uid);
          } catch (ApiError e) {
            failure = e.getMessage();
            int n = failures.merge(uid, 1, Integer::sum);
            retryAt.put(uid, now + Math.min(30_000L, 1000L << Math.min(n, 5)));
            event(rs, "Warning", "FailedCreate", "Error creating: " + failure);
            log.accept(
                "replicaset controller: " + ns + "/" + name + ": pod creation refused: " + failure);
            break;
          }
        }
      } else {
        failure = Json.at(rs, "status.conditions") == null ? null : currentFailure(rs);
      }
    } else if (mine.size() > want) {
      // Not-ready pods go first, then the newest, as the ReplicaSet controller ranks them.
      mine.sort(
          Comparator.comparing((ObjectNode p) -> isReady(p))
              .thenComparing(
                  p -> Json.at(p, "metadata.creationTimestamp"), Comparator.reverseOrder()));
      for (ObjectNode p : new ArrayList<>(mine.subList(0, mine.size() - want))) {
        try {
          api.delete(pods, ns, Json.at(p, "metadata.name"), "Background");
          mine.remove(p);
        } catch (ApiError e) {
          // gone already
        }
      }
    }
    ObjectNode status = Json.object();
    status.put("replicas", mine.size());
    status.put("fullyLabeledReplicas", mine.size());
    long ready = mine.stream().filter(Workloads::isReady).count();
    status.put("readyReplicas", ready);
    status.put("availableReplicas", ready);
    status.put("observedGeneration", rs.path("metadata").path("generation").asLong(1));
    if (failure != null) {
      ObjectNode c = status.putArray("conditions").addObject();
      c.put("type", "ReplicaFailure");
      c.put("status", "True");
      c.put("reason", "FailedCreate");
      c.put("message", failure);
      keepTimes(rs.path("status").path("conditions"), c);
    }
    updateStatus(replicaSets, rs, status);
  }

  private static String currentFailure(ObjectNode rs) {
    for (JsonNode c : rs.path("status").path("conditions")) {
      if ("ReplicaFailure".equals(c.path("type").asText())) {
        return c.path("message").asText();
      }
    }
    return null;
  }

  private static boolean isReady(ObjectNode p) {
    for (JsonNode c : p.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  private ObjectNode podFor(ObjectNode rs) {
    ObjectNode tmpl = rs.path("spec").path("template").deepCopy();
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode meta = tmpl.has("metadata") ? (ObjectNode) tmpl.get("metadata") : Json.object();
    meta.remove("name");
    meta.put("generateName", Json.at(rs, "metadata.name") + "-");
    meta.put("namespace", Json.at(rs, "metadata.namespace"));
    ownerRef(meta, rs, "apps/v1", "ReplicaSet");
    pod.set("metadata", meta);
    pod.set("spec", tmpl.path("spec").deepCopy());
    return pod;
  }

  private List<ObjectNode> owned(ResourceType t, String ns, String ownerUid) {
    return api.list(
        t,
        ns,
        o -> {
          for (JsonNode r : o.path("metadata").path("ownerReferences")) {
            if (ownerUid.equals(r.path("uid").asText()) && r.path("controller").asBoolean()) {
              return true;
            }
          }
          return false;
        });
  }

  static void ownerRef(ObjectNode meta, ObjectNode owner, String apiVersion, String kind) {
    ArrayNode refs = meta.putArray("ownerReferences");
    ObjectNode r = refs.addObject();
    r.put("apiVersion", apiVersion);
    r.put("kind", kind);
    r.put("name", Json.at(owner, "metadata.name"));
    r.put("uid", Json.at(owner, "metadata.uid"));
    r.put("controller", true);
    r.put("blockOwnerDeletion", true);
  }

  private void updateStatus(ResourceType t, ObjectNode o, ObjectNode status) {
    if (status.equals(o.path("status"))) {
      return;
    }
    ObjectNode next = o.deepCopy();
    next.set("status", status);
    api.update(t, Json.at(o, "metadata.namespace"), Json.at(o, "metadata.name"), next, "status");
  }

  private void keepTimes(JsonNode previous, ObjectNode cond) {
    for (JsonNode p : previous) {
      if (p.path("type").asText().equals(cond.path("type").asText())
          && p.path("status").asText().equals(cond.path("status").asText())) {
        cond.set("lastTransitionTime", p.path("lastTransitionTime"));
        cond.set("lastUpdateTime", p.path("lastUpdateTime"));
        return;
      }
    }
    cond.put("lastTransitionTime", api.now());
    cond.put("lastUpdateTime", api.now());
  }

  private void event(ObjectNode about, String type, String reason, String message) {
    ObjectNode e = Json.object();
    e.put("apiVersion", "v1");
    e.put("kind", "Event");
    ObjectNode meta = e.putObject("metadata");
    meta.put("generateName", Json.at(about, "metadata.name") + ".");
    meta.put("namespace", Json.at(about, "metadata.namespace"));
    ObjectNode inv = e.putObject("involvedObject");
    inv.put("apiVersion", Json.at(about, "apiVersion"));
    inv.put("kind", Json.at(about, "kind"));
    inv.put("name", Json.at(about, "metadata.name"));
    inv.put("namespace", Json.at(about, "metadata.namespace"));
    inv.put("uid", Json.at(about, "metadata.uid"));
    e.put("type", type);
    e.put("reason", reason);
    e.put("message", message);
    e.putObject("source").put("component", "replicaset-controller");
    e.put("firstTimestamp", api.now());
    e.put("lastTimestamp", api.now());
    e.put("count", 1);
    e.put("reportingComponent", "replicaset-controller");
    try {
      api.create(events, Json.at(about, "metadata.namespace"), e);
    } catch (ApiError ex) {
      // an Event is a notification only
    }
  }

  /** A short, stable hash of a pod template (the pod-template-hash label). */
  static String hash(JsonNode template) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(Json.text(template).getBytes(StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder();
      String alphabet = "bcdfghjklmnpqrstvwxz2456789";
      for (int i = 0; i < 10; i++) {
        b.append(alphabet.charAt((d[i] & 0xff) % alphabet.length()));
      }
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String key(ObjectNode o) {
    return Json.at(o, "metadata.namespace") + "/" + Json.at(o, "metadata.name");
  }
}
