package io.wattkeeper.agent.report;

import io.wattkeeper.agent.json.Json;
import io.wattkeeper.agent.kube.KubeApi;
import io.wattkeeper.agent.kube.KubeApiException;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  public record Report(Map<String, Object> object, NodeEnergyReportSpec spec, String specProblem) {}

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

  private Report read(Map<String, Object> object) {
    if (Json.at(object, "metadata", "resourceVersion") == null) {
      throw new KubeApiException(0, "GET " + path + ": not a NodeEnergyReport: " + object);
    }
    Object spec = object.get("spec");
    try {
      return new Report(object, new NodeEnergyReportSpec(caps(Json.object(spec))), null);
    } catch (IllegalArgumentException e) {
      return new Report(
          object,
          new NodeEnergyReportSpec(null),
          "NodeEnergyReport "
              + nodeName
              + " spec unreadable, no GPU caps applied: "
              + e.getMessage());
    }
  }

  /** spec.gpuPowerLimits, checked as the CRD schema would (gpuUuid and watts >= 1 required). */
  private static List<NodeEnergyReportSpec.GpuPowerLimit> caps(Map<String, Object> spec) {
    Object limits = spec.get("gpuPowerLimits");
    if (limits == null) {
      return null;
    }
    if (!(limits instanceof List<?>)) {
      throw new IllegalArgumentException("gpuPowerLimits is not a list");
    }
    List<NodeEnergyReportSpec.GpuPowerLimit> out = new ArrayList<>();
    for (Object entry : Json.array(limits)) {
      String uuid = Json.string(Json.at(entry, "gpuUuid"));
      Object watts = Json.at(entry, "watts");
      if (uuid == null || !(watts instanceof Long w) || w < 1 || w > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "gpuPowerLimits entry needs gpuUuid and whole watts >= 1: " + Json.writeString(entry));
      }
      out.add(
          new NodeEnergyReportSpec.GpuPowerLimit(
              uuid, w.intValue(), Json.string(Json.at(entry, "reason"))));
    }
    return out;
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
      Map<String, Object> body = new LinkedHashMap<>(target.object());
      body.put("status", status.get());
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
