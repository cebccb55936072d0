package io.wattkeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wattkeeper.sandbox.node.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wattkeeper sandbox --for N --no-demo --dir DIR}, parsed from the command line as the
 * launcher passes it: prints {@code export KUBECONFIG=DIR/kubeconfig}, stops everything by itself
 * and exits 0 with no process left (the scripts and CI use). Skipped like the end-to-end test.
 */
class RunForTest {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void stopsByItselfAfterTheDurationAndExitsZeroWithNoProcessLeft() {
    assumeTrue(
        System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
        "the sandbox runs on Linux only");
    SandboxTesting.assumePackaged(HOME);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

    long start = System.nanoTime();
    int code =
        Main.run(List.of("--dir", dir.toString(), "--for", "8s", "--no-demo"), HOME, out, out);
    double seconds = (System.nanoTime() - start) / 1e9;

    String printed = captured.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed.lines().findFirst())
        .as("the first line, as soon as the API answers")
        .hasValue("export KUBECONFIG=" + dir.resolve("kubeconfig"));
    assertThat(dir.resolve("kubeconfig")).isRegularFile();
    assertThat(printed)
        .contains("running for 8 s, then stopping everything", "stopped; no process left")
        .doesNotContain("namespace demo");
    assertThat(seconds).as("it ran for the duration, not less").isGreaterThanOrEqualTo(8);
    assertThat(Processes.marked(Path.of("/proc"), Processes.DIR_ENV, dir.toString()))
        .as("processes left after the sandbox stopped")
        .isEmpty();
  }

  @Test
  void otherSystemsAreToldItIsLinuxOnlyAndNothingStarts() {
    String os = System.getProperty("os.name");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setProperty("os.name", "Mac OS X");
      code =
          Main.run(
              List.of("--dir", dir.toString(), "--for", "1s"),
              HOME,
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      System.setProperty("os.name", os);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Linux only")
        .contains("this is Mac OS X");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("export KUBECONFIG");
    assertThat(dir.resolve("kubeconfig")).doesNotExist();
  }
}
