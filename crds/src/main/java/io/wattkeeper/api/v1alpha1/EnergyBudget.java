package io.wattkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** The energy policy for a set of pods in one namespace. */
@Group(Api.GROUP)
@Version(Api.VERSION)
@ShortNames("eb")
@Categories("wattkeeper")
@AdditionalPrinterColumn(name = "Period", jsonPath = ".status.display.period")
@AdditionalPrinterColumn(name = "Energy", jsonPath = ".status.display.energy")
@AdditionalPrinterColumn(name = "CO2e", jsonPath = ".status.display.emissions")
@AdditionalPrinterColumn(
    name = "Used%",
    jsonPath = ".status.maxPercentUsed",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Actions", jsonPath = ".status.display.actions")
@AdditionalPrinterColumn(name = "Resets", jsonPath = ".status.display.resetsAt")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Cost", jsonPath = ".status.display.cost", priority = 1)
@AdditionalPrinterColumn(name = "Intensity", jsonPath = ".status.display.intensity", priority = 1)
@AdditionalPrinterColumn(name = "Data", jsonPath = ".status.display.dataQuality", priority = 1)
@AdditionalPrinterColumn(name = "Wh/Req", jsonPath = ".status.display.perRequest", priority = 1)
@AdditionalPrinterColumn(name = "Wh/1kTok", jsonPath = ".status.display.per1kTokens", priority = 1)
@AdditionalPrinterColumn(
    name = "CO2e/1kTok",
    jsonPath = ".status.display.co2ePer1kTokens",
    priority = 1)
public class EnergyBudget extends CustomResource<EnergyBudgetSpec, EnergyBudgetStatus>
    implements Namespaced {
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
  protected EnergyBudgetStatus initStatus() {
    return new EnergyBudgetStatus();
  }
}
