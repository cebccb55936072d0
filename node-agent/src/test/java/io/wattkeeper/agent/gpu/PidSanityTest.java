package io.wattkeeper.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidSanityTest {

  @TempDir Path proc;

  @Test
  void acceptsOnlyExistingPidsWithPlausibleMemory() throws IOException {
    Files.createDirectories(proc.resolve("sys/kernel"));
    Files.writeString(proc.resolve("sys/kernel/pid_max"), "99999\n");
    Files.createDirectories(proc.resolve("4242"));
    PidSanity sanity = new PidSanity(proc);

    assertThat(sanity.pidMax()).isEqualTo(99999);
    assertThat(sanity.reject(4242, 1 << 20)).isEmpty();
    assertThat(sanity.reject(4242, PidSanity.MEMORY_NOT_AVAILABLE)).isEmpty();
    assertThat(sanity.reject(0, 0)).hasValueSatisfying(r -> assertThat(r).contains("outside"));
    assertThat(sanity.reject(4294967295L, 0)).isPresent();
    assertThat(sanity.reject(100000, 0)).isPresent();
    assertThat(sanity.reject(4243, 0)).hasValueSatisfying(r -> assertThat(r).contains("not found"));
    assertThat(sanity.reject(4242, 5L << 40))
        .hasValueSatisfying(r -> assertThat(r).contains("memory"));
    assertThat(sanity.reject(4242, -2)).isPresent();
  }

  @Test
  void unreadablePidMaxFallsBackToTheKernelCeiling() {
    assertThat(new PidSanity(proc).pidMax()).isEqualTo(PidSanity.PID_MAX_LIMIT);
  }

  @Test
  void strideIsMeasuredFromTheBytesWritten() {
    Memory buffer = new Memory(32 * 4);
    buffer.setMemory(0, buffer.size(), (byte) 0xAA);
    buffer.setMemory(0, 48, (byte) 0); // two 24-byte records
    assertThat(ProcessRecordReader.measureStride(buffer, buffer.size(), 2, 32)).isEqualTo(24);
    buffer.setMemory(0, 64, (byte) 0); // two 32-byte records
    assertThat(ProcessRecordReader.measureStride(buffer, buffer.size(), 2, 24)).isEqualTo(32);
    assertThat(ProcessRecordReader.measureStride(buffer, buffer.size(), 0, 32)).isEqualTo(32);
  }
}
