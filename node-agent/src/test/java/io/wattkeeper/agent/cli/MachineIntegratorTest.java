package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.agent.host.HostPaths;
import io.wattkeeper.agent.testing.FakeGpuMeter;
import io.wattkeeper.agent.testing.HostFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** measure's machine integration of GPU energy: the same rules as the agent's sampler. */
class MachineIntegratorTest {
  @TempDir Path tmp;

  MachineIntegrator integrator(FakeGpuMeter gpu) throws Exception {
    new HostFixture(tmp).machine("Mystery CPU", 2, true);
    return new MachineIntegrator(
        new MachineContext(new HostPaths(tmp), new SimpleConfig(Map.of()), gpu));
  }

  @Test
  void anAbsurdCounterJumpIsNotBelieved() throws Exception {
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.watts = 100;
    MachineIntegrator i = integrator(gpu);
    Thread.sleep(50);
    gpu.energyJoules += 1e9; // a driver glitch, not 20 GW
    i.tick();
    // 100 W over the interval (tens of milliseconds), not a billion joules.
    assertThat(i.gpuJoules).isPositive().isLessThan(100.0);
    assertThat(i.warnings).isEmpty();
  }

  @Test
  void unknownGpuEnergyIsSaidNotSilentlyZero() throws Exception {
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.energyJoules = Double.NaN;
    gpu.watts = Double.NaN;
    MachineIntegrator i = integrator(gpu);
    Thread.sleep(20);
    i.tick();
    assertThat(i.gpuJoules).isZero();
    assertThat(i.warnings).anyMatch(w -> w.contains("no usable energy counter or power reading"));
  }
}
