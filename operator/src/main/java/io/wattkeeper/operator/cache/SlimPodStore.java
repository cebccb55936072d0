package io.wattkeeper.operator.cache;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informer's item store for pods: keeps a {@link SlimPod} per pod, grouped by namespace (no
 * composite key string per pod), and hands the informer a reconstructed slim Pod where it asks for
 * one (the old object of an update or delete).
 */
public final class SlimPodStore implements ItemStore<Pod>, SlimPods {

  private final Map<String, Map<String, SlimPod>> byNamespace = new ConcurrentHashMap<>();

  @Override
  public String getKey(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  @Override
  public Pod put(String key, Pod p) {
    SlimPod s = SlimPod.of(p);
    SlimPod old =
        byNamespace.computeIfAbsent(s.namespace(), k -> new ConcurrentHashMap<>()).put(s.name(), s);
    return old == null ? null : old.toPod();
  }

  @Override
  public Pod remove(String key) {
    int i = key.indexOf('/');
    Map<String, SlimPod> ns = byNamespace.get(key.substring(0, i));
    SlimPod old = ns == null ? null : ns.remove(key.substring(i + 1));
    return old == null ? null : old.toPod();
  }

  @Override
  public Stream<String> keySet() {
    return slim().map(s -> s.namespace() + "/" + s.name());
  }

  @Override
  public Stream<Pod> values() {
    return slim().map(SlimPod::toPod);
  }

  @Override
  public int size() {
    return byNamespace.values().stream().mapToInt(Map::size).sum();
  }

  @Override
  public Pod get(String key) {
    int i = key.indexOf('/');
    return get(key.substring(0, i), key.substring(i + 1)).map(SlimPod::toPod).orElse(null);
  }

  @Override
  public Optional<SlimPod> get(String namespace, String name) {
    Map<String, SlimPod> ns = byNamespace.get(namespace);
    return Optional.ofNullable(ns == null ? null : ns.get(name));
  }

  @Override
  public Stream<SlimPod> inNamespace(String namespace) {
    Map<String, SlimPod> ns = byNamespace.get(namespace);
    return ns == null ? Stream.empty() : ns.values().stream();
  }

  @Override
  public Stream<SlimPod> all() {
    return slim();
  }

  Stream<SlimPod> slim() {
    return byNamespace.values().stream().flatMap(m -> m.values().stream());
  }
}
