package io.wattkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** Commands from the operator to one node's agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeEnergyReportSpec(
    @JsonPropertyDescription(
            "Desired GPU power caps; the agent clamps each to the device's constraints and"
                + " restores the default when an entry goes away.")
        List<GpuPowerLimit> gpuPowerLimits) {

  /** A desired cap for one GPU. */
  public record GpuPowerLimit(
      @Required String gpuUuid,
      @Required @Min(1) Integer watts,
      @JsonPropertyDescription("namespace/name of the budget that asked for it.") String reason) {}
}
