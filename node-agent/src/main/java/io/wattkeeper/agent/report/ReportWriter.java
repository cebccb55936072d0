package io.wattkeeper.agent.report;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.util.List;
import java.util.function.Function;

/**
 * Reads and writes this node's NodeEnergyReport. The status is written with an update (PUT) of the
 * status subresource, which replaces lists: a JSON merge patch would append to them on the Fabric8
 * mock server.
 */
public final class ReportWriter {
  private final KubernetesClient client;
  private final String nodeName;

  public ReportWriter(KubernetesClient client, String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
  }

  /** The report, created (with an empty spec) when absent. */
  public NodeEnergyReport getOrCreate() {
    var op = client.resources(NodeEnergyReport.class).withName(nodeName);
    NodeEnergyReport existing = op.get();
    if (existing != null) {
      return existing;
    }
    NodeEnergyReport fresh = new NodeEnergyReport();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(nodeName)
            .addToLabels("app.kubernetes.io/managed-by", "wattkeeper-node-agent")
            .build());
    fresh.setSpec(new NodeEnergyReportSpec(null));
    try {
      return client.resource(fresh).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return op.get(); // created meanwhile (a previous agent instance)
      }
      throw e;
    }
  }

  /** The GPU caps the operator asks for. */
  public static List<NodeEnergyReportSpec.GpuPowerLimit> desiredCaps(NodeEnergyReport report) {
    return report.getSpec() == null || report.getSpec().gpuPowerLimits() == null
        ? List.of()
        : report.getSpec().gpuPowerLimits();
  }

  /** Writes the status built from the latest report object; retries once on a conflict. */
  public NodeEnergyReport writeStatus(
      NodeEnergyReport current, Function<NodeEnergyReport, NodeEnergyReportStatus> status) {
    NodeEnergyReport target = current;
    for (int attempt = 0; ; attempt++) {
      target.setStatus(status.apply(target));
      try {
        return client.resources(NodeEnergyReport.class).resource(target).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 0) {
          throw e;
        }
        target = getOrCreate();
      }
    }
  }
}
