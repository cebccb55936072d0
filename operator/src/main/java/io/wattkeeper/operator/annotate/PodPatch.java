package io.wattkeeper.operator.annotate;

import java.util.Map;
import java.util.Set;

/** One pod's annotation values to set and keys to remove (if the pod has them). */
public record PodPatch(
    String namespace, String name, Map<String, String> values, Set<String> removals) {}
