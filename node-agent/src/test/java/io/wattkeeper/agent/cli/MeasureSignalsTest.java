package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real signals to a real measure JVM (started in a session of its own, so no terminal of the
 * build's reaches it) wrapping a real shell script that records the signals it gets.
 */
class MeasureSignalsTest {
  @TempDir Path tmp;

  /** Traps INT, TERM and HUP: writes the name to signals.log and exits with 3. */
  static final String TRAPPING =
      "for s in INT TERM HUP; do trap \"echo $s >> signals.log; exit 3\" $s; done; "
          + "echo ready > ready; while :; do sleep 0.05; done";

  Process measure(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("measure");
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .directory(tmp.toFile())
        .redirectError(tmp.resolve("stderr.txt").toFile())
        .start();
  }

  void awaitFile(Path file, Process p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(file)) {
      assertThat(p.isAlive()).as("measure ended early: " + stderr()).isTrue();
      assertThat(System.nanoTime()).as("waiting for " + file).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  String stderr() {
    try {
      return Files.readString(tmp.resolve("stderr.txt"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  int end(Process p) throws InterruptedException {
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("measure did not end: " + stderr());
    }
    return p.exitValue();
  }

  void signal(String name, String target) throws Exception {
    Process k = new ProcessBuilder("kill", "-s", name, "--", target).inheritIO().start();
    assertThat(k.waitFor()).isZero();
  }

  /**
   * True when this JVM runs with SIGHUP ignored (under nohup, say): an ignored signal stays ignored
   * across exec, so the measure JVM could not take it either (and must not: that is nohup's point).
   */
  static boolean hupIgnored() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0; // SIGHUP = 1
      }
    }
    return false;
  }

  /** The process's stdout once it has ended (bounded: never blocks on a process that hangs). */
  String output(Process p) throws InterruptedException, IOException {
    end(p);
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void termHupAndIntToMeasureAloneReachTheCommandAndTheRowIsWritten() throws Exception {
    List<String> signals = hupIgnored() ? List.of("TERM", "INT") : List.of("TERM", "HUP", "INT");
    for (String sig : signals) {
      Files.deleteIfExists(tmp.resolve("ready"));
      Files.deleteIfExists(tmp.resolve("signals.log"));
      Process p =
          measure("--format", "json", "--output-dir", tmp.toString(), "--", "sh", "-c", TRAPPING);
      awaitFile(tmp.resolve("ready"), p);
      signal(sig, Long.toString(p.pid()));
      String json = output(p);
      assertThat(p.exitValue()).as(sig + ": the command's own status; " + stderr()).isEqualTo(3);
      assertThat(Files.readString(tmp.resolve("signals.log"))).isEqualTo(sig + "\n");
      JsonNode report = new ObjectMapper().readTree(json);
      assertThat(report.get("exitCode").asInt()).isEqualTo(3);
      assertThat(report.get("durationSeconds").asDouble()).isGreaterThan(0);
      assertThat(stderr()).contains("passing SIG" + sig);
    }
    List<String> rows = Files.readAllLines(tmp.resolve("emissions.csv"));
    assertThat(rows).hasSize(signals.size() + 1); // header + one row per run
  }

  @Test
  void ctrlCToTheProcessGroupEndsWith130AndStillWritesRowAndReport() throws Exception {
    Process p =
        measure(
            "--output-dir", tmp.toString(), "--", "sh", "-c", "echo ready > ready; exec sleep 60");
    awaitFile(tmp.resolve("ready"), p);
    Thread.sleep(100); // the exec'd sleep is in place
    signal("INT", "-" + p.pid()); // the whole group, as a terminal's Ctrl-C
    assertThat(end(p)).as(stderr()).isEqualTo(130);
    assertThat(stderr()).contains("exit code        130").contains("emissions.csv");
    assertThat(Files.readAllLines(tmp.resolve("emissions.csv"))).hasSize(2);
  }

  @Test
  void aDurationWatchStoppedByIntWritesWhatItMeasured() throws Exception {
    Process p = measure("--duration", "1h", "--interval", "100ms", "--output-dir", tmp.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!stderr().contains("watching")) {
      assertThat(p.isAlive()).as(stderr()).isTrue();
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
    signal("INT", Long.toString(p.pid()));
    String text = output(p);
    assertThat(p.exitValue()).as(stderr()).isEqualTo(130);
    assertThat(text).contains("busiest processes");
    List<String> rows = Files.readAllLines(tmp.resolve("emissions.csv"));
    assertThat(rows).hasSize(2);
    double duration = Double.parseDouble(rows.get(1).split(",", -1)[4]);
    assertThat(duration).isGreaterThan(0).isLessThan(600);
  }

  @Test
  void terminalForegroundIsReadFromProcSelfStat() {
    // pid (comm) state ppid pgrp session tty_nr tpgid ...
    assertThat(SignalForwarder.inTerminalForeground("9 (java) S 1 9 9 34816 9 4194304")).isTrue();
    assertThat(SignalForwarder.inTerminalForeground("9 (ja va) S 1 9 9 34816 12 4194304"))
        .isFalse();
    assertThat(SignalForwarder.inTerminalForeground("9 (java) S 1 9 9 0 -1 4194304")).isFalse();
    assertThat(SignalForwarder.inTerminalForeground("garbled")).isFalse();
  }
}
