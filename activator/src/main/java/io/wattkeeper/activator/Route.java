package io.wattkeeper.activator;

/**
 * One reserved port: connections to it are for {@code service}'s port {@code portName} (null for an
 * unnamed single port), whose pods belong to {@code workload}.
 */
public record Route(
    int port, String namespace, String service, String portName, WorkloadRef workload) {

  public String serviceKey() {
    return namespace + "/" + service;
  }
}
