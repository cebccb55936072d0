package io.wattkeeper.agent.measure;

import java.util.OptionalDouble;

/** Configured model coefficients for a known machine; each one is optional. */
public record ModelOverrides(
    OptionalDouble cpuIdleWatts,
    OptionalDouble cpuMaxWatts,
    OptionalDouble tdpWatts,
    OptionalDouble memoryWattsPerGb) {

  public static final ModelOverrides NONE =
      new ModelOverrides(
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty());
}
