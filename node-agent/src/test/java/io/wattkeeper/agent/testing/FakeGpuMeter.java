package io.wattkeeper.agent.testing;

import io.wattkeeper.agent.gpu.GpuException;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.gpu.GpuSample;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted GPU: one device (min 100 W, max 400 W, default 300 W) whose processes and energy tests
 * set; records every limit call. Written for tests, it stands in for NVML.
 */
public class FakeGpuMeter implements GpuMeter {
  public static final String UUID = "GPU-11111111-2222-3333-4444-555555555555";

  public final List<String> calls = new CopyOnWriteArrayList<>();
  public final java.util.concurrent.atomic.AtomicInteger sampleCalls =
      new java.util.concurrent.atomic.AtomicInteger();
  public volatile boolean refuse;
  public volatile double limit = 300;
  public volatile double energyJoules = 1000;
  public volatile double watts = 60;
  public volatile List<GpuSample.GpuProcess> processes = List.of();

  @Override
  public String source() {
    return "nvml";
  }

  @Override
  public List<GpuSample> sample() {
    sampleCalls.incrementAndGet();
    return List.of(
        new GpuSample(UUID, "Fake H100", watts, energyJoules, 0, limit, 300, 100, 400, processes));
  }

  @Override
  public double setPowerLimit(String uuid, double watts) {
    if (refuse) {
      throw new GpuException("no permission (NVML_ERROR_NO_PERMISSION)");
    }
    calls.add("set " + uuid + " " + watts);
    limit = Math.max(100, Math.min(400, watts));
    return limit;
  }

  @Override
  public double restoreDefaultPowerLimit(String uuid) {
    if (refuse) {
      throw new GpuException("no permission");
    }
    calls.add("restore " + uuid);
    limit = 300;
    return limit;
  }
}
