package io.wattkeeper.operator.annotate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.operator.ledger.PodAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
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

  /** True when written (or the pod is gone, so there is nothing left to write). */
  public boolean write(PodAccount a, Map<String, String> values, String state, Instant now) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode ann = patch.putObject("metadata").putObject("annotations");
    values.forEach(
        (k, v) -> {
          if (v == null) {
            ann.putNull(k);
          } else {
            ann.put(k, v);
          }
        });
    try {
      client
          .pods()
          .inNamespace(a.namespace)
          .withName(a.name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
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
}
