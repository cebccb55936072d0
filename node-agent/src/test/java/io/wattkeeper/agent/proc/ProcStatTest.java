package io.wattkeeper.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcStatTest {

  @Test
  void busyExcludesIdleAndIowait() throws IOException {
    CpuTicks t = ProcStat.parse("cpu  100 10 50 800 40 5 3 2 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n");
    assertThat(t.busy()).isEqualTo(100 + 10 + 50 + 5 + 3 + 2);
    assertThat(t.total()).isEqualTo(t.busy() + 800 + 40);
  }

  @Test
  void utilizationBetweenTwoReadings() {
    CpuTicks a = new CpuTicks(100, 1000);
    CpuTicks b = new CpuTicks(400, 2000);
    assertThat(b.utilizationSince(a)).isEqualTo(0.3);
    assertThat(b.busySecondsSince(a)).isEqualTo(3.0);
    assertThat(a.utilizationSince(a)).isZero();
  }

  @Test
  void oldKernelsWithFewerColumnsStillParse() throws IOException {
    assertThat(ProcStat.parse("cpu 1 2 3 4\n").total()).isEqualTo(10);
  }

  @Test
  void garbageIsAClearError() {
    assertThatThrownBy(() -> ProcStat.parse("cpu  1 2 x 4 5\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("garbage");
    assertThatThrownBy(() -> ProcStat.parse("intr 1 2 3\n"))
        .hasMessageContaining("aggregate cpu line");
  }
}
