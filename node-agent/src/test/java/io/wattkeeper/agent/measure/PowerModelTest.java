package io.wattkeeper.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.agent.testing.HostFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerModelTest {
  static final CpuTdpTable TABLE = CpuTdpTable.builtIn();

  @Test
  void tableIsTheDerivedCodeCarbonList() {
    assertThat(TABLE.size()).isGreaterThan(4800);
  }

  @Test
  void looksUpRealProcCpuinfoModelNames() {
    assertThat(TABLE.lookup("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"))
        .hasValueSatisfying(m -> assertThat(m.tdpWatts()).isEqualTo(150));
    assertThat(TABLE.lookup("AMD EPYC 7763 64-Core Processor"))
        .hasValueSatisfying(m -> assertThat(m.tdpWatts()).isEqualTo(280));
    assertThat(TABLE.lookup("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz"))
        .hasValueSatisfying(m -> assertThat(m.model()).isEqualTo("Intel Core i7-8700"));
    assertThat(TABLE.lookup("Intel(R) Xeon(R) Platinum 8480+"))
        .hasValueSatisfying(m -> assertThat(m.tdpWatts()).isEqualTo(350));
  }

  @Test
  void vagueOrUnknownNamesMatchNothing() {
    assertThat(TABLE.lookup("AMD EPYC")).isEmpty(); // what this build machine's VM shows
    assertThat(TABLE.lookup("QEMU Virtual CPU version 2.5+")).isEmpty();
    assertThat(TABLE.lookup("")).isEmpty();
    assertThat(TABLE.lookup(null)).isEmpty();
  }

  @Test
  void cpuinfoAndMeminfo() throws IOException {
    String cpuinfo =
        "processor\t: 0\nmodel name\t: AMD EPYC 7763 64-Core Processor\nphysical id\t: 0\n"
            + "flags\t\t: fpu hypervisor avx\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7763"
            + " 64-Core Processor\nphysical id\t: 1\nflags\t\t: fpu hypervisor avx\n";
    CpuInfo c = CpuInfo.parse(cpuinfo, "MemTotal:       2048 kB\n");
    assertThat(c.logicalCpus()).isEqualTo(2);
    assertThat(c.sockets()).isEqualTo(2);
    assertThat(c.virtualized()).isTrue();
    assertThat(c.memoryBytes()).isEqualTo(2048 * 1024);
    assertThatThrownBy(() -> CpuInfo.parse("", "MemTotal: 1 kB\n"))
        .hasMessageContaining("processor");
    assertThatThrownBy(() -> CpuInfo.parse(cpuinfo, "MemFree: 1 kB\n"))
        .hasMessageContaining("MemTotal");
    assertThatThrownBy(() -> CpuInfo.parse(cpuinfo, "MemTotal: x kB\n"))
        .hasMessageContaining("garbage");
  }

  @Test
  void knownModelUsesTdpPerSocket() {
    PowerModel m =
        new PowerModelResolver(TABLE)
            .resolve(
                new CpuInfo("AMD EPYC 7763 64-Core Processor", 256, 2, false, 0),
                ModelOverrides.NONE);
    assertThat(m.name()).isEqualTo("tdp-linear");
    assertThat(m.cpuIdleWatts()).isCloseTo(0.12 * 280 * 2, within(1e-9));
    assertThat(m.cpuMaxWatts()).isCloseTo(1.02 * 280 * 2, within(1e-9));
    assertThat(m.memoryWattsPerGb()).isEqualTo(0.392);
    assertThat(m.source()).contains("CodeCarbon").contains("AMD EPYC 7763").contains("2 socket");
  }

  @Test
  void unknownModelUsesCcfPerVcpu() {
    PowerModel avg =
        new PowerModelResolver(TABLE)
            .resolve(new CpuInfo("AMD EPYC", 2, 1, true, 0), ModelOverrides.NONE);
    assertThat(avg.name()).isEqualTo("ccf-vcpu");
    assertThat(avg.cpuIdleWatts()).isCloseTo(1.48, within(1e-9));
    assertThat(avg.cpuMaxWatts()).isCloseTo(7.0, within(1e-9));
    assertThat(avg.source()).contains("CCF AWS average").contains("'AMD EPYC' unknown");
    // An EPYC generation CodeCarbon lacks, recognised from the model number.
    PowerModel milan =
        new PowerModelResolver(TABLE)
            .resolve(new CpuInfo("AMD EPYC 7B13 Processor", 4, 1, true, 0), ModelOverrides.NONE);
    assertThat(milan.source()).contains("CCF AWS average");
    PowerModel genoa =
        new PowerModelResolver(TABLE)
            .resolve(new CpuInfo("AMD EPYC 9R94 Processor", 8, 1, true, 0), ModelOverrides.NONE);
    assertThat(genoa.name()).isEqualTo("ccf-vcpu");
  }

  @Test
  void aVmIsChargedPerVcpuNotTheWholeChipsTdp(@TempDir Path tmp) throws IOException {
    // A 2-vCPU VM on a 300 W TDP Xeon: the hypervisor flag says it has a slice of the chip.
    HostFixture f =
        new HostFixture(tmp).machine("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 2, true);
    CpuInfo vm = CpuInfo.read(f.proc());
    assertThat(vm.virtualized()).isTrue();
    PowerModel m = new PowerModelResolver(TABLE).resolve(vm, ModelOverrides.NONE);
    assertThat(m.name()).isEqualTo("ccf-vcpu");
    assertThat(m.cpuIdleWatts()).isCloseTo(0.74 * 2, within(1e-9));
    assertThat(m.cpuMaxWatts()).isCloseTo(3.5 * 2, within(1e-9));
    assertThat(m.source()).contains("virtual machine").contains("2 vCPUs");

    // The same model on bare metal keeps the TDP model.
    HostFixture metal =
        new HostFixture(tmp.resolve("metal"))
            .machine("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 2, false);
    PowerModel t =
        new PowerModelResolver(TABLE).resolve(CpuInfo.read(metal.proc()), ModelOverrides.NONE);
    assertThat(t.name()).isEqualTo("tdp-linear");
  }

  @Test
  void epycGenerations() {
    assertThat(PowerModelResolver.epycGeneration("AMD EPYC 7571")).isEqualTo("EPYC 1st gen");
    assertThat(PowerModelResolver.epycGeneration("AMD EPYC 7R32")).isEmpty();
    assertThat(PowerModelResolver.epycGeneration("AMD EPYC 7282 16-Core"))
        .isEqualTo("EPYC 2nd gen");
    assertThat(PowerModelResolver.epycGeneration("AMD EPYC 9654 96-Core"))
        .isEqualTo("EPYC 4th gen (Genoa)");
    assertThat(PowerModelResolver.ccfCoefficients("AMD EPYC 7713")).containsExactly(0.45, 2.02);
  }

  @Test
  void configurationOverridesEverything() {
    ModelOverrides o =
        new ModelOverrides(
            OptionalDouble.of(40),
            OptionalDouble.of(200),
            OptionalDouble.empty(),
            OptionalDouble.of(0.3));
    PowerModel m =
        new PowerModelResolver(TABLE).resolve(new CpuInfo("AMD EPYC 7763", 4, 1, false, 0), o);
    assertThat(m.name()).isEqualTo("configured");
    assertThat(m.cpuWatts(0.5)).isEqualTo(120);
    assertThat(m.memoryWattsPerGb()).isEqualTo(0.3);
    assertThat(m.source()).contains("configured");

    ModelOverrides tdp =
        new ModelOverrides(
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.of(100),
            OptionalDouble.empty());
    PowerModel t =
        new PowerModelResolver(TABLE).resolve(new CpuInfo("Mystery CPU", 4, 1, false, 0), tdp);
    assertThat(t.name()).isEqualTo("tdp-linear");
    assertThat(t.cpuMaxWatts()).isCloseTo(102, within(1e-9));
    assertThat(t.source()).contains("TDP 100 W configured");
  }

  @Test
  void nonsenseCoefficientsAreRefused() {
    assertThatThrownBy(() -> new PowerModel("x", 10, 5, 0.3, "s"))
        .hasMessageContaining("cpuIdleWatts");
    assertThatThrownBy(() -> new PowerModel("x", Double.NaN, 5, 0.3, "s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new PowerModel("x", 10, 20, 0, "s").cpuWatts(7)).isEqualTo(20); // clamped
  }
}
