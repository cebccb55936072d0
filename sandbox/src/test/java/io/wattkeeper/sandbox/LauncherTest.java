package io.wattkeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The top-level {@code ./wattkeeper} launcher: {@code --help} and {@code -h} on every subcommand
 * print usage on stdout and exit 0, with or without a build (each branch has its own fallback).
 */
class LauncherTest {
  private static final Path LAUNCHER =
      Path.of("..").toAbsolutePath().normalize().resolve("wattkeeper");

  @ParameterizedTest(name = "wattkeeper {0} {1}")
  @CsvSource({
    "'', --help",
    "'', -h",
    "sandbox, --help",
    "sandbox, -h",
    "measure, --help",
    "measure, -h",
    "agent, --help",
    "agent, -h",
    "operator, --help",
    "operator, -h",
    // help wins wherever it stands among other options
    "sandbox --dir /nonexistent --for 5s, --help",
    "measure --duration 5s, -h",
  })
  void helpOnEverySubcommandPrintsUsageAndExitsZero(String command, String flag)
      throws IOException, InterruptedException {
    assumeTrue(Files.isRegularFile(LAUNCHER), "no launcher at " + LAUNCHER);
    List<String> cmd = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
    if (!command.isBlank()) {
      cmd.addAll(List.of(command.split(" ")));
    }
    cmd.add(flag);
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit status; stderr: %s", err).isZero();
    assertThat(out.toLowerCase(java.util.Locale.ROOT))
        .as("stdout")
        .contains("usage: wattkeeper" + (command.isBlank() ? "" : " " + command.split(" ")[0]));
  }

  @ParameterizedTest(name = "wattkeeper {0}")
  @CsvSource({"''", "nonsense"})
  void noOrUnknownCommandOrOptionIsAnErrorWithUsage(String command)
      throws IOException, InterruptedException {
    assumeTrue(Files.isRegularFile(LAUNCHER), "no launcher at " + LAUNCHER);
    List<String> cmd = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
    if (!command.isBlank()) {
      cmd.addAll(List.of(command.split(" ")));
    }
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err.toLowerCase(java.util.Locale.ROOT)).contains("usage: wattkeeper");
  }
}
