package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A field selector ({@code spec.nodeName=n,status.phase!=Failed}). Only the fields a real API
 * server indexes for the type are accepted; any other answers 400 "field label not supported", as
 * there, instead of an empty (silently wrong) list.
 */
public final class FieldSelector implements Predicate<JsonNode> {
  private static final Set<String> COMMON = Set.of("metadata.name", "metadata.namespace");
  private static final Map<String, Set<String>> BY_TYPE =
      Map.of(
          "/pods",
          Set.of(
              "spec.nodeName",
              "spec.restartPolicy",
              "spec.schedulerName",
              "spec.serviceAccountName",
              "spec.hostNetwork",
              "status.phase",
              "status.podIP",
              "status.nominatedNodeName"),
          "/events",
          Set.of(
              "involvedObject.kind",
              "involvedObject.namespace",
              "involvedObject.name",
              "involvedObject.uid",
              "involvedObject.apiVersion",
              "involvedObject.resourceVersion",
              "involvedObject.fieldPath",
              "reason",
              "reportingComponent",
              "source",
              "type"),
          "/secrets",
          Set.of("type"),
          "/nodes",
          Set.of("spec.unschedulable"),
          "/namespaces",
          Set.of("status.phase"),
          "apps/replicasets",
          Set.of("status.replicas"));

  private record Term(String field, boolean equal, String value) {}

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  public static FieldSelector parse(ResourceType type, String text) {
    List<Term> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return new FieldSelector(out);
    }
    Set<String> allowed = BY_TYPE.getOrDefault(type.key(), Set.of());
    for (String part : text.split(",")) {
      String p = part.trim();
      boolean equal;
      String[] kv;
      if (p.contains("!=")) {
        equal = false;
        kv = p.split("!=", 2);
      } else if (p.contains("==")) {
        equal = true;
        kv = p.split("==", 2);
      } else if (p.contains("=")) {
        equal = true;
        kv = p.split("=", 2);
      } else {
        throw ApiError.badRequest("invalid selector: '" + text + "'; can't understand '" + p + "'");
      }
      String field = kv[0].trim();
      if (!COMMON.contains(field) && !allowed.contains(field)) {
        throw ApiError.badRequest(
            "field label not supported: " + field + " (for " + type.resource() + ")");
      }
      out.add(new Term(field, equal, kv[1].trim()));
    }
    return new FieldSelector(out);
  }

  @Override
  public boolean test(JsonNode object) {
    for (Term t : terms) {
      String v = value(object, t.field());
      boolean eq = t.value().equals(v);
      if (eq != t.equal()) {
        return false;
      }
    }
    return true;
  }

  private static String value(JsonNode object, String field) {
    if ("source".equals(field)) {
      return Json.at(object, "source.component") == null ? "" : Json.at(object, "source.component");
    }
    String v = Json.at(object, field);
    if (v == null) {
      // Unset fields compare as the empty string (and false for booleans), as on a real server.
      return "spec.hostNetwork".equals(field) || "spec.unschedulable".equals(field) ? "false" : "";
    }
    return v;
  }
}
