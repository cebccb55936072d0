package io.wattkeeper.operator.ledger;

import io.fabric8.kubernetes.api.model.Pod;
import io.wattkeeper.operator.cache.SlimPod;
import io.wattkeeper.operator.cache.SlimPods;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The ledger's view of the shared slim pod cache. The hot paths (labels per report entry, matched
 * pods per budget) read the slim records directly; the rest gets slim Pods.
 */
public final class CachedPods implements ClusterView.Pods {

  private final SlimPods pods;

  public CachedPods(SlimPods pods) {
    this.pods = pods;
  }

  @Override
  public Optional<Pod> get(String namespace, String name) {
    return pods.get(namespace, name).map(SlimPod::toPod);
  }

  @Override
  public Stream<Pod> inNamespace(String namespace) {
    return pods.inNamespace(namespace).map(SlimPod::toPod);
  }

  @Override
  public Stream<Pod> all() {
    return pods.all().map(SlimPod::toPod);
  }

  @Override
  public Map<String, String> labels(String namespace, String name, String uid) {
    return pods.get(namespace, name)
        .filter(p -> uid == null || uid.equals(p.uid()))
        .map(SlimPod::labels)
        .orElse(null);
  }

  @Override
  public Stream<Map<String, String>> unfinishedLabels(String namespace) {
    return pods.inNamespace(namespace).filter(p -> !p.finished()).map(SlimPod::labels);
  }
}
