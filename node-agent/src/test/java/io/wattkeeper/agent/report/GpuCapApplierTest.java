package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.agent.testing.FakeGpuMeter;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.GpuPowerLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuCapApplierTest {

  @Test
  void appliesClampedCapsOnceAndRestoresWhenTheEntryGoes() {
    FakeGpuMeter gpu = new FakeGpuMeter();
    Warnings warnings = new Warnings();
    GpuCapApplier caps = new GpuCapApplier(gpu, warnings);
    List<GpuPowerLimit> want = List.of(new GpuPowerLimit(FakeGpuMeter.UUID, 50, "ml/budget"));

    caps.apply(want, gpu.sample());
    assertThat(gpu.calls).containsExactly("set " + FakeGpuMeter.UUID + " 100.0"); // min is 100 W
    assertThat(caps.applied()).containsEntry(FakeGpuMeter.UUID, 100.0);

    caps.apply(want, gpu.sample());
    assertThat(gpu.calls).hasSize(1); // unchanged: the GPU is not called again

    caps.apply(List.of(new GpuPowerLimit(FakeGpuMeter.UUID, 900, "r")), gpu.sample());
    assertThat(gpu.calls).last().isEqualTo("set " + FakeGpuMeter.UUID + " 400.0"); // max 400 W

    caps.apply(List.of(), gpu.sample());
    assertThat(gpu.calls).last().isEqualTo("restore " + FakeGpuMeter.UUID);
    assertThat(caps.applied()).isEmpty();
    assertThat(warnings.current(true)).isEmpty();
  }

  @Test
  void unknownGpusAndRefusalsBecomeWarnings() {
    FakeGpuMeter gpu = new FakeGpuMeter();
    gpu.refuse = true;
    Warnings warnings = new Warnings();
    GpuCapApplier caps = new GpuCapApplier(gpu, warnings);
    caps.apply(
        List.of(
            new GpuPowerLimit("GPU-elsewhere", 200, null),
            new GpuPowerLimit(FakeGpuMeter.UUID, 200, null)),
        gpu.sample());
    assertThat(caps.applied()).isEmpty();
    assertThat(warnings.current(false))
        .anySatisfy(w -> assertThat(w).contains("GPU-elsewhere").contains("not on this node"))
        .anySatisfy(w -> assertThat(w).contains("not applied").contains("no permission"));
  }

  @Test
  void capsLeftByAPreviousRunAreUndoneWhenNoLongerAskedFor() {
    FakeGpuMeter gpu = new FakeGpuMeter();
    Warnings warnings = new Warnings();
    // The agent restarted; its state file says it had capped the GPU at 150 W.
    GpuCapApplier caps =
        new GpuCapApplier(gpu, warnings, java.util.Map.of(FakeGpuMeter.UUID, 150.0));
    assertThat(caps.applied()).containsEntry(FakeGpuMeter.UUID, 150.0);
    caps.apply(List.of(), gpu.sample()); // the operator no longer asks for it
    assertThat(gpu.calls).containsExactly("restore " + FakeGpuMeter.UUID);
    assertThat(caps.applied()).isEmpty();
  }

  @Test
  void capsStillAskedForAreSetAgainAfterARestart() {
    FakeGpuMeter gpu = new FakeGpuMeter();
    GpuCapApplier caps =
        new GpuCapApplier(gpu, new Warnings(), java.util.Map.of(FakeGpuMeter.UUID, 150.0));
    caps.apply(List.of(new GpuPowerLimit(FakeGpuMeter.UUID, 200, "ml/b")), gpu.sample());
    assertThat(gpu.calls).containsExactly("set " + FakeGpuMeter.UUID + " 200.0");
  }

  @Test
  void stoppingRestoresEveryDefaultAndKeepsWhatFailed() {
    FakeGpuMeter gpu = new FakeGpuMeter();
    Warnings warnings = new Warnings();
    GpuCapApplier caps = new GpuCapApplier(gpu, warnings);
    caps.apply(List.of(new GpuPowerLimit(FakeGpuMeter.UUID, 200, "ml/b")), gpu.sample());
    gpu.refuse = true;
    caps.restoreAll();
    assertThat(caps.applied()).containsKey(FakeGpuMeter.UUID); // still in force: recorded
    assertThat(warnings.current(false)).anyMatch(w -> w.contains("not restored"));
    gpu.refuse = false;
    caps.restoreAll();
    assertThat(caps.applied()).isEmpty();
    assertThat(gpu.calls).last().isEqualTo("restore " + FakeGpuMeter.UUID);
  }
}
