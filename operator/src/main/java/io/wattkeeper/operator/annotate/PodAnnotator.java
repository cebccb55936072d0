package io.wattkeeper.operator.annotate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.idle.Patches;
import io.wattkeeper.operator.ledger.PodAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Writes a pod's {@code wattkeeper.io/*} annotations as a JSON merge patch of only those keys: no
 * other annotation or field is touched, and no list is sent (the mock server would append it).
 */
@ApplicationScoped
public class PodAnnotator {

  private static final Logger LOG = Logger.getLogger(PodAnnotator.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject KubernetesClient client;

  /**
   * True when written (or the pod is gone, so there is nothing left to write). Keys whose value is
   * null are removed with a JSON patch, and only if the pod has them: a merge-patch null is stored
   * as a null value by the mock server, and a remove of a missing key would fail.
   */
  public boolean write(
      PodAccount a,
      Map<String, String> values,
      String state,
      Instant now,
      Map<String, String> current) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode ann = patch.putObject("metadata").putObject("annotations");
    values.forEach(
        (k, v) -> {
          if (v != null) {
            ann.put(k, v);
          }
        });
    // The cache may not show our last write yet: also remove what we remember writing.
    ArrayNode removals =
        removals(
            values,
            current,
            k ->
                (k.equals(Api.ANNOTATION_BUDGET_STATE) && a.writtenState != null)
                    || (k.equals(Api.ANNOTATION_COST) && !Double.isNaN(a.writtenCost)));
    try {
      var pod = client.pods().inNamespace(a.namespace).withName(a.name);
      pod.patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      if (!removals.isEmpty()) {
        try {
          pod.patch(PatchContext.of(PatchType.JSON), removals.toString());
        } catch (KubernetesClientException e) {
          if (e.getCode() != 422) {
            throw e;
          }
          // A key we thought present was not: remove exactly what the pod has.
          var fresh = pod.get();
          ArrayNode again =
              removals(
                  values, fresh == null ? null : fresh.getMetadata().getAnnotations(), k -> false);
          if (!again.isEmpty()) {
            pod.patch(PatchContext.of(PatchType.JSON), again.toString());
          }
        }
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        LOG.debugf("pod %s/%s is gone; its final figures stay in the ledger", a.namespace, a.name);
      } else {
        LOG.warnf(
            "could not annotate pod %s/%s (HTTP %d): %s; will retry",
            a.namespace, a.name, e.getCode(), e.getMessage());
        return false;
      }
    }
    a.writtenAt = now;
    a.writtenUpdatedAt = a.updatedAt;
    a.writtenEnergyWh = a.totals.energyWh;
    a.writtenCo2eGrams = a.totals.co2eGrams;
    a.writtenCost = a.totals.cost;
    a.writtenWatts = a.watts;
    a.writtenMeasured = a.totals.measuredFraction();
    a.writtenBudgets = a.budgets;
    a.writtenState = state;
    a.dirty = false;
    return true;
  }

  private static ArrayNode removals(
      Map<String, String> values, Map<String, String> present, Predicate<String> remembered) {
    ArrayNode ops = JSON.createArrayNode();
    values.forEach(
        (k, v) -> {
          if (v == null && ((present != null && present.containsKey(k)) || remembered.test(k))) {
            ObjectNode op = ops.addObject();
            op.put("op", "remove");
            op.put("path", "/metadata/annotations/" + Patches.escape(k));
          }
        });
    return ops;
  }
}
