package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunIdTest {
  @TempDir Path tmp;

  @Test
  void randomVersion4IetfVariant() {
    UUID a = RunId.random();
    UUID b = RunId.random();
    assertThat(a.version()).isEqualTo(4);
    assertThat(a.variant()).isEqualTo(2);
    assertThat(a).isNotEqualTo(b);
    assertThat(UUID.fromString(a.toString())).isEqualTo(a);
  }

  @Test
  void bitsComeFromTheSource() throws IOException {
    Path ones =
        Files.write(
            tmp.resolve("ones"),
            new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1});
    assertThat(RunId.random(ones)).hasToString("ffffffff-ffff-4fff-bfff-ffffffffffff");
  }

  @Test
  void aShortOrMissingSourceFallsBackToTheJdk() throws IOException {
    Path shortFile = Files.write(tmp.resolve("short"), new byte[] {1, 2, 3});
    assertThat(RunId.random(shortFile).version()).isEqualTo(4);
    assertThat(RunId.random(tmp.resolve("missing")).version()).isEqualTo(4);
  }
}
