package io.wattkeeper.sandbox.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** One container of a pod as a local process: start, restart with back-off, probes, status. */
final class ContainerRuntime {
  private static final SecureRandom RANDOM = new SecureRandom();
  final String name;
  final JsonNode spec;
  private final Path log;
  private Process process;
  private String id;
  private int restarts;
  private Instant startedAt;
  private ObjectNode lastTerminated;
  private ObjectNode terminated;
  private String waitingReason = "ContainerCreating";
  private String waitingMessage;
  private long nextStartAt;
  private final Probe readiness;
  private final Probe liveness;
  private final Probe startup;
  private boolean everStarted;

  ContainerRuntime(JsonNode spec, Path log) {
    this.spec = spec;
    this.name = spec.path("name").asText();
    this.log = log;
    this.readiness =
        spec.has("readinessProbe") ? new Probe(spec.get("readinessProbe"), spec) : null;
    this.liveness = spec.has("livenessProbe") ? new Probe(spec.get("livenessProbe"), spec) : null;
    this.startup = spec.has("startupProbe") ? new Probe(spec.get("startupProbe"), spec) : null;
  }

  Path log() {
    return log;
  }

  ProcessHandle handle() {
    return process == null ? null : process.toHandle();
  }

  boolean running() {
    return process != null && process.isAlive();
  }

  boolean everStarted() {
    return everStarted;
  }

  int restarts() {
    return restarts;
  }

  Integer exitCode() {
    return terminated == null ? null : terminated.path("exitCode").asInt();
  }

  /** The command line: command then args, as the container spec gives them. */
  List<String> argv() {
    List<String> cmd = new ArrayList<>();
    spec.path("command").forEach(c -> cmd.add(c.asText()));
    spec.path("args").forEach(c -> cmd.add(c.asText()));
    return cmd;
  }

  /**
   * Starts the process when due. {@code cgroupProcs}: the cgroup.procs files it must join before it
   * runs its command (a shell writes its own PID, then execs), so no child escapes the cgroup.
   */
  void maybeStart(
      long nowMillis,
      Map<String, String> env,
      File dir,
      List<Path> cgroupProcs,
      String qos,
      String podUid,
      PodCgroups cgroups) {
    if (running() || nowMillis < nextStartAt) {
      return;
    }
    List<String> argv = argv();
    if (argv.isEmpty()) {
      waitingReason = "CreateContainerConfigError";
      waitingMessage =
          "the sandbox runs commands, not images: give container \"" + name + "\" a command";
      nextStartAt = Long.MAX_VALUE;
      return;
    }
    id = HexFormat.of().formatHex(randomBytes());
    List<String> full = new ArrayList<>();
    if (cgroups != null) {
      try {
        List<Path> procs = cgroups.create(qos, podUid, id);
        StringBuilder script = new StringBuilder();
        for (Path p : procs) {
          script.append("echo $$ > '").append(p).append("' && ");
        }
        script.append("exec \"$@\"");
        full.add("/bin/sh");
        full.add("-c");
        full.add(script.toString());
        full.add("sh");
      } catch (IOException e) {
        waitingReason = "RunContainerError";
        waitingMessage = "cannot create the pod cgroup: " + e.getMessage();
        nextStartAt = nowMillis + backoffMillis();
        return;
      }
    }
    full.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(full).directory(dir).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = pb.start();
    } catch (IOException e) {
      waitingReason = "RunContainerError";
      waitingMessage = "cannot start " + argv.get(0) + ": " + e.getMessage();
      nextStartAt = nowMillis + backoffMillis();
      restarts += everStarted ? 1 : 0;
      return;
    }
    if (everStarted) {
      restarts++;
      lastTerminated = terminated;
    }
    everStarted = true;
    terminated = null;
    waitingReason = null;
    waitingMessage = null;
    startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (Probe p : new Probe[] {readiness, liveness, startup}) {
      if (p != null) {
        p.reset(nowMillis);
      }
    }
  }

  /** Notices an exit; runs probes; a failed liveness probe ends the process (restarted later). */
  void tick(long nowMillis, String podIp, Map<String, String> env, File dir, String restartPolicy) {
    if (process != null && !process.isAlive() && terminated == null) {
      int code = process.exitValue();
      terminated = Json.object();
      terminated.put("exitCode", code);
      terminated.put("reason", code == 0 ? "Completed" : "Error");
      terminated.put("startedAt", startedAt.toString());
      terminated.put("finishedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      terminated.put("containerID", "sandbox://" + id);
      boolean again =
          "Always".equals(restartPolicy) || ("OnFailure".equals(restartPolicy) && code != 0);
      if (again) {
        nextStartAt = nowMillis + backoffMillis();
        waitingReason = "CrashLoopBackOff";
        waitingMessage =
            "back-off " + backoffMillis() / 1000 + "s restarting failed container=" + name;
      } else {
        nextStartAt = Long.MAX_VALUE;
      }
    }
    if (!running()) {
      return;
    }
    if (startup != null && startup.result() == null) {
      startup.tick(nowMillis, podIp, env, dir);
      if (Boolean.FALSE.equals(startup.result())) {
        Processes.endTree(process.toHandle(), 2000);
      }
      return;
    }
    if (startup != null && !Boolean.TRUE.equals(startup.result())) {
      startup.tick(nowMillis, podIp, env, dir);
      return;
    }
    if (readiness != null) {
      readiness.tick(nowMillis, podIp, env, dir);
    }
    if (liveness != null) {
      liveness.tick(nowMillis, podIp, env, dir);
      if (Boolean.FALSE.equals(liveness.result())) {
        Processes.endTree(process.toHandle(), 2000);
      }
    }
  }

  private long backoffMillis() {
    // kubelet: 10 s doubling to 5 min; the sandbox: 1 s doubling to 30 s, for short demos.
    return Math.min(30_000L, 1000L << Math.min(restarts, 5));
  }

  boolean ready() {
    if (!running()) {
      return false;
    }
    if (startup != null && !Boolean.TRUE.equals(startup.result())) {
      return false;
    }
    return readiness == null || Boolean.TRUE.equals(readiness.result());
  }

  boolean started() {
    return running() && (startup == null || Boolean.TRUE.equals(startup.result()));
  }

  /** The container's status as kubelet reports it. */
  ObjectNode status() {
    ObjectNode s = Json.object();
    s.put("name", name);
    s.put("ready", ready());
    s.put("started", started());
    s.put("restartCount", restarts);
    s.put("image", spec.path("image").asText(""));
    s.put("imageID", "");
    if (id != null) {
      s.put("containerID", "sandbox://" + id);
    }
    ObjectNode state = s.putObject("state");
    if (running()) {
      state.putObject("running").put("startedAt", startedAt.toString());
    } else if (waitingReason != null && (terminated == null || nextStartAt != Long.MAX_VALUE)) {
      ObjectNode w = state.putObject("waiting");
      w.put("reason", waitingReason);
      if (waitingMessage != null) {
        w.put("message", waitingMessage);
      }
    } else if (terminated != null) {
      state.set("terminated", terminated);
    } else {
      state.putObject("waiting").put("reason", "ContainerCreating");
    }
    ObjectNode last = s.putObject("lastState");
    ObjectNode prev =
        terminated != null && !running() && nextStartAt != Long.MAX_VALUE
            ? terminated
            : lastTerminated;
    if (prev != null) {
      last.set("terminated", prev);
    }
    return s;
  }

  void stop(long graceMs) {
    if (process != null && process.isAlive()) {
      Processes.endTree(process.toHandle(), graceMs);
    }
    nextStartAt = Long.MAX_VALUE;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return b;
  }
}
