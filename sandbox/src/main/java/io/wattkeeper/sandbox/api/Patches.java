package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The patch types of the API: JSON patch (RFC 6902), JSON merge patch (RFC 7386: lists replaced
 * whole) and strategic merge patch (lists of objects merged by their merge key where Kubernetes
 * declares one, as kubectl apply/annotate/label/scale send). Server-side apply is refused with 415
 * and a message saying so.
 */
public final class Patches {
  /** Kubernetes' patchMergeKey for the list fields kubectl patches. */
  private static final Map<String, String> MERGE_KEYS =
      Map.ofEntries(
          Map.entry("containers", "name"),
          Map.entry("initContainers", "name"),
          Map.entry("ephemeralContainers", "name"),
          Map.entry("env", "name"),
          Map.entry("volumes", "name"),
          Map.entry("volumeMounts", "mountPath"),
          Map.entry("imagePullSecrets", "name"),
          Map.entry("ownerReferences", "uid"),
          Map.entry("conditions", "type"),
          Map.entry("tolerations", "key"),
          Map.entry("hostAliases", "ip"));

  private Patches() {}

  public static ObjectNode apply(ObjectNode target, String contentType, byte[] body) {
    String type = contentType == null ? "" : contentType.split(";")[0].trim();
    switch (type) {
      case "application/json-patch+json" -> {
        JsonNode patch = Json.parse(body);
        if (!patch.isArray()) {
          throw ApiError.badRequest("a JSON patch must be a list of operations");
        }
        try {
          JsonNode out = JsonPatch.apply(patch, target);
          if (!out.isObject()) {
            throw ApiError.badRequest("the JSON patch does not leave an object");
          }
          return (ObjectNode) out;
        } catch (JsonPatchException e) {
          throw new ApiError(
              422, "Invalid", "the JSON patch cannot be applied: " + e.getMessage(), null, null);
        }
      }
      case "application/merge-patch+json" -> {
        return (ObjectNode) mergePatch(target, Json.parse(body));
      }
      case "application/strategic-merge-patch+json" -> {
        return (ObjectNode) strategic(target, Json.parse(body), "");
      }
      case "application/apply-patch+yaml", "application/apply-patch+json" ->
          throw ApiError.unsupported(
              "server-side apply is not supported by the Wattkeeper sandbox API: use client-side"
                  + " apply (kubectl apply without --server-side), a merge patch or a JSON patch");
      default ->
          throw ApiError.unsupported(
              "the patch content type " + (type.isEmpty() ? "(none)" : type) + " is not supported");
    }
  }

  /** RFC 7386: objects merged member by member, null removes, anything else (lists) replaces. */
  public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode out =
        target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }

  /**
   * Strategic merge: like a merge patch, except lists with a merge key are merged item by item
   * ({@code $patch: delete} on an item removes it) and the {@code $setElementOrder/...} and {@code
   * $retainKeys} directives are honoured as far as ordering and key removal go.
   */
  static JsonNode strategic(JsonNode target, JsonNode patch, String field) {
    if (!patch.isObject()) {
      if (patch.isArray() && target != null && target.isArray() && MERGE_KEYS.containsKey(field)) {
        return mergeList((ArrayNode) target, (ArrayNode) patch, MERGE_KEYS.get(field));
      }
      return patch.deepCopy();
    }
    if ("replace".equals(patch.path("$patch").asText())) {
      ObjectNode copy = ((ObjectNode) patch).deepCopy();
      copy.remove("$patch");
      return copy;
    }
    ObjectNode out =
        target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
    JsonNode retain = patch.get("$retainKeys");
    Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (k.startsWith("$setElementOrder/") || k.equals("$retainKeys") || k.equals("$patch")) {
        continue;
      }
      if (k.startsWith("$deleteFromPrimitiveList/")) {
        String list = k.substring("$deleteFromPrimitiveList/".length());
        if (out.get(list) instanceof ArrayNode a) {
          for (int i = a.size() - 1; i >= 0; i--) {
            for (JsonNode d : e.getValue()) {
              if (a.get(i).equals(d)) {
                a.remove(i);
                break;
              }
            }
          }
        }
        continue;
      }
      if (e.getValue().isNull()) {
        out.remove(k);
      } else {
        out.set(k, strategic(out.get(k), e.getValue(), k));
      }
    }
    if (retain != null && retain.isArray()) {
      List<String> keep = new java.util.ArrayList<>();
      retain.forEach(r -> keep.add(r.asText()));
      out.retain(keep);
    }
    return out;
  }

  private static ArrayNode mergeList(ArrayNode target, ArrayNode patch, String key) {
    ArrayNode out = target.deepCopy();
    for (JsonNode item : patch) {
      String k = item.path(key).asText(null);
      int at = -1;
      for (int i = 0; k != null && i < out.size(); i++) {
        if (k.equals(out.get(i).path(key).asText(null))) {
          at = i;
          break;
        }
      }
      if ("delete".equals(item.path("$patch").asText())) {
        if (at >= 0) {
          out.remove(at);
        }
      } else if (at >= 0) {
        out.set(at, strategic(out.get(at), item, ""));
      } else {
        out.add(item.deepCopy());
      }
    }
    return out;
  }
}
