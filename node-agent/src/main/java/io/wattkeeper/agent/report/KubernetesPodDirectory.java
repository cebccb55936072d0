package io.wattkeeper.agent.report;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This node's pods from a pod informer. The informer asks the API server for spec.nodeName=node
 * only, and the result is filtered again here, so a server that ignores field selectors cannot make
 * the agent report other nodes' pods. (The Fabric8 mock answers such a selector with nothing, so
 * tests turn the selector off and exercise the filter.)
 */
public final class KubernetesPodDirectory implements PodDirectory, AutoCloseable {
  private final String nodeName;
  private final SharedIndexInformer<Pod> informer;

  public KubernetesPodDirectory(KubernetesClient client, String nodeName, boolean fieldSelector) {
    this.nodeName = nodeName;
    var pods = client.pods().inAnyNamespace();
    this.informer =
        fieldSelector
            ? pods.withField("spec.nodeName", nodeName).runnableInformer(0)
            : pods.runnableInformer(0);
    informer.start();
  }

  public boolean synced() {
    return informer.hasSynced();
  }

  @Override
  public Map<String, PodMeta> byUid() {
    Map<String, PodMeta> out = new HashMap<>();
    for (Pod pod : informer.getStore().list()) {
      Optional<PodMeta> meta = toMeta(pod, nodeName);
      meta.ifPresent(m -> out.put(m.uid(), m));
    }
    return out;
  }

  static Optional<PodMeta> toMeta(Pod pod, String nodeName) {
    if (pod.getSpec() == null
        || !nodeName.equals(pod.getSpec().getNodeName())
        || pod.getMetadata().getUid() == null) {
      return Optional.empty();
    }
    // A static pod runs under its config hash (cgroup, PodResources); the API shows a mirror pod
    // with its own UID and the hash in this annotation.
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String mirrorOf = annotations == null ? null : annotations.get("kubernetes.io/config.mirror");
    return Optional.of(
        new PodMeta(
            mirrorOf != null && !mirrorOf.isBlank() ? mirrorOf : pod.getMetadata().getUid(),
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            cpuRequests(pod.getSpec().getContainers())));
  }

  static double cpuRequests(List<Container> containers) {
    double cores = 0;
    for (Container c : containers == null ? List.<Container>of() : containers) {
      if (c.getResources() == null || c.getResources().getRequests() == null) {
        continue;
      }
      Quantity q = c.getResources().getRequests().get("cpu");
      if (q != null) {
        try {
          BigDecimal amount = q.getNumericalAmount();
          cores += amount.doubleValue();
        } catch (IllegalArgumentException e) {
          // a malformed quantity counts as no request
        }
      }
    }
    return cores;
  }

  @Override
  public void close() {
    informer.close();
  }
}
