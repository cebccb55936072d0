package io.wattkeeper.operator.idle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds annotation patches. Setting keys is a JSON merge patch; removing keys is a JSON patch of
 * {@code remove} ops (the Fabric8 mock server keeps {@code null} values of a merge patch, a real
 * API server deletes them; a JSON patch behaves the same on both). Both carry the object's
 * resourceVersion so a concurrent writer makes the patch fail with 409 instead of being lost.
 */
public final class Patches {

  static final ObjectMapper JSON = new ObjectMapper();

  private Patches() {}

  public static String setAnnotations(HasMetadata on, Map<String, String> values) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", on.getMetadata().getResourceVersion());
    meta.put("annotations", values);
    return json(Map.of("metadata", meta));
  }

  /**
   * Removes the given keys where present and sets others, as one JSON patch.
   *
   * @return {@code null} when there is nothing to do
   */
  public static String editAnnotations(
      HasMetadata on, Iterable<String> remove, Map<String, String> set) {
    Map<String, String> current = on.getMetadata().getAnnotations();
    List<Map<String, Object>> ops = new ArrayList<>();
    if (current == null && !set.isEmpty()) {
      ops.add(op("add", "/metadata/annotations", Map.of()));
    }
    for (String k : remove) {
      if (current != null && current.containsKey(k) && !set.containsKey(k)) {
        ops.add(op("remove", "/metadata/annotations/" + escape(k), null));
      }
    }
    set.forEach((k, v) -> ops.add(op("add", "/metadata/annotations/" + escape(k), v)));
    if (ops.isEmpty()) {
      return null;
    }
    ops.add(op("replace", "/metadata/resourceVersion", on.getMetadata().getResourceVersion()));
    return json(ops);
  }

  public static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    if (!"remove".equals(op)) {
      m.put("value", value);
    }
    return m;
  }

  /** JSON pointer escaping (RFC 6901). */
  public static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  public static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise patch", e);
    }
  }
}
