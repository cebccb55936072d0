package io.wattkeeper.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe meant for real GPUs, run here against the fake library. */
class NvmlProbeTest {

  @TempDir Path tmp;

  @Test
  void printsDriverSymbolsStrideAndEnergyComparison() throws Exception {
    FakeNvml fake =
        FakeNvml.create(Files.createDirectories(tmp.resolve("lib")), FakeNvml.Variant.V3).twoGpus();
    fake.gpu(0, "stride", "32").gpu(0, "procs", "101:1048576,202:2097152");
    fake.gpu(1, "mig", "1")
        .gpu(1, "mig_max", "2")
        .gpu(1, "mig1.present", "1")
        .gpu(1, "mig1.power.rc", "3")
        .gpu(1, "mig1.energy.rc", "3")
        .gpu(1, "mig1.procs", "101:1");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status =
        NvmlProbe.run(fake.library.toString(), 0.05, new PrintStream(bytes, true, "UTF-8"));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(status).isZero();
    assertThat(out)
        .contains("driver: 535.54.03")
        .contains("symbol nvmlDeviceGetComputeRunningProcesses_v3: exported")
        .contains("symbol nvmlDeviceGetRunningProcessDetailList: missing")
        .contains("devices: 2")
        .contains(
            "gpu 0 processes: 2 read at stride 32 via nvmlDeviceGetComputeRunningProcesses_v3 (measured)")
        .contains("gpu 0 process: pid 202 memory 2097152")
        .contains("gpu 0 mig instances: 0")
        .contains("gpu 1 mig instances: 1")
        .contains(
            "gpu 1 mig 0: power Not Supported (code 3), energy Not Supported (code 3),"
                + " processes 1 at stride 24")
        .contains("GPU-00000000-1111-2222-3333-444444444444 energy counter delta over")
        .contains(
            "GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee energy counter: Not Supported (code 3)");
  }

  @Test
  void saysWhenNvmlIsAbsent() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status =
        NvmlProbe.run(tmp.resolve("none.so").toString(), 0, new PrintStream(bytes, true, "UTF-8"));
    assertThat(status).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("nvml: unavailable: cannot load")
        .as("one line, not JNA's list of every path it searched")
        .hasLineCount(1);
  }
}
