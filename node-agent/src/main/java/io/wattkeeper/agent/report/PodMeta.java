package io.wattkeeper.agent.report;

import java.util.Map;

/**
 * What the agent knows about a pod from the API server: names, CPU requests, and for scraping its
 * inference server, its IP and functional-unit annotations (only those are kept).
 */
public record PodMeta(
    String uid,
    String namespace,
    String name,
    double cpuRequestCores,
    String podIp,
    Map<String, String> unitAnnotations) {

  public PodMeta(String uid, String namespace, String name, double cpuRequestCores) {
    this(uid, namespace, name, cpuRequestCores, null, Map.of());
  }
}
