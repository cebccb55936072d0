package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.ResourceType.Column;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side Table output (what {@code kubectl get} prints): the columns of Kubernetes' own
 * printers for the built-in types, a CRD's additionalPrinterColumns for custom resources.
 */
public final class Printers {
  static final List<Column> POD =
      List.of(
          col("Ready", "#pod.ready", 0),
          col("Status", "#pod.status", 0),
          new Column("Restarts", "string", "#pod.restarts", "", 0),
          col("Age", "#age", 0),
          col("IP", ".status.podIP", 1),
          col("Node", ".spec.nodeName", 1));
  static final List<Column> DEPLOYMENT =
      List.of(
          col("Ready", "#deploy.ready", 0),
          new Column("Up-to-date", "integer", "#status.updatedReplicas", "", 0),
          new Column("Available", "integer", "#status.availableReplicas", "", 0),
          col("Age", "#age", 0),
          col("Containers", "#containers", 1),
          col("Images", "#images", 1),
          col("Selector", "#selector", 1));
  static final List<Column> REPLICASET =
      List.of(
          new Column("Desired", "integer", ".spec.replicas", "", 0),
          new Column("Current", "integer", "#status.replicas", "", 0),
          new Column("Ready", "integer", "#status.readyReplicas", "", 0),
          col("Age", "#age", 0));
  static final List<Column> STATEFULSET =
      List.of(col("Ready", "#deploy.ready", 0), col("Age", "#age", 0));
  static final List<Column> SERVICE =
      List.of(
          col("Type", ".spec.type", 0),
          col("Cluster-IP", ".spec.clusterIP", 0),
          col("External-IP", "#svc.external", 0),
          col("Port(s)", "#svc.ports", 0),
          col("Age", "#age", 0),
          col("Selector", "#svc.selector", 1));
  static final List<Column> NS = List.of(col("Status", ".status.phase", 0), col("Age", "#age", 0));
  static final List<Column> NODE =
      List.of(
          col("Status", "#node.status", 0),
          col("Roles", "#node.roles", 0),
          col("Age", "#age", 0),
          col("Version", ".status.nodeInfo.kubeletVersion", 0));
  static final List<Column> EVENT =
      List.of(
          col("Last Seen", "#event.lastSeen", 0),
          col("Type", ".type", 0),
          col("Reason", ".reason", 0),
          col("Object", "#event.object", 0),
          col("Message", ".message", 0));
  static final List<Column> ENDPOINTSLICE =
      List.of(
          col("AddressType", ".addressType", 0),
          col("Ports", "#eps.ports", 0),
          col("Endpoints", "#eps.endpoints", 0),
          col("Age", "#age", 0));
  static final List<Column> CRD = List.of(col("Created At", ".metadata.creationTimestamp", 0));

  private Printers() {}

  private static Column col(String name, String path, int priority) {
    return new Column(name, "string", path, "", priority);
  }

  /** A meta.k8s.io/v1 Table of {@code items}; rows carry PartialObjectMetadata as by default. */
  public static ObjectNode table(ResourceType type, List<ObjectNode> items, long rv, Instant now) {
    ObjectNode t = Json.object();
    t.put("kind", "Table");
    t.put("apiVersion", "meta.k8s.io/v1");
    t.putObject("metadata").put("resourceVersion", Long.toString(rv));
    ArrayNode defs = t.putArray("columnDefinitions");
    ObjectNode name = defs.addObject();
    name.put("name", "Name");
    name.put("type", "string");
    name.put("format", "name");
    name.put(
        "description",
        "Name must be unique within a namespace. Is required when creating resources, although"
            + " some resources may allow a client to request the generation of an appropriate"
            + " name automatically.");
    name.put("priority", 0);
    for (Column c : type.columns()) {
      ObjectNode d = defs.addObject();
      d.put("name", c.name());
      d.put("type", "date".equals(c.type()) ? "date" : c.type());
      d.put("format", "");
      d.put("description", c.description());
      d.put("priority", c.priority());
    }
    ArrayNode rows = t.putArray("rows");
    for (ObjectNode o : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(Json.at(o, "metadata.name"));
      for (Column c : type.columns()) {
        cells.add(cell(o, c, now));
      }
      ObjectNode meta = row.putObject("object");
      meta.put("kind", "PartialObjectMetadata");
      meta.put("apiVersion", "meta.k8s.io/v1");
      meta.set("metadata", o.path("metadata").deepCopy());
    }
    return t;
  }

  static JsonNode cell(ObjectNode o, Column c, Instant now) {
    String p = c.path();
    if (p.startsWith("#")) {
      return Json.MAPPER.valueToTree(builtin(o, p, now));
    }
    JsonNode v = JsonPath.first(o, p);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return com.fasterxml.jackson.databind.node.NullNode.instance;
    }
    if ("date".equals(c.type()) && v.isTextual()) {
      return Json.MAPPER.valueToTree(age(v.asText(), now));
    }
    if ("integer".equals(c.type()) && v.isNumber()) {
      return v;
    }
    if ("number".equals(c.type()) && v.isNumber()) {
      return v;
    }
    return v.isValueNode()
        ? Json.MAPPER.valueToTree(v.asText())
        : Json.MAPPER.valueToTree(Json.text(v));
  }

  /** A built-in printer cell as text ("#pod.status", "#pod.ready", ...). */
  public static String cellText(ObjectNode o, String key) {
    return String.valueOf(builtin(o, key, Instant.now()));
  }

  private static Object builtin(ObjectNode o, String key, Instant now) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    if (key.startsWith("#status.")) {
      return status.path(key.substring("#status.".length())).asInt(0);
    }
    switch (key) {
      case "#age":
        return age(Json.at(o, "metadata.creationTimestamp"), now);
      case "#pod.ready":
        {
          int total = spec.path("containers").size();
          int ready = 0;
          for (JsonNode s : status.path("containerStatuses")) {
            ready += s.path("ready").asBoolean() ? 1 : 0;
          }
          return ready + "/" + total;
        }
      case "#pod.status":
        {
          if (o.path("metadata").has("deletionTimestamp")) {
            return "Terminating";
          }
          for (JsonNode s : status.path("containerStatuses")) {
            JsonNode waiting = s.path("state").path("waiting");
            if (waiting.has("reason")) {
              return waiting.path("reason").asText();
            }
            JsonNode term = s.path("state").path("terminated");
            if (term.has("reason") && !"Running".equals(status.path("phase").asText())) {
              return term.path("reason").asText();
            }
          }
          return status.path("phase").asText("Pending");
        }
      case "#pod.restarts":
        {
          int n = 0;
          for (JsonNode s : status.path("containerStatuses")) {
            n += s.path("restartCount").asInt();
          }
          return Integer.toString(n);
        }
      case "#deploy.ready":
        return status.path("readyReplicas").asInt() + "/" + spec.path("replicas").asInt(1);
      case "#containers":
        return join(spec.path("template").path("spec").path("containers"), "name");
      case "#images":
        return join(spec.path("template").path("spec").path("containers"), "image");
      case "#selector":
        return LabelSelector.fromObject(spec.path("selector")).toString();
      case "#svc.external":
        return "<none>";
      case "#svc.ports":
        {
          List<String> ports = new ArrayList<>();
          for (JsonNode p : spec.path("ports")) {
            String s = p.path("port").asText();
            if (p.has("nodePort")) {
              s += ":" + p.path("nodePort").asText();
            }
            ports.add(s + "/" + p.path("protocol").asText("TCP"));
          }
          return ports.isEmpty() ? "<none>" : String.join(",", ports);
        }
      case "#svc.selector":
        return spec.has("selector")
            ? LabelSelector.fromMap(spec.path("selector")).toString()
            : "<none>";
      case "#node.status":
        for (JsonNode c : status.path("conditions")) {
          if ("Ready".equals(c.path("type").asText())) {
            return "True".equals(c.path("status").asText()) ? "Ready" : "NotReady";
          }
        }
        return "Unknown";
      case "#node.roles":
        return "<none>";
      case "#event.lastSeen":
        {
          String t = Json.at(o, "lastTimestamp");
          return age(t == null ? Json.at(o, "metadata.creationTimestamp") : t, now);
        }
      case "#event.object":
        return o.path("involvedObject").path("kind").asText().toLowerCase(java.util.Locale.ROOT)
            + "/"
            + o.path("involvedObject").path("name").asText();
      case "#eps.ports":
        {
          List<String> ports = new ArrayList<>();
          o.path("ports").forEach(p -> ports.add(p.path("port").asText()));
          return ports.isEmpty() ? "<unset>" : String.join(",", ports);
        }
      case "#eps.endpoints":
        {
          List<String> addrs = new ArrayList<>();
          o.path("endpoints").forEach(e -> e.path("addresses").forEach(a -> addrs.add(a.asText())));
          return addrs.isEmpty() ? "<unset>" : String.join(",", addrs);
        }
      default:
        return "";
    }
  }

  private static String join(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.forEach(c -> out.add(c.path(field).asText()));
    return String.join(",", out);
  }

  /** kubectl's HumanDuration of the time since {@code timestamp}. */
  public static String age(String timestamp, Instant now) {
    if (timestamp == null) {
      return "<unknown>";
    }
    Duration d;
    try {
      d = Duration.between(Instant.parse(timestamp), now);
    } catch (RuntimeException e) {
      return "<invalid>";
    }
    long s = d.getSeconds();
    if (s < 0) {
      return "<invalid>";
    }
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      long rest = s % 60;
      return rest == 0 ? m + "m" : m + "m" + rest + "s";
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      long rest = m % 60;
      return rest == 0 ? h + "h" : h + "h" + rest + "m";
    }
    if (h < 48) {
      return h + "h";
    }
    if (h < 192) {
      long rest = h % 24;
      return rest == 0 ? (h / 24) + "d" : (h / 24) + "d" + rest + "h";
    }
    long days = h / 24;
    if (days < 365 * 2) {
      return days + "d";
    }
    return (days / 365) + "y";
  }
}
