package io.wattkeeper.sandbox.api;

import java.util.List;

/**
 * One kind of resource the embedded API serves: what discovery lists and what the store keys by.
 *
 * @param group "" for the core group
 * @param resource the plural name in URLs ("pods")
 * @param statusSubresource writes to the main resource leave status alone, /status writes only
 *     status (as on a real API server)
 * @param scaleSubresource /scale reads and writes spec.replicas
 * @param columns Table columns after Name (CRD printer columns, or the built-in printers')
 */
public record ResourceType(
    String group,
    String version,
    String resource,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    boolean statusSubresource,
    boolean scaleSubresource,
    List<Column> columns) {

  /** A Table column: name, type, JSONPath-like path or a built-in printer's key, priority. */
  public record Column(String name, String type, String path, String description, int priority) {}

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The store key: the same for every version of a group's resource. */
  public String key() {
    return group + "/" + resource;
  }

  public String listKind() {
    return kind + "List";
  }

  public ResourceType withColumns(List<Column> c) {
    return new ResourceType(
        group,
        version,
        resource,
        singular,
        kind,
        namespaced,
        shortNames,
        statusSubresource,
        scaleSubresource,
        c);
  }
}
