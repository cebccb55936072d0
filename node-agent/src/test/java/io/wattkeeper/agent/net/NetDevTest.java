package io.wattkeeper.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wattkeeper.agent.testing.HostFixture;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetDevTest {
  @TempDir Path tmp;

  @Test
  void sumsReceiveBytesExceptLoopback() throws IOException {
    HostFixture f = new HostFixture(tmp);
    f.netDev(42, 123456, 999999);
    assertThat(NetDev.receiveBytes(f.proc(), 42)).isEqualTo(123456);
  }

  @Test
  void severalInterfaces() throws IOException {
    String text =
        "Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n"
            + "    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n"
            + "  eth0: 100 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n"
            + "  net1:200 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n";
    assertThat(NetDev.parseReceiveBytes(text)).isEqualTo(300);
  }

  @Test
  void garbageAndMissing() {
    assertThatThrownBy(() -> NetDev.parseReceiveBytes("Inter-| x\n face |b\n eth0: lots 1 2\n"))
        .hasMessageContaining("garbage");
    assertThatThrownBy(() -> NetDev.parseReceiveBytes("hello")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> NetDev.receiveBytes(tmp, 7)).isInstanceOf(IOException.class);
  }
}
