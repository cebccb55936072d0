package io.wattkeeper.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.agent.kube.KubeApi;
import io.wattkeeper.agent.kube.KubeApiException;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads and writes this node's NodeEnergyReport. The status is written with an update (PUT) of the
 * status subresource carrying the resourceVersion read (optimistic concurrency), which replaces
 * lists: a JSON merge patch would append to them on the Fabric8 mock server.
 */
public final class ReportWriter {
  private final KubeApi api;
  private final String nodeName;
  private final String path;

  /**
   * The report as last read: the raw object (kept whole for the PUT), its spec, and why the spec
   * could not be read (null when it could; an unreadable spec asks for nothing).
   */
  public record Report(ObjectNode object, NodeEnergyReportSpec spec, String specProblem) {}

  public ReportWriter(KubeApi api, String nodeName) {
    this.api = api;
    this.nodeName = nodeName;
    this.path = "/apis/" + Api.GROUP + "/" + Api.VERSION + "/nodeenergyreports/" + nodeName;
  }

  /** The report, created (with an empty spec) when absent. */
  public Report getOrCreate() {
    try {
      return read(api.get(path));
    } catch (KubeApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
    Map<String, Object> fresh =
        Map.of(
            "apiVersion",
            Api.GROUP + "/" + Api.VERSION,
            "kind",
            "NodeEnergyReport",
            "metadata",
            Map.of(
                "name",
                nodeName,
                "labels",
                Map.of("app.kubernetes.io/managed-by", "wattkeeper-node-agent")),
            "spec",
            Map.of());
    try {
      return read(api.post(path.substring(0, path.lastIndexOf('/')), fresh));
    } catch (KubeApiException e) {
      if (e.code() == 409) {
        return read(api.get(path)); // created meanwhile (a previous agent instance)
      }
      throw e;
    }
  }

  private Report read(JsonNode object) {
    if (!(object instanceof ObjectNode o) || !o.path("metadata").has("resourceVersion")) {
      throw new KubeApiException(0, "GET " + path + ": not a NodeEnergyReport: " + object);
    }
    JsonNode spec = o.path("spec");
    if (!spec.isObject()) {
      return new Report(o, new NodeEnergyReportSpec(null), null);
    }
    try {
      return new Report(o, api.json().treeToValue(spec, NodeEnergyReportSpec.class), null);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new Report(
          o,
          new NodeEnergyReportSpec(null),
          "NodeEnergyReport "
              + nodeName
              + " spec unreadable, no GPU caps applied: "
              + e.getMessage());
    }
  }

  /** The GPU caps the operator asks for. */
  public static List<NodeEnergyReportSpec.GpuPowerLimit> desiredCaps(Report report) {
    return report.spec() == null || report.spec().gpuPowerLimits() == null
        ? List.of()
        : report.spec().gpuPowerLimits();
  }

  /** Writes the status built now; on a conflict reads the report again and retries once. */
  public void writeStatus(Report current, Supplier<NodeEnergyReportStatus> status) {
    Report target = current;
    for (int attempt = 0; ; attempt++) {
      ObjectNode body = target.object().deepCopy();
      body.set("status", api.json().valueToTree(status.get()));
      try {
        api.put(path + "/status", body);
        return;
      } catch (KubeApiException e) {
        if (e.code() != 409 || attempt > 0) {
          throw e;
        }
        target = getOrCreate();
      }
    }
  }
}
