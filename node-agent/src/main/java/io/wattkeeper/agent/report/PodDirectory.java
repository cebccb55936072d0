package io.wattkeeper.agent.report;

import java.util.Map;
import java.util.Optional;

/** The pods of this node, by UID (names, CPU requests). */
public interface PodDirectory {
  Map<String, PodMeta> byUid();

  default Optional<String> uidOf(String namespace, String name) {
    return byUid().values().stream()
        .filter(p -> p.namespace().equals(namespace) && p.name().equals(name))
        .map(PodMeta::uid)
        .findFirst();
  }

  /** No API server (measure, or kubernetes disabled): pods stay unnamed. */
  PodDirectory EMPTY = Map::of;
}
