package io.wattkeeper.agent.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttributorTest {
  static final double EPS = 1e-9;

  static IntervalInput cpuOnly(double cpuJ, double idleJ, double nodeBusy, PodUsage... pods) {
    return new IntervalInput(
        cpuJ, idleJ, 0, nodeBusy, 4, 16_000_000_000L, List.of(pods), List.of());
  }

  @Test
  void activeEnergyFollowsCpuTimeAndIdleGoesToSystemWithPolicyNone() {
    IntervalAttribution r =
        new Attributor(IdlePolicy.None)
            .attribute(
                cpuOnly(100, 40, 10, new PodUsage("a", 3, 1, 0), new PodUsage("b", 1, 1, 0)));
    assertThat(r.pods().get("a").cpuJoules()).isCloseTo(60 * 0.3, within(EPS));
    assertThat(r.pods().get("b").cpuJoules()).isCloseTo(60 * 0.1, within(EPS));
    assertThat(r.system().cpuJoules()).isCloseTo(40 + 60 * 0.6, within(EPS));
  }

  @Test
  void proportionalToRequestsChargesIdleByRequestOverNodeCpus() {
    IntervalAttribution r =
        new Attributor(IdlePolicy.ProportionalToRequests)
            .attribute(cpuOnly(100, 40, 0, new PodUsage("a", 0, 2, 0), new PodUsage("b", 0, 0, 0)));
    // Nobody busy: a requested 2 of 4 CPUs, so pays half the idle energy.
    assertThat(r.pods().get("a").cpuJoules()).isCloseTo(20, within(EPS));
    assertThat(r.pods().get("b").cpuJoules()).isZero();
    assertThat(r.system().cpuJoules()).isCloseTo(80, within(EPS));
  }

  @Test
  void overcommittedRequestsNeverChargeMoreThanTheIdleEnergy() {
    IntervalAttribution r =
        new Attributor(IdlePolicy.ProportionalToRequests)
            .attribute(cpuOnly(40, 40, 0, new PodUsage("a", 0, 6, 0), new PodUsage("b", 0, 2, 0)));
    assertThat(r.pods().get("a").cpuJoules()).isCloseTo(30, within(EPS));
    assertThat(r.pods().get("b").cpuJoules()).isCloseTo(10, within(EPS));
    assertThat(r.system().cpuJoules()).isCloseTo(0, within(EPS));
  }

  @Test
  void podsReadAfterProcStatCannotTakeMoreThanTheActiveEnergy() {
    IntervalAttribution r =
        new Attributor(IdlePolicy.None).attribute(cpuOnly(100, 0, 1, new PodUsage("a", 2, 0, 0)));
    assertThat(r.pods().get("a").cpuJoules()).isCloseTo(100, within(EPS));
    assertThat(r.system().cpuJoules()).isCloseTo(0, within(EPS));
  }

  @Test
  void memoryBySharOfNodeMemory() {
    IntervalInput in =
        new IntervalInput(
            0,
            0,
            50,
            0,
            4,
            1000,
            List.of(new PodUsage("a", 0, 0, 100), new PodUsage("b", 0, 0, 300)),
            List.of());
    IntervalAttribution r = new Attributor(IdlePolicy.None).attribute(in);
    assertThat(r.pods().get("a").memoryJoules()).isCloseTo(5, within(EPS));
    assertThat(r.pods().get("b").memoryJoules()).isCloseTo(15, within(EPS));
    assertThat(r.system().memoryJoules()).isCloseTo(30, within(EPS));
  }

  @Test
  void exclusiveGpuIsChargedWholeToItsHolderEvenWhenIdle() {
    // The product's point: an idle inference pod holding a GPU pays the GPU's idle watts.
    GpuInterval idleGpu = new GpuInterval("GPU-1", 300, 0, "holder", Map.of());
    IntervalAttribution r =
        new Attributor(IdlePolicy.None)
            .attribute(new IntervalInput(0, 0, 0, 0, 4, 1, List.of(), List.of(idleGpu)));
    assertThat(r.pods().get("holder").gpuJoules()).isCloseTo(300, within(EPS));
    assertThat(r.system().gpuJoules()).isZero();
    assertThat(r.gpuJoulesByGpu()).containsEntry("GPU-1", 300.0);
  }

  @Test
  void sharedGpuBySmUtilisationWithTheRestToSystem() {
    GpuInterval shared = new GpuInterval("GPU-2", 1000, 70, null, Map.of("a", 50.0, "b", 20.0));
    IntervalAttribution r =
        new Attributor(IdlePolicy.None)
            .attribute(new IntervalInput(0, 0, 0, 0, 4, 1, List.of(), List.of(shared)));
    assertThat(r.pods().get("a").gpuJoules()).isCloseTo(500, within(EPS));
    assertThat(r.pods().get("b").gpuJoules()).isCloseTo(200, within(EPS));
    assertThat(r.pods().get("a").gpuUtilizationPercent()).isCloseTo(50, within(EPS));
    assertThat(r.system().gpuJoules()).isCloseTo(300, within(EPS));
  }

  @Test
  void overlappingSamplesAboveHundredPercentAreScaledDown() {
    GpuInterval shared = new GpuInterval("GPU-2", 1000, 100, null, Map.of("a", 90.0, "b", 60.0));
    IntervalAttribution r =
        new Attributor(IdlePolicy.None)
            .attribute(new IntervalInput(0, 0, 0, 0, 4, 1, List.of(), List.of(shared)));
    assertThat(r.pods().get("a").gpuJoules()).isCloseTo(600, within(EPS));
    assertThat(r.pods().get("b").gpuJoules()).isCloseTo(400, within(EPS));
    assertThat(r.system().gpuJoules()).isCloseTo(0, within(EPS));
  }

  @Test
  void withoutPerProcessUtilisationTheDeviceUtilisationIsSplitEqually() {
    Map<String, Double> unknown = new HashMap<>();
    unknown.put("a", Double.NaN);
    unknown.put("b", Double.NaN);
    GpuInterval shared = new GpuInterval("GPU-3", 100, 80, null, unknown);
    IntervalAttribution r =
        new Attributor(IdlePolicy.None)
            .attribute(new IntervalInput(0, 0, 0, 0, 4, 1, List.of(), List.of(shared)));
    assertThat(r.pods().get("a").gpuJoules()).isCloseTo(40, within(EPS));
    assertThat(r.pods().get("b").gpuJoules()).isCloseTo(40, within(EPS));
    assertThat(r.system().gpuJoules()).isCloseTo(20, within(EPS));
  }

  @Test
  void unknownDeviceUtilisationStaysUnknownNotZero() {
    // 0 % would read as idle to the operator; an unknown figure must stay unknown.
    GpuInterval held = new GpuInterval("GPU-1", 300, Double.NaN, "holder", Map.of());
    Map<String, Double> unknown = new HashMap<>();
    unknown.put("a", Double.NaN);
    GpuInterval shared = new GpuInterval("GPU-2", 100, Double.NaN, null, unknown);
    IntervalAttribution r =
        new Attributor(IdlePolicy.None)
            .attribute(new IntervalInput(0, 0, 0, 0, 4, 1, List.of(), List.of(held, shared)));
    assertThat(r.pods().get("holder").gpuJoules()).isCloseTo(300, within(EPS));
    assertThat(r.pods().get("holder").gpuUtilizationPercent()).isNaN();
    assertThat(r.pods().get("a").gpuJoules()).isCloseTo(100, within(EPS));
    assertThat(r.pods().get("a").gpuUtilizationPercent()).isNaN();
  }

  @Test
  void gpuWithNobodyOnItIsSystem() {
    IntervalAttribution r =
        new Attributor(IdlePolicy.ProportionalToRequests)
            .attribute(
                new IntervalInput(
                    0,
                    0,
                    0,
                    0,
                    4,
                    1,
                    List.of(),
                    List.of(new GpuInterval("G", 70, 0, null, Map.of()))));
    assertThat(r.pods()).isEmpty();
    assertThat(r.system().gpuJoules()).isEqualTo(70);
  }

  @Test
  void garbageInputsNeverMakeNegativeEnergy() {
    IntervalAttribution r =
        new Attributor(IdlePolicy.ProportionalToRequests)
            .attribute(
                new IntervalInput(
                    Double.NaN,
                    -5,
                    -1,
                    -3,
                    0,
                    0,
                    List.of(new PodUsage("a", -1, Double.NaN, -10)),
                    List.of(
                        new GpuInterval("G", Double.NaN, Double.NaN, null, Map.of("a", -5.0)))));
    assertThat(r.pods().get("a").cpuJoules()).isZero();
    assertThat(r.pods().get("a").gpuJoules()).isZero();
    assertThat(r.system().cpuJoules()).isZero();
  }

  /** The invariant: for every interval, pods + system = node total, per component. */
  @Test
  void conservationHoldsForRandomIntervalsUnderBothPolicies() {
    Random rnd = new Random(42);
    for (IdlePolicy policy : IdlePolicy.values()) {
      Attributor attributor = new Attributor(policy);
      for (int i = 0; i < 5000; i++) {
        int cpus = 1 + rnd.nextInt(64);
        double cpuJ = rnd.nextDouble() * 5000;
        double idleJ = rnd.nextDouble() * cpuJ * 1.2; // sometimes more than the total: clamped
        double memJ = rnd.nextDouble() * 500;
        long nodeMem = 1 + rnd.nextInt(1_000_000);
        double busy = rnd.nextDouble() * cpus * 5;
        List<PodUsage> pods = new ArrayList<>();
        int n = rnd.nextInt(40);
        for (int p = 0; p < n; p++) {
          pods.add(
              new PodUsage(
                  "pod-" + p,
                  rnd.nextDouble() * busy / Math.max(1, n) * 1.5,
                  rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 4,
                  (long) (rnd.nextDouble() * nodeMem / Math.max(1, n) * 1.3)));
        }
        List<GpuInterval> gpus = new ArrayList<>();
        for (int g = 0; g < rnd.nextInt(4); g++) {
          Map<String, Double> util = new HashMap<>();
          for (int p = 0; p < n; p++) {
            if (rnd.nextInt(5) == 0) {
              util.put("pod-" + p, rnd.nextInt(10) == 0 ? Double.NaN : rnd.nextDouble() * 80);
            }
          }
          String holder = n > 0 && rnd.nextBoolean() ? "pod-" + rnd.nextInt(n) : null;
          gpus.add(
              new GpuInterval(
                  "GPU-" + g, rnd.nextDouble() * 3000, rnd.nextDouble() * 100, holder, util));
        }
        IntervalAttribution r =
            attributor.attribute(
                new IntervalInput(cpuJ, idleJ, memJ, busy, cpus, nodeMem, pods, gpus));
        double gpuTotal = gpus.stream().mapToDouble(GpuInterval::joules).sum();
        double sumCpu = r.system().cpuJoules();
        double sumMem = r.system().memoryJoules();
        double sumGpu = r.system().gpuJoules();
        for (Shares s : r.pods().values()) {
          assertThat(s.cpuJoules()).isGreaterThanOrEqualTo(0);
          assertThat(s.gpuJoules()).isGreaterThanOrEqualTo(0);
          sumCpu += s.cpuJoules();
          sumMem += s.memoryJoules();
          sumGpu += s.gpuJoules();
        }
        assertThat(sumCpu).as("cpu, interval %d", i).isCloseTo(cpuJ, within(1e-6 * (1 + cpuJ)));
        assertThat(sumMem).as("memory, interval %d", i).isCloseTo(memJ, within(1e-6 * (1 + memJ)));
        assertThat(sumGpu)
            .as("gpu, interval %d", i)
            .isCloseTo(gpuTotal, within(1e-6 * (1 + gpuTotal)));
      }
    }
  }
}
