package io.wattkeeper.operator.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.operator.idle.Patches;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code status.idle} and {@code status.enforcement} and nothing else, as a JSON patch of
 * those two members: the ledger reconciler owns every other status field, and a merge patch would
 * append to lists on the mock server.
 */
@ApplicationScoped
public class ActionsStatusWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client;

  public ActionsStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @return true when a patch was sent
   */
  public boolean write(
      EnergyBudget b,
      EnergyBudgetStatus.IdleStatus idle,
      EnergyBudgetStatus.EnforcementStatus enforcement) {
    var r =
        client
            .resources(EnergyBudget.class)
            .inNamespace(b.getMetadata().getNamespace())
            .withName(b.getMetadata().getName())
            .subresource("status");
    EnergyBudgetStatus cur = b.getStatus();
    if (cur == null || JSON.valueToTree(cur).isEmpty()) {
      // Our copy has no status, but the ledger may have written one meanwhile: a merge patch adds
      // our two members without replacing its fields (an "add /status" would). Neither member
      // exists yet, so the mock server's list-appending merge behaves like a real server here.
      Map<String, Object> mine = new LinkedHashMap<>();
      if (idle != null) {
        mine.put("idle", JSON.valueToTree(idle));
      }
      if (enforcement != null) {
        mine.put("enforcement", JSON.valueToTree(enforcement));
      }
      if (mine.isEmpty()) {
        return false;
      }
      r.patch(
          PatchContext.of(PatchType.JSON_MERGE),
          JSON.valueToTree(Map.of("status", mine)).toString());
      return true;
    }
    List<Map<String, Object>> ops = ops(cur, idle, enforcement);
    if (ops.isEmpty()) {
      return false;
    }
    r.patch(PatchContext.of(PatchType.JSON), Patches.json(ops));
    return true;
  }

  static List<Map<String, Object>> ops(
      EnergyBudgetStatus cur,
      EnergyBudgetStatus.IdleStatus idle,
      EnergyBudgetStatus.EnforcementStatus enforcement) {
    List<Map<String, Object>> ops = new ArrayList<>();
    member(ops, "/status/idle", cur == null ? null : cur.getIdle(), idle);
    member(ops, "/status/enforcement", cur == null ? null : cur.getEnforcement(), enforcement);
    return ops;
  }

  private static void member(List<Map<String, Object>> ops, String path, Object cur, Object next) {
    JsonNode c = cur == null ? null : JSON.valueToTree(cur);
    JsonNode n = next == null ? null : JSON.valueToTree(next);
    if (n == null && c != null) {
      // "add null" rather than "remove": it cannot fail when our view is stale and the member is
      // already gone (a real API server prunes the null of a non-nullable CRD field).
      ops.add(Patches.op("add", path, null));
    } else if (n != null && !n.equals(c)) {
      ops.add(Patches.op("add", path, n));
    }
  }
}
