package io.wattkeeper.operator.cache;

import java.util.Optional;
import java.util.stream.Stream;

/** Read access to slim pods, by namespace and name. */
public interface SlimPods {
  Optional<SlimPod> get(String namespace, String name);

  Stream<SlimPod> inNamespace(String namespace);

  Stream<SlimPod> all();
}
