package io.wattkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One per node, named after the node. The node's agent writes {@code status}; the operator writes
 * commands (GPU power caps) into {@code spec}.
 */
@Group(Api.GROUP)
@Version(Api.VERSION)
@ShortNames("ner")
@Categories("wattkeeper")
@AdditionalPrinterColumn(
    name = "Power",
    jsonPath = ".status.node.totalWatts",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "CPU",
    jsonPath = ".status.node.cpuWatts",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "GPU",
    jsonPath = ".status.node.gpuWatts",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Pods",
    jsonPath = ".status.podCount",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Source", jsonPath = ".status.sources.summary")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class NodeEnergyReport extends CustomResource<NodeEnergyReportSpec, NodeEnergyReportStatus> {
  /**
   * What could not be read of this object (named by field), set by the operator's tolerant reader
   * when a spec or status does not fit the schema (an edited CRD, version skew); null when all was
   * read. Never written back.
   */
  @JsonIgnore private String unreadable;

  @JsonIgnore
  public String getUnreadable() {
    return unreadable;
  }

  @JsonIgnore
  public void setUnreadable(String unreadable) {
    this.unreadable = unreadable;
  }

  @Override
  protected NodeEnergyReportSpec initSpec() {
    return new NodeEnergyReportSpec(null);
  }

  @Override
  protected NodeEnergyReportStatus initStatus() {
    return new NodeEnergyReportStatus();
  }
}
