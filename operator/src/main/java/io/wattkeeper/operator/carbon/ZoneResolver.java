package io.wattkeeper.operator.carbon;

import io.wattkeeper.api.v1alpha1.Api;
import java.util.Map;
import java.util.Optional;

/**
 * The grid zone of a node: annotation {@code wattkeeper.io/grid-zone}, else the standard region
 * label, else the configured default. Empty means no zone at all (the world average applies).
 */
public final class ZoneResolver {

  public static final String REGION_LABEL = "topology.kubernetes.io/region";

  private ZoneResolver() {}

  public static Optional<String> zoneOf(
      Map<String, String> annotations, Map<String, String> labels, Optional<String> defaultZone) {
    String z = annotations == null ? null : blankToNull(annotations.get(Api.ANNOTATION_GRID_ZONE));
    if (z == null && labels != null) {
      z = blankToNull(labels.get(REGION_LABEL));
    }
    if (z == null) {
      z = defaultZone.map(ZoneResolver::blankToNull).orElse(null);
    }
    return Optional.ofNullable(z);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
