package io.wattkeeper.operator.budget;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON patch (RFC 6902) of only the status fields this reconciler owns: each changed field is
 * {@code add}ed whole (which replaces it, lists included), each field no longer wanted is {@code
 * remove}d. {@code status.idle} and {@code status.enforcement}, written by the enforcement
 * reconciler, are never named, so a concurrent write of theirs survives.
 */
public final class StatusPatch {

  static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private StatusPatch() {}

  /** Empty array when nothing changed. */
  public static ArrayNode ops(
      EnergyBudgetStatus current, EnergyBudgetStatus desired, Set<String> fields) {
    JsonNode cur = current == null ? JSON.createObjectNode() : JSON.valueToTree(current);
    JsonNode want = JSON.valueToTree(desired);
    ArrayNode ops = JSON.createArrayNode();
    for (String f : new TreeSet<>(fields)) {
      JsonNode w = want.get(f);
      JsonNode c = cur.get(f);
      if (w != null && !w.isNull()) {
        if (!w.equals(c)) {
          ObjectNode op = ops.addObject();
          op.put("op", "add");
          op.put("path", "/status/" + f);
          op.set("value", w);
        }
      } else if (c != null && !c.isNull()) {
        ObjectNode op = ops.addObject();
        op.put("op", "remove");
        op.put("path", "/status/" + f);
      }
    }
    return ops;
  }
}
