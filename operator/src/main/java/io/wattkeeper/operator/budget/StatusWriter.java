package io.wattkeeper.operator.budget;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/** Writes the owned status fields with a JSON patch on the status subresource (no query string). */
@ApplicationScoped
public class StatusWriter {

  @Inject KubernetesClient client;

  /**
   * Returns true when something was written. The patch is computed against {@code cached}; if the
   * cache was behind (a remove of a field already gone fails), it is recomputed once from a fresh
   * read.
   */
  public boolean write(EnergyBudget cached, EnergyBudgetStatus desired, Set<String> fields) {
    Resource<EnergyBudget> r =
        client
            .resources(EnergyBudget.class)
            .inNamespace(cached.getMetadata().getNamespace())
            .withName(cached.getMetadata().getName());
    EnergyBudgetStatus current = cached.getStatus();
    try {
      return apply(r, current, desired, fields);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 422 && e.getCode() != 409) {
        throw e;
      }
      EnergyBudget fresh = r.get();
      if (fresh == null) {
        return false;
      }
      return apply(r, fresh.getStatus(), desired, fields);
    }
  }

  static boolean onlyLedger(ArrayNode ops) {
    for (var op : ops) {
      if (!op.path("path").asText().equals("/status/ledger")) {
        return false;
      }
    }
    return true;
  }

  private static boolean apply(
      Resource<EnergyBudget> r,
      EnergyBudgetStatus current,
      EnergyBudgetStatus desired,
      Set<String> fields) {
    ArrayNode ops = StatusPatch.ops(current, desired, fields);
    if (ops.isEmpty() || onlyLedger(ops)) {
      // A new ledger position alone is not worth a write: the stored one still matches the stored
      // used (they are always written together), so a restart continues from that pair.
      return false;
    }
    if (current == null || StatusPatch.JSON.valueToTree(current).isEmpty()) {
      // An empty status in our copy may be absent or JSON null on the server (status is ignored on
      // create), where "add /status/x" fails. Create the status object with a merge patch: it
      // merges into whatever the other
      // reconciler may have written meanwhile, where an "add /status" would replace it.
      r.subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"observedGeneration\":" + desired.getObservedGeneration() + "}}");
    }
    r.subresource("status").patch(PatchContext.of(PatchType.JSON), ops.toString());
    return true;
  }
}
