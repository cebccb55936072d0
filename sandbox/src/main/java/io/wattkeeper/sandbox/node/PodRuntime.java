package io.wattkeeper.sandbox.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One pod on the sandbox node: its directory, loopback IP, containers and status. */
final class PodRuntime {
  final String uid;
  final String namespace;
  final String name;
  final String ip;
  final String qos;
  final Path dir;
  final List<ContainerRuntime> containers = new ArrayList<>();
  private final ObjectNode pod;
  private final String nodeName;
  private final PodCgroups cgroups;
  private final Map<String, String> sandboxEnv;
  private final String startTime = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  private final Map<String, String[]> conditions = new LinkedHashMap<>();

  PodRuntime(
      ObjectNode pod,
      String ip,
      Path podsDir,
      String nodeName,
      PodCgroups cgroups,
      Map<String, String> sandboxEnv)
      throws IOException {
    this.pod = pod;
    this.uid = Json.at(pod, "metadata.uid");
    this.namespace = Json.at(pod, "metadata.namespace");
    this.name = Json.at(pod, "metadata.name");
    this.ip = ip;
    this.qos = pod.path("status").path("qosClass").asText("BestEffort");
    this.nodeName = nodeName;
    this.cgroups = cgroups;
    this.sandboxEnv = sandboxEnv;
    this.dir = podsDir.resolve(namespace + "_" + name + "_" + uid.substring(0, 8));
    Files.createDirectories(dir);
    for (JsonNode c : pod.path("spec").path("containers")) {
      containers.add(new ContainerRuntime(c, dir.resolve(c.path("name").asText() + ".log")));
    }
  }

  ContainerRuntime container(String name) {
    return containers.stream().filter(c -> c.name.equals(name)).findFirst().orElse(null);
  }

  /** The container's environment: the sandbox's own, the pod spec's env, pod facts, the marker. */
  Map<String, String> env(ContainerRuntime c) {
    Map<String, String> env = new HashMap<>(sandboxEnv);
    env.put("HOSTNAME", name);
    env.put("POD_IP", ip);
    env.put("POD_NAME", name);
    env.put("POD_NAMESPACE", namespace);
    env.put("NODE_NAME", nodeName);
    JsonNode ports = c.spec.path("ports");
    if (ports.size() > 0) {
      env.put("PORT", ports.get(0).path("containerPort").asText());
    }
    for (JsonNode e : c.spec.path("env")) {
      String k = e.path("name").asText();
      if (e.has("value")) {
        env.put(k, expand(e.path("value").asText(), env));
      } else if (e.has("valueFrom")) {
        String path = e.path("valueFrom").path("fieldRef").path("fieldPath").asText("");
        String v =
            switch (path) {
              case "metadata.name" -> name;
              case "metadata.namespace" -> namespace;
              case "metadata.uid" -> uid;
              case "status.podIP" -> ip;
              case "status.hostIP" -> "127.0.0.1";
              case "spec.nodeName" -> nodeName;
              default -> null;
            };
        if (v != null) {
          env.put(k, v);
        }
      }
    }
    env.put(Processes.POD_UID_ENV, uid);
    return env;
  }

  private static String expand(String v, Map<String, String> env) {
    String out = v;
    for (Map.Entry<String, String> e : env.entrySet()) {
      out = out.replace("$(" + e.getKey() + ")", e.getValue());
    }
    return out;
  }

  void tick(long now) {
    String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
    for (ContainerRuntime c : containers) {
      File wd = dir.toFile();
      Map<String, String> env = env(c);
      c.tick(now, ip, env, wd, restartPolicy);
      c.maybeStart(now, env, wd, null, qos, uid, cgroups);
    }
  }

  /** The pod's status now, as kubelet would write it. */
  ObjectNode status() {
    ObjectNode s = Json.object();
    String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
    boolean anyRunning = containers.stream().anyMatch(ContainerRuntime::running);
    boolean allStarted = containers.stream().allMatch(ContainerRuntime::everStarted);
    boolean allDone =
        containers.stream().allMatch(c -> !c.running() && c.exitCode() != null)
            && !"Always".equals(restartPolicy);
    String phase;
    if (allDone && allStarted) {
      boolean ok = containers.stream().allMatch(c -> c.exitCode() == 0);
      phase = ok ? "Succeeded" : ("Never".equals(restartPolicy) ? "Failed" : "Running");
    } else if (anyRunning || (allStarted && !containers.isEmpty())) {
      phase = "Running";
    } else {
      phase = "Pending";
    }
    boolean ready = !containers.isEmpty() && containers.stream().allMatch(ContainerRuntime::ready);
    s.put("phase", phase);
    ArrayNode conds = s.putArray("conditions");
    condition(conds, "PodReadyToStartContainers", true);
    condition(conds, "Initialized", true);
    condition(conds, "Ready", ready);
    condition(conds, "ContainersReady", ready);
    condition(conds, "PodScheduled", true);
    s.put("hostIP", "127.0.0.1");
    s.putArray("hostIPs").addObject().put("ip", "127.0.0.1");
    s.put("podIP", ip);
    s.putArray("podIPs").addObject().put("ip", ip);
    s.put("startTime", startTime);
    ArrayNode cs = s.putArray("containerStatuses");
    containers.forEach(c -> cs.add(c.status()));
    s.put("qosClass", qos);
    return s;
  }

  private void condition(ArrayNode out, String type, boolean value) {
    String status = value ? "True" : "False";
    String[] prev = conditions.get(type);
    if (prev == null || !prev[0].equals(status)) {
      prev = new String[] {status, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()};
      conditions.put(type, prev);
    }
    ObjectNode c = out.addObject();
    c.put("type", type);
    c.put("status", status);
    c.putNull("lastProbeTime");
    c.put("lastTransitionTime", prev[1]);
  }

  /** SIGTERM, then SIGKILL after the grace period (capped at 5 s in the sandbox), then a sweep. */
  void stop(Path proc) {
    long grace =
        Math.min(5, pod.path("spec").path("terminationGracePeriodSeconds").asLong(30)) * 1000;
    containers.parallelStream().forEach(c -> c.stop(grace));
    if (cgroups != null) {
      for (long pid : cgroups.pids(qos, uid)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    Processes.killMarked(proc, Processes.POD_UID_ENV, uid);
    if (cgroups != null) {
      cgroups.remove(qos, uid);
    }
  }
}
