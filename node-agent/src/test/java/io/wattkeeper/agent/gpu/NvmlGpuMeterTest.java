package io.wattkeeper.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.agent.gpu.GpuSample.GpuProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real JNA binding against a fake libnvidia-ml.so.1 built from C by the test. */
class NvmlGpuMeterTest {

  static final String GPU0 = "GPU-00000000-1111-2222-3333-444444444444";
  static final String GPU1 = "GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

  /** 2026-01-01: 1_767_225_600_000_000 µs since 1970. */
  static final java.time.Clock CLOCK =
      java.time.Clock.fixed(
          java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);

  @TempDir Path tmp;
  Path proc;
  GpuMeter meter;

  @BeforeEach
  void hostProc() throws IOException {
    proc = tmp.resolve("proc");
    Files.createDirectories(proc.resolve("sys/kernel"));
    Files.writeString(proc.resolve("sys/kernel/pid_max"), "4194304\n");
    for (int pid : new int[] {101, 202, 303, 4_000_000}) {
      Files.createDirectories(proc.resolve(Integer.toString(pid)));
      Files.writeString(proc.resolve(pid + "/cgroup"), "0::/kubepods.slice\n");
    }
  }

  @AfterEach
  void close() {
    if (meter != null) {
      meter.close();
    }
  }

  FakeNvml fake(FakeNvml.Variant variant) throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    return FakeNvml.create(lib, variant).twoGpus();
  }

  GpuMeter open(FakeNvml fake) {
    meter = GpuMeterProducer.create(true, Optional.of(fake.library.toString()), proc, CLOCK);
    return meter;
  }

  static GpuSample gpu(List<GpuSample> samples, String uuid) {
    return samples.stream().filter(s -> s.uuid().equals(uuid)).findFirst().orElseThrow();
  }

  @Test
  void samplesTwoGpusThroughTheVersionedSymbols() throws IOException {
    // The fake's unversioned nvmlInit/GetCount/GetHandleByIndex return 999: a binding to the v1
    // names would have failed here.
    GpuMeter meter = open(fake(FakeNvml.Variant.V3));

    List<GpuSample> samples = meter.sample();

    assertThat(meter.source()).isEqualTo("nvml");
    assertThat(samples).extracting(GpuSample::uuid).containsExactly(GPU0, GPU1);
    GpuSample h100 = samples.get(0);
    assertThat(h100.name()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(h100.watts()).isEqualTo(250.5);
    assertThat(h100.energyCounterJoules()).isEqualTo(1000.0);
    assertThat(h100.utilizationPercent()).isEqualTo(87.0);
    assertThat(h100.powerLimitWatts()).isEqualTo(700.0);
    assertThat(h100.defaultPowerLimitWatts()).isEqualTo(700.0);
    assertThat(h100.minPowerLimitWatts()).isEqualTo(200.0);
    assertThat(h100.maxPowerLimitWatts()).isEqualTo(700.0);
    assertThat(h100.processes()).isEmpty();
    GpuSample t4 = samples.get(1);
    assertThat(t4.watts()).isEqualTo(27.0);
    assertThat(t4.energyCounterJoules()).as("NOT_SUPPORTED counter is unknown, not 0").isNaN();
  }

  @Test
  void readsProcessesWritten24BytesApart() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "stride", "24").gpu(0, "procs", "101:1048576,202:2097152,303:3145728");
    ProcessRecordReader.Result result = readRaw(fake);
    assertThat(result.stride()).isEqualTo(24);

    assertThat(gpu(open(fake).sample(), GPU0).processes())
        .extracting(GpuProcess::pid, GpuProcess::usedMemoryBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(101, 1048576L),
            org.assertj.core.groups.Tuple.tuple(202, 2097152L),
            org.assertj.core.groups.Tuple.tuple(303, 3145728L));
  }

  @Test
  void detectsThe32ByteRecordsOfR535WithoutAVersionBump() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "stride", "32").gpu(0, "procs", "101:1048576,202:2097152,303:3145728");
    ProcessRecordReader.Result result = readRaw(fake);
    assertThat(result.stride()).isEqualTo(32);
    assertThat(result.method()).isEqualTo("nvmlDeviceGetComputeRunningProcesses_v3");

    assertThat(gpu(open(fake).sample(), GPU0).processes())
        .extracting(GpuProcess::pid, GpuProcess::usedMemoryBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(101, 1048576L),
            org.assertj.core.groups.Tuple.tuple(202, 2097152L),
            org.assertj.core.groups.Tuple.tuple(303, 3145728L));
  }

  @Test
  void readingThe32ByteLayoutAt24BytesWouldBeGarbage() throws IOException {
    // Guards the test above: the scenario really is one where a fixed 24-byte stride misreads.
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "stride", "32").gpu(0, "procs", "101:1048576,202:2097152,303:3145728");
    Nvml nvml = Nvml.open(fake.library.toString(), new StringBuilder()).orElseThrow();
    try {
      var buffer = new com.sun.jna.Memory(32 * 8);
      var count = new com.sun.jna.ptr.IntByReference(8);
      int rc =
          nvml.lib.nvmlDeviceGetComputeRunningProcesses_v3(nvml.handleByIndex(0), count, buffer);
      assertThat(rc).isZero();
      assertThat(ProcessRecordReader.parse(buffer, 3, 24))
          .extracting(ProcessRecordReader.RawProcess::pid)
          .isNotEqualTo(List.of(101L, 202L, 303L));
    } finally {
      nvml.close();
    }
  }

  @Test
  void aDriverThatClearsWholeSlotsCannotFoolTheMeasurement() throws IOException {
    // 24-byte records, but the driver zeroes 32 bytes per slot first: the bytes alone say 32;
    // only the 24-byte reading gives PIDs that exist.
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "stride", "24")
        .gpu(0, "clear_bytes_per_slot", "32")
        .gpu(0, "procs", "101:1048576,202:2097152,303:3145728");
    assertThat(readRaw(fake).stride()).isEqualTo(24);
    assertThat(gpu(open(fake).sample(), GPU0).processes())
        .extracting(GpuProcess::pid)
        .containsExactly(101, 202, 303);
  }

  @Test
  void migGpusListTheProcessesOfEachInstance() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "mig", "1")
        .gpu(0, "mig_max", "7")
        .gpu(0, "procs.rc", "4") // the parent handle refuses without privileges
        .gpu(0, "mig0.present", "1")
        .gpu(0, "mig0.procs", "101:1048576")
        .gpu(0, "mig2.present", "1")
        .gpu(0, "mig2.stride", "32")
        .gpu(0, "mig2.procs", "202:2097152,303:3145728")
        .gpu(0, "putil", "101:10:40")
        .gpu(1, "migmode.rc", "3") // T4: no MIG at all
        .gpu(1, "procs", "303:4096");

    List<GpuSample> samples = open(fake).sample();

    assertThat(gpu(samples, GPU0).processes())
        .extracting(GpuProcess::pid, GpuProcess::usedMemoryBytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(101, 1048576L),
            org.assertj.core.groups.Tuple.tuple(202, 2097152L),
            org.assertj.core.groups.Tuple.tuple(303, 3145728L));
    assertThat(gpu(samples, GPU0).processes())
        .as("no per-process utilisation under MIG")
        .extracting(GpuProcess::smUtilizationPercent)
        .containsOnly(Double.NaN);
    assertThat(gpu(samples, GPU1).processes()).extracting(GpuProcess::pid).containsExactly(303);
  }

  @Test
  void usesTheDetailListWhereTheDriverExportsIt() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.DETAIL_LIST);
    fake.gpu(0, "stride", "24").gpu(0, "procs", "101:1048576,303:3145728");
    ProcessRecordReader.Result result = readRaw(fake);
    assertThat(result.method()).isEqualTo("nvmlDeviceGetRunningProcessDetailList");
    assertThat(result.stride()).isEqualTo(32);

    assertThat(gpu(open(fake).sample(), GPU0).processes())
        .extracting(GpuProcess::pid)
        .containsExactly(101, 303);
  }

  @Test
  void fallsBackToV2OnOlderDrivers() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V2_ONLY);
    fake.gpu(0, "procs", "202:2097152");
    ProcessRecordReader.Result result = readRaw(fake);
    assertThat(result.method()).isEqualTo("nvmlDeviceGetComputeRunningProcesses_v2");

    assertThat(gpu(open(fake).sample(), GPU0).processes())
        .extracting(GpuProcess::pid, GpuProcess::usedMemoryBytes)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(202, 2097152L));
  }

  @Test
  void measuredBytesBeatTheSymbolHeuristic() throws IOException {
    // ConfComputeMemSizeInfo without DetailList: nvitop would assume 32 bytes. The driver wrote
    // 24-byte records, and the measurement says so.
    FakeNvml fake = fake(FakeNvml.Variant.CONF_COMPUTE);
    fake.gpu(0, "stride", "24").gpu(0, "procs", "101:1048576,202:2097152");
    assertThat(readRaw(fake).stride()).isEqualTo(24);
    fake.gpu(0, "procs", "");
    assertThat(readRaw(fake).stride()).as("nothing written: symbols decide").isEqualTo(32);
  }

  @Test
  void dropsImplausibleProcessRecords() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "stride", "24")
        .gpu(
            0,
            "procs",
            String.join(
                ",",
                "0:1024", // PID 0
                "4294967295:1024", // -1 as unsigned
                "4000000:1024", // exists under /proc but above this host's pid_max (32768)
                "77777:1024", // not under /proc
                "303:" + (5L << 40), // 5 TiB of GPU memory
                "101:18446744073709551615", // NVML_VALUE_NOT_AVAILABLE: memory unknown, kept
                "202:4096"));
    Files.writeString(proc.resolve("sys/kernel/pid_max"), "32768\n");

    List<GpuProcess> processes = gpu(open(fake).sample(), GPU0).processes();

    assertThat(processes).extracting(GpuProcess::pid).containsExactly(101, 202);
    assertThat(processes.get(0).usedMemoryBytes()).isEqualTo(PidSanity.MEMORY_NOT_AVAILABLE);
  }

  @Test
  void averagesPerProcessSmUtilisationSinceTheLastRead() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "procs", "101:1024,202:1024,303:1024")
        .gpu(0, "putil", "101:10:40,101:20:60,202:15:30,0:16:50,303:17:250");
    GpuMeter meter = open(fake);

    List<GpuProcess> first = gpu(meter.sample(), GPU0).processes();
    assertThat(first)
        .extracting(GpuProcess::pid, GpuProcess::smUtilizationPercent)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(101, 50.0),
            org.assertj.core.groups.Tuple.tuple(202, 30.0),
            org.assertj.core.groups.Tuple.tuple(303, 0.0)); // its only sample said 250 %: ignored

    fake.gpu(0, "putil", "101:10:40,101:20:60,202:15:30,101:30:10");
    List<GpuProcess> second = gpu(meter.sample(), GPU0).processes();
    assertThat(second)
        .extracting(GpuProcess::pid, GpuProcess::smUtilizationPercent)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(101, 10.0),
            org.assertj.core.groups.Tuple.tuple(202, 0.0),
            org.assertj.core.groups.Tuple.tuple(303, 0.0));

    List<GpuProcess> idle = gpu(meter.sample(), GPU0).processes();
    assertThat(idle).extracting(GpuProcess::smUtilizationPercent).containsOnly(0.0);
  }

  @Test
  void aTimestampFromTheFutureDoesNotHideLaterSamples() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "procs", "101:1024,202:1024")
        .gpu(0, "putil", "101:1767225600000000:40,202:9000000000000000000:99");
    GpuMeter meter = open(fake);
    assertThat(gpu(meter.sample(), GPU0).processes())
        .extracting(GpuProcess::smUtilizationPercent)
        .containsExactly(40.0, 0.0);

    fake.gpu(0, "putil", "202:1767225605000000:70");
    assertThat(gpu(meter.sample(), GPU0).processes())
        .extracting(GpuProcess::smUtilizationPercent)
        .containsExactly(0.0, 70.0);
  }

  @Test
  void perProcessUtilisationUnsupportedIsUnknown() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "procs", "101:1024").gpu(0, "putil.rc", "3");
    assertThat(gpu(open(fake).sample(), GPU0).processes())
        .extracting(GpuProcess::smUtilizationPercent)
        .containsExactly(Double.NaN);
  }

  @Test
  void garbageValuesBecomeUnknown() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "power_mw", "4000000000") // 4 MW
        .gpu(0, "util", "250")
        .gpu(0, "energy_mj", "18446744073709551000") // top bit set
        .gpu(0, "max_mw", "4294967295");

    GpuSample h100 = gpu(open(fake).sample(), GPU0);

    assertThat(h100.watts()).isNaN();
    assertThat(h100.utilizationPercent()).isNaN();
    assertThat(h100.energyCounterJoules()).isNaN();
    assertThat(h100.maxPowerLimitWatts()).isNaN();
    assertThat(h100.minPowerLimitWatts()).isEqualTo(200.0);
  }

  @Test
  void aListThatGrewSinceTheSizingCallIsReadOnRetry() throws IOException {
    // The sizing call says 1 process; by the read there are 3: INSUFFICIENT_SIZE, then a retry
    // with room to spare. Both strides, and the DetailList path.
    for (String stride : List.of("24", "32")) {
      // A directory per copy: each loaded library must be its own file.
      FakeNvml fake =
          FakeNvml.create(
                  Files.createDirectories(tmp.resolve("lib-" + stride)), FakeNvml.Variant.V3)
              .twoGpus();
      fake.gpu(0, "stride", stride)
          .gpu(0, "procs_count", "1")
          .gpu(0, "procs", "101:1048576,202:2097152,303:3145728");
      ProcessRecordReader.Result result = readRaw(fake);
      assertThat(result.stride()).isEqualTo(Integer.parseInt(stride));
      assertThat(result.processes())
          .extracting(ProcessRecordReader.RawProcess::pid)
          .containsExactly(101L, 202L, 303L);
    }
    FakeNvml detail =
        FakeNvml.create(
                Files.createDirectories(tmp.resolve("detail")), FakeNvml.Variant.DETAIL_LIST)
            .twoGpus();
    detail.gpu(0, "procs_count", "1").gpu(0, "procs", "101:1,202:2,303:3");
    assertThat(readRaw(detail).processes()).hasSize(3);
  }

  @Test
  void garbageCountsNeverBecomeAllocations() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "procs", "101:1024")
        .gpu(0, "procs_count", "4294967295")
        .gpu(1, "procs", "303:4096")
        .gpu(1, "putil", "303:5:20")
        .gpu(1, "putil_count", "4294967295");
    GpuMeter meter = open(fake);

    List<GpuSample> samples = meter.sample();
    assertThat(gpu(samples, GPU0).processes()).as("process list unknown").isEmpty();
    assertThat(gpu(samples, GPU0).watts()).isEqualTo(250.5);
    assertThat(gpu(samples, GPU1).processes())
        .extracting(GpuProcess::pid, GpuProcess::smUtilizationPercent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(303, Double.NaN));

    fake.set("count", "4294967295");
    assertThat(meter.sample()).isEmpty();
  }

  @Test
  void energyCounterGoingBackwardsIsUnknownForThatSampleOnly() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    GpuMeter meter = open(fake);
    assertThat(gpu(meter.sample(), GPU0).energyCounterJoules()).isEqualTo(1000.0);

    fake.gpu(0, "energy_mj", "5000"); // driver reloaded
    assertThat(gpu(meter.sample(), GPU0).energyCounterJoules()).isNaN();

    fake.gpu(0, "energy_mj", "7500");
    assertThat(gpu(meter.sample(), GPU0).energyCounterJoules()).isEqualTo(7.5);
  }

  @Test
  void aFailingCallLeavesOnlyItsValueUnknown() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "power.rc", "15").gpu(0, "constraints.rc", "3").gpu(0, "procs.rc", "4");

    GpuSample h100 = gpu(open(fake).sample(), GPU0);

    assertThat(h100.watts()).isNaN();
    assertThat(h100.minPowerLimitWatts()).isNaN();
    assertThat(h100.maxPowerLimitWatts()).isNaN();
    assertThat(h100.energyCounterJoules()).isEqualTo(1000.0);
    assertThat(h100.utilizationPercent()).isEqualTo(87.0);
  }

  @Test
  void aDeviceThatRefusesItsHandleIsLeftOutAndTheOthersSampled() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "handle.rc", "4");
    assertThat(open(fake).sample()).extracting(GpuSample::uuid).containsExactly(GPU1);

    fake.gpu(0, "handle.rc", "0").gpu(1, "uuid.rc", "15");
    assertThat(meter.sample()).extracting(GpuSample::uuid).containsExactly(GPU0);

    fake.set("count.rc", "1");
    assertThat(meter.sample()).isEmpty();
  }

  @Test
  void setsPowerLimitsClampedToTheDeviceConstraints() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    GpuMeter meter = open(fake);

    assertThat(meter.setPowerLimit(GPU0, 350.4)).isEqualTo(350.4);
    assertThat(gpu(meter.sample(), GPU0).powerLimitWatts()).isEqualTo(350.4);
    assertThat(meter.setPowerLimit(GPU0, 1000)).isEqualTo(700.0);
    assertThat(meter.setPowerLimit(GPU0, 50)).isEqualTo(200.0);
    assertThat(meter.setPowerLimit(GPU1, 65)).isEqualTo(65.0);

    assertThat(fake.calls())
        .containsExactly(
            "nvmlDeviceSetPowerManagementLimit gpu0 350400",
            "nvmlDeviceSetPowerManagementLimit gpu0 700000",
            "nvmlDeviceSetPowerManagementLimit gpu0 200000",
            "nvmlDeviceSetPowerManagementLimit gpu1 65000");
  }

  @Test
  void restoresTheDefaultLimit() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "default_mw", "650000");
    GpuMeter meter = open(fake);
    meter.setPowerLimit(GPU0, 300);

    assertThat(meter.restoreDefaultPowerLimit(GPU0)).isEqualTo(650.0);
    assertThat(gpu(meter.sample(), GPU0).powerLimitWatts()).isEqualTo(650.0);
  }

  @Test
  void powerLimitRefusalsCarryNvmlsReason() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.gpu(0, "setlimit.rc", "4").gpu(1, "constraints.rc", "3");
    GpuMeter meter = open(fake);

    assertThatThrownBy(() -> meter.setPowerLimit(GPU0, 300))
        .isInstanceOf(GpuException.class)
        .hasMessageContaining("nvmlDeviceSetPowerManagementLimit(" + GPU0 + ", 300000 mW)")
        .hasMessageContaining("Insufficient Permissions (code 4)");
    assertThatThrownBy(() -> meter.setPowerLimit(GPU1, 65))
        .isInstanceOf(GpuException.class)
        .hasMessageContaining("Not Supported (code 3)");
    assertThatThrownBy(() -> meter.setPowerLimit("GPU-nope", 65))
        .isInstanceOf(GpuException.class)
        .hasMessageContaining("Not Found (code 6)");
    assertThatThrownBy(() -> meter.setPowerLimit(GPU0, Double.NaN))
        .isInstanceOf(GpuException.class)
        .hasMessageContaining("positive number of watts");
    assertThatThrownBy(() -> meter.restoreDefaultPowerLimit(GPU0))
        .isInstanceOf(GpuException.class)
        .hasMessageContaining("Insufficient Permissions");
    assertThat(fake.calls()).isEmpty();
  }

  @Test
  void closeShutsNvmlDown() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    open(fake).close();
    meter = null;
    assertThat(fake.calls()).containsExactly("nvmlShutdown");
  }

  @Test
  void noLibraryOrFailedInitMeansSourceNone() throws IOException {
    assertThat(
            GpuMeterProducer.create(
                true, Optional.of(tmp.resolve("absent/libnvidia-ml.so.1").toString()), proc, CLOCK))
        .isSameAs(GpuMeter.NONE);

    FakeNvml fake = fake(FakeNvml.Variant.V3);
    fake.set("init.rc", "9"); // DRIVER_NOT_LOADED
    assertThat(GpuMeterProducer.create(true, Optional.of(fake.library.toString()), proc, CLOCK))
        .isSameAs(GpuMeter.NONE);

    fake.set("init.rc", "0");
    assertThat(GpuMeterProducer.create(false, Optional.of(fake.library.toString()), proc, CLOCK))
        .isSameAs(GpuMeter.NONE);
    assertThat(GpuMeter.NONE.source()).isEqualTo("none");
    assertThat(GpuMeter.NONE.sample()).isEmpty();
  }

  @Test
  void energyIntegratesFromTheCounterOrPowerTimesTime() throws IOException {
    FakeNvml fake = fake(FakeNvml.Variant.V3);
    GpuMeter meter = open(fake);
    var clock = new io.wattkeeper.agent.gpu.GpuEnergyIntegratorTest.ManualClock();
    GpuEnergyIntegrator integrator = new GpuEnergyIntegrator(clock);
    integrator.advance(meter.sample());

    clock.advanceSeconds(5);
    fake.gpu(0, "energy_mj", "2250000");
    var intervals = integrator.advance(meter.sample());

    assertThat(intervals.get(GPU0).joules()).isEqualTo(1250.0);
    assertThat(intervals.get(GPU0).method()).isEqualTo(GpuEnergyIntegrator.Method.ENERGY_COUNTER);
    assertThat(intervals.get(GPU1).joules()).isCloseTo(27.0 * 5, within(1e-9));
    assertThat(intervals.get(GPU1).method()).isEqualTo(GpuEnergyIntegrator.Method.POWER_TIMES_TIME);
  }

  private ProcessRecordReader.Result readRaw(FakeNvml fake) {
    Nvml nvml = Nvml.open(fake.library.toString(), new StringBuilder()).orElseThrow();
    try {
      return new ProcessRecordReader(nvml, new PidSanity(proc)).read(nvml.handleByIndex(0));
    } finally {
      nvml.close();
    }
  }
}
