package io.wattkeeper.sandbox;

import io.wattkeeper.sandbox.node.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A child JVM of the sandbox (node agent, operator): its own log, ended with its whole tree. */
final class Child {
  final String name;
  final Path log;
  private final Process process;

  private Child(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  static Child start(String name, List<String> command, Map<String, String> env, Path dir, Path log)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new Child(name, log, pb.start());
  }

  boolean alive() {
    return process.isAlive();
  }

  int exitCode() {
    return process.exitValue();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  void stop() {
    Processes.endTree(process.toHandle(), 10_000);
  }
}
