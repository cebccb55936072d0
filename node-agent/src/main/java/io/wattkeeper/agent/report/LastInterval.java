package io.wattkeeper.agent.report;

import io.wattkeeper.agent.measure.NodeEnergy;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The latest sampled interval: what rates, gauges and the report's watts come from. */
public record LastInterval(
    Instant at,
    NodeEnergy node,
    double gpuJoules,
    Map<String, PodRates> pods,
    List<GpuReading> gpus) {

  public double seconds() {
    return node.seconds();
  }

  public double cpuWatts() {
    return node.cpuJoules() / node.seconds();
  }

  public double memoryWatts() {
    return node.memoryJoules() / node.seconds();
  }

  public double gpuWatts() {
    return gpuJoules / node.seconds();
  }
}
