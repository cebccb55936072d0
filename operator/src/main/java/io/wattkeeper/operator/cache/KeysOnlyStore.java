package io.wattkeeper.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An informer item store that keeps only each object's identity (name, namespace, uid,
 * resourceVersion, generation), for an informer that exists to deliver events while another
 * informer of the same kind holds the objects: its event handlers still get every full object as
 * the watch delivers it, but the cache holds no second copy.
 */
public final class KeysOnlyStore<T extends HasMetadata> implements ItemStore<T> {

  private final Map<String, T> items = new ConcurrentHashMap<>();
  private final Supplier<T> empty;

  public KeysOnlyStore(Supplier<T> empty) {
    this.empty = empty;
  }

  @Override
  public String getKey(T obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public T put(String key, T obj) {
    return items.put(key, keysOf(obj));
  }

  T keysOf(T obj) {
    ObjectMeta m = obj.getMetadata();
    T t = empty.get();
    ObjectMeta k = new ObjectMeta();
    k.setName(m.getName());
    k.setNamespace(m.getNamespace());
    k.setUid(m.getUid());
    k.setResourceVersion(m.getResourceVersion());
    k.setGeneration(m.getGeneration());
    t.setMetadata(k);
    return t;
  }

  @Override
  public T remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }

  @Override
  public int size() {
    return items.size();
  }
}
