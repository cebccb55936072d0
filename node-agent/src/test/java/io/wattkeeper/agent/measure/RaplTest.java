package io.wattkeeper.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wattkeeper.agent.testing.HostFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplTest {
  static final long INTEL_RANGE = 262_143_328_850L;
  static final long DRAM_RANGE = 65_712_999_613L;
  static final PowerModel MODEL = new PowerModel("configured", 10, 110, 0.5, "test");

  @TempDir Path tmp;

  /** Two sockets with package, core, uncore and dram sub-zones, plus psys and an mmio copy. */
  HostFixture twoSockets() {
    return new HostFixture(tmp)
        .raplZone("intel-rapl:0", "package-0", 1_000_000, INTEL_RANGE)
        .raplZone("intel-rapl:0:0", "core", 500_000, INTEL_RANGE)
        .raplZone("intel-rapl:0:1", "uncore", 100_000, INTEL_RANGE)
        .raplZone("intel-rapl:0:2", "dram", 2_000_000, DRAM_RANGE)
        .raplZone("intel-rapl:1", "package-1", 3_000_000, INTEL_RANGE)
        .raplZone("intel-rapl:1:0", "dram", 4_000_000, DRAM_RANGE)
        .raplZone("intel-rapl:2", "psys", 9_000_000, INTEL_RANGE)
        .raplZone("intel-rapl-mmio:0", "package-0", 1_000_000, INTEL_RANGE);
  }

  @Test
  void countsPackagesAndDramOnlyAcrossSockets() throws IOException {
    HostFixture f = twoSockets();
    RaplDiscovery.Result found = RaplDiscovery.discover(f.powercap());
    assertThat(found.zones())
        .extracting(RaplZone::id)
        .containsExactly("intel-rapl:0", "intel-rapl:0:2", "intel-rapl:1", "intel-rapl:1:0");
    RaplMeter meter = new RaplMeter(found.zones());
    assertThat(meter.read()).isNull(); // primes
    f.raplEnergy("intel-rapl:0", "11000000") // +10 J
        .raplEnergy("intel-rapl:1", "8000000") // +5 J
        .raplEnergy("intel-rapl:0:0", "99000000") // core: ignored
        .raplEnergy("intel-rapl:2", "99000000") // psys: ignored
        .raplEnergy("intel-rapl:0:2", "3000000") // +1 J
        .raplEnergy("intel-rapl:1:0", "6000000"); // +2 J
    RaplMeter.Delta d = meter.read();
    assertThat(d.packageJoules()).isCloseTo(15.0, within(1e-9));
    assertThat(d.dramJoules()).isCloseTo(3.0, within(1e-9));
  }

  @Test
  void amdDieZonesMirroringOneSocketCounterAreCountedOnce() throws IOException {
    // Zen 1/2 (e.g. Threadripper 1950X): one zone per die, all mirroring the socket's counter.
    HostFixture f =
        new HostFixture(tmp)
            .raplZone("intel-rapl:0", "package-0-die-0", 5_000_000, INTEL_RANGE)
            .raplZone("intel-rapl:1", "package-0-die-1", 5_000_000, INTEL_RANGE);
    RaplDiscovery.Result found = RaplDiscovery.discover(f.powercap());
    assertThat(found.zones()).extracting(RaplZone::id).containsExactly("intel-rapl:0");
    assertThat(found.warnings()).anySatisfy(w -> assertThat(w).contains("package-0-die-1"));
    RaplMeter meter = new RaplMeter(found.zones());
    meter.read();
    f.raplEnergy("intel-rapl:0", "73000000").raplEnergy("intel-rapl:1", "73000000");
    assertThat(meter.read().packageJoules()).isCloseTo(68.0, within(1e-9));
  }

  @Test
  void dieZonesWithTheirOwnCountersAreAllCounted() throws IOException {
    // Intel multi-die packages (Cascade Lake-AP): each die has its own counter.
    HostFixture f =
        new HostFixture(tmp)
            .raplZone("intel-rapl:0", "package-0-die-0", 5_000_000, INTEL_RANGE)
            .raplZone("intel-rapl:1", "package-0-die-1", 7_000_000, INTEL_RANGE);
    assertThat(RaplDiscovery.discover(f.powercap()).zones()).hasSize(2);
  }

  @Test
  void wrapIsHandledPerZone() throws IOException {
    HostFixture f =
        new HostFixture(tmp)
            .raplZone("intel-rapl:0", "package-0", INTEL_RANGE - 2_000_000, INTEL_RANGE)
            .raplZone("intel-rapl:1", "package-1", 1_000_000, INTEL_RANGE);
    RaplMeter meter = new RaplMeter(RaplDiscovery.discover(f.powercap()).zones());
    meter.read();
    f.raplEnergy("intel-rapl:0", "3000000"); // wrapped: 2 J to the top + 3 J
    f.raplEnergy("intel-rapl:1", "2000000"); // +1 J
    assertThat(meter.read().packageJoules()).isCloseTo(6.0, within(1e-9));
  }

  @Test
  void deltaWithoutRangeCountsNothingRatherThanInventing() {
    assertThat(RaplMeter.deltaMicrojoules(100, 50, 0)).isZero();
    assertThat(RaplMeter.deltaMicrojoules(100, 50, 90)).isZero(); // previous beyond range: garbage
    assertThat(RaplMeter.deltaMicrojoules(100, 50, 1000)).isEqualTo(950);
    assertThat(RaplMeter.deltaMicrojoules(100, 150, 1000)).isEqualTo(50);
  }

  @Test
  void missingRangeIsReportedAsAWarning() {
    HostFixture f = new HostFixture(tmp).raplZone("intel-rapl:0", "package-0", 5, 0);
    RaplDiscovery.Result r = RaplDiscovery.discover(f.powercap());
    assertThat(r.zones()).hasSize(1);
    assertThat(r.zones().get(0).maxEnergyRangeUj()).isZero();
    assertThat(r.warnings()).singleElement().asString().contains("max_energy_range_uj unreadable");
  }

  @Test
  void noPowercapMeansModel() {
    NodePowerMeter meter =
        new NodePowerMeter(
            RaplDiscovery.discover(tmp.resolve("sys/class/powercap")), MODEL, 8_000_000_000L);
    assertThat(meter.cpuSource()).isEqualTo("model");
    NodeEnergy e = meter.sample(10, 0.5);
    assertThat(e.cpuJoules()).isCloseTo(600, within(1e-9)); // (10 + 0.5 * 100) W x 10 s
    assertThat(e.cpuIdleJoules()).isCloseTo(100, within(1e-9));
    assertThat(e.memoryJoules()).isCloseTo(40, within(1e-9)); // 8 GB x 0.5 W/GB x 10 s
    assertThat(e.cpuSource()).isEqualTo("model");
  }

  @Test
  void raplSplitsIdleByUtilisationAndUsesDram() {
    HostFixture f = twoSockets();
    NodePowerMeter meter =
        new NodePowerMeter(RaplDiscovery.discover(f.powercap()), MODEL, 8_000_000_000L);
    assertThat(meter.cpuSource()).isEqualTo("rapl");
    assertThat(meter.memorySource()).isEqualTo("rapl");
    f.raplEnergy("intel-rapl:0", "21000000").raplEnergy("intel-rapl:0:2", "7000000");
    NodeEnergy e = meter.sample(5, 0.25);
    assertThat(e.cpuJoules()).isCloseTo(20, within(1e-9));
    assertThat(e.cpuIdleJoules()).isCloseTo(15, within(1e-9));
    assertThat(e.memoryJoules()).isCloseTo(5, within(1e-9));
    assertThat(e.cpuSource()).isEqualTo("rapl");
  }

  @Test
  void unreadableEnergyAtStartFallsBackToTheModelWithAWarning() {
    HostFixture f = twoSockets();
    HostFixture.makeUnreadable(f.powercap().resolve("intel-rapl:1/energy_uj"));
    NodePowerMeter meter = new NodePowerMeter(RaplDiscovery.discover(f.powercap()), MODEL, 1);
    assertThat(meter.cpuSource()).isEqualTo("model");
    assertThat(meter.startupWarnings())
        .anySatisfy(
            w -> assertThat(w).contains("RAPL present but unreadable").contains("CVE-2020-8694"));
    assertThat(meter.sample(1, 0).cpuSource()).isEqualTo("model");
  }

  @Test
  void permissionDeniedEnergyWhenNotRoot() throws IOException {
    assumeTrue(HostFixture.permissionsEnforced(tmp), "running as root: chmod 000 is not enforced");
    HostFixture f = twoSockets();
    Files.setPosixFilePermissions(
        f.powercap().resolve("intel-rapl:0/energy_uj"),
        PosixFilePermissions.fromString("r--------"));
    NodePowerMeter meter = new NodePowerMeter(RaplDiscovery.discover(f.powercap()), MODEL, 1);
    assertThat(meter.cpuSource()).isEqualTo("model");
  }

  @Test
  void garbageMidRunFallsBackAndNeverCountsTheFailedIntervalTwice() {
    HostFixture f = twoSockets();
    NodePowerMeter meter = new NodePowerMeter(RaplDiscovery.discover(f.powercap()), MODEL, 1);
    f.raplEnergy("intel-rapl:0", "not-a-number");
    NodeEnergy e = meter.sample(1, 0);
    assertThat(e.cpuSource()).isEqualTo("model");
    assertThat(meter.lastWarning()).contains("RAPL read failed").contains("not a number");
    // The next RAPL delta would span the failed interval too, which the model already charged:
    // that read only takes a new baseline, and the interval is modelled.
    f.raplEnergy("intel-rapl:0", "2000000");
    NodeEnergy next = meter.sample(1, 0);
    assertThat(next.cpuSource()).isEqualTo("model");
    assertThat(next.cpuJoules()).isCloseTo(10, within(1e-9));
    assertThat(meter.lastWarning()).contains("new RAPL baseline");
    f.raplEnergy("intel-rapl:0", "5000000");
    NodeEnergy third = meter.sample(1, 0);
    assertThat(third.cpuSource()).isEqualTo("rapl");
    assertThat(third.cpuJoules()).isCloseTo(3, within(1e-9)); // from the new baseline only
    assertThat(meter.lastWarning()).isNull();
  }
}
