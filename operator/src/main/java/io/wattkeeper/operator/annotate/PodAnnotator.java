package io.wattkeeper.operator.annotate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.operator.idle.Patches;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Writes a pod's {@code wattkeeper.io/*} annotations as a JSON merge patch of only those keys: no
 * other annotation or field is touched, and no list is sent (the mock server would append it).
 */
@ApplicationScoped
public class PodAnnotator {

  private static final Logger LOG = Logger.getLogger(PodAnnotator.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Passed before every API request, so the rate bound counts requests, not pods. */
  public interface Gate {
    void pass() throws InterruptedException;
  }

  @Inject KubernetesClient client;

  /**
   * True when written (or the pod is gone, so there is nothing left to write). Keys in {@code
   * removals} are removed with a JSON patch: a merge-patch null is stored as a null value by the
   * mock server. A remove of a key the pod does not have fails (422); then exactly the keys it has
   * are removed.
   */
  public boolean write(PodPatch w, Gate gate) throws InterruptedException {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode ann = patch.putObject("metadata").putObject("annotations");
    w.values()
        .forEach(
            (k, v) -> {
              if (v != null) {
                ann.put(k, v);
              }
            });
    try {
      var pod = client.pods().inNamespace(w.namespace()).withName(w.name());
      gate.pass();
      pod.patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      ArrayNode removals = removals(w.removals(), null);
      if (!removals.isEmpty()) {
        try {
          gate.pass();
          pod.patch(PatchContext.of(PatchType.JSON), removals.toString());
        } catch (KubernetesClientException e) {
          if (e.getCode() != 422) {
            throw e;
          }
          // A key we thought present was not: remove exactly what the pod has.
          gate.pass();
          var fresh = pod.get();
          ArrayNode again =
              removals(
                  w.removals(),
                  fresh == null || fresh.getMetadata().getAnnotations() == null
                      ? Map.of()
                      : fresh.getMetadata().getAnnotations());
          if (!again.isEmpty()) {
            gate.pass();
            pod.patch(PatchContext.of(PatchType.JSON), again.toString());
          }
        }
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        LOG.debugf(
            "pod %s/%s is gone; its final figures stay in the ledger", w.namespace(), w.name());
      } else {
        LOG.warnf(
            "could not annotate pod %s/%s (HTTP %d): %s; will retry",
            w.namespace(), w.name(), e.getCode(), e.getMessage());
        return false;
      }
    }
    return true;
  }

  /** Remove operations for {@code keys}; only those in {@code present} unless it is null. */
  private static ArrayNode removals(Set<String> keys, Map<String, String> present) {
    ArrayNode ops = JSON.createArrayNode();
    for (String k : keys) {
      if (present == null || present.containsKey(k)) {
        ObjectNode op = ops.addObject();
        op.put("op", "remove");
        op.put("path", "/metadata/annotations/" + Patches.escape(k));
      }
    }
    return ops;
  }
}
