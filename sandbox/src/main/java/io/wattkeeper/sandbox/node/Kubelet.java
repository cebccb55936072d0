package io.wattkeeper.sandbox.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Api;
import io.wattkeeper.sandbox.api.ApiError;
import io.wattkeeper.sandbox.api.Json;
import io.wattkeeper.sandbox.api.ResourceType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The sandbox's node: registers one Node, schedules every pod to it, and runs each pod's containers
 * as local processes (see {@link PodRuntime}). Syncs twice a second: new pods start, deleted pods'
 * processes end, status follows the processes and probes.
 */
public final class Kubelet implements AutoCloseable {
  private final Api api;
  private final String nodeName;
  private final Path podsDir;
  private final PodCgroups cgroups;
  private final Map<String, String> sandboxEnv;
  private final Consumer<String> log;
  private final ResourceType pods;
  private final Map<String, PodRuntime> running = new ConcurrentHashMap<>();
  private final Set<String> failed = new HashSet<>();
  private final List<Thread> stopping = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;
  private int nextIp = 1;

  public Kubelet(
      Api api,
      String nodeName,
      Path podsDir,
      Optional<PodCgroups> cgroups,
      Map<String, String> sandboxEnv,
      Consumer<String> log) {
    this.api = api;
    this.nodeName = nodeName;
    this.podsDir = podsDir;
    this.cgroups = cgroups.orElse(null);
    this.sandboxEnv = sandboxEnv;
    this.log = log;
    this.pods = api.type("", "pods");
    this.thread = new Thread(this::loop, "kubelet");
    thread.setDaemon(true);
  }

  /** Registers the Node (labels: hostname, os, region for the carbon zone) and starts syncing. */
  public void start(String region) {
    ObjectNode node = Json.object();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", nodeName);
    ObjectNode labels = meta.putObject("labels");
    labels.put("kubernetes.io/hostname", nodeName);
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", System.getProperty("os.arch").replace("x86_64", "amd64"));
    labels.put("node.kubernetes.io/instance-type", "wattkeeper-sandbox");
    if (region != null && !region.isEmpty()) {
      labels.put("topology.kubernetes.io/region", region);
    }
    api.create(api.type("", "nodes"), null, node);
    ObjectNode st = Json.object();
    ObjectNode cap = st.putObject("capacity");
    cap.put("cpu", Integer.toString(Runtime.getRuntime().availableProcessors()));
    cap.put("pods", "110");
    st.set("allocatable", cap.deepCopy());
    ArrayNode conds = st.putArray("conditions");
    ObjectNode ready = conds.addObject();
    ready.put("type", "Ready");
    ready.put("status", "True");
    ready.put("reason", "KubeletReady");
    ready.put("message", "wattkeeper sandbox kubelet is posting ready status");
    ready.put("lastHeartbeatTime", api.now());
    ready.put("lastTransitionTime", api.now());
    ArrayNode addrs = st.putArray("addresses");
    ObjectNode ip = addrs.addObject();
    ip.put("type", "InternalIP");
    ip.put("address", "127.0.0.1");
    ObjectNode host = addrs.addObject();
    host.put("type", "Hostname");
    host.put("address", nodeName);
    ObjectNode info = st.putObject("nodeInfo");
    info.put("kubeletVersion", "v1.32.0-wattkeeper-sandbox");
    info.put("operatingSystem", "linux");
    info.put("architecture", labels.path("kubernetes.io/arch").asText());
    info.put("containerRuntimeVersion", "sandbox://local-processes");
    ObjectNode n = api.get(api.type("", "nodes"), null, nodeName);
    n.set("status", st);
    api.update(api.type("", "nodes"), null, nodeName, n, "status");
    thread.start();
  }

  public String nodeName() {
    return nodeName;
  }

  /** Where a container's log is, for GET pods/{name}/log. */
  public Optional<Path> logOf(ObjectNode pod, String container) {
    PodRuntime r = running.get(Json.at(pod, "metadata.uid"));
    if (r == null || r.container(container) == null) {
      return Optional.empty();
    }
    return Optional.of(r.container(container).log());
  }

  /** Host PIDs of a pod's container processes (for the view and tests). */
  public List<Long> pids(String podUid) {
    PodRuntime r = running.get(podUid);
    if (r == null) {
      return List.of();
    }
    return r.containers.stream()
        .map(ContainerRuntime::handle)
        .filter(h -> h != null && h.isAlive())
        .map(ProcessHandle::pid)
        .toList();
  }

  private void loop() {
    while (!stopped) {
      try {
        sync();
      } catch (RuntimeException e) {
        log.accept("kubelet: sync failed: " + e);
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  synchronized void sync() {
    Set<String> present = new HashSet<>();
    for (ObjectNode pod : api.list(pods, null, p -> true)) {
      String node = Json.at(pod, "spec.nodeName");
      String uid = Json.at(pod, "metadata.uid");
      String ns = Json.at(pod, "metadata.namespace");
      String name = Json.at(pod, "metadata.name");
      if (node == null || node.isEmpty()) {
        schedule(pod);
        continue;
      }
      if (!node.equals(nodeName)) {
        continue;
      }
      present.add(uid);
      if (pod.path("metadata").has("deletionTimestamp")) {
        continue;
      }
      PodRuntime r = running.get(uid);
      if (r == null) {
        String phase = Json.at(pod, "status.phase");
        if ("Succeeded".equals(phase) || "Failed".equals(phase) || failed.contains(uid)) {
          continue;
        }
        try {
          r = new PodRuntime(pod, nextIp(), podsDir, nodeName, cgroups, sandboxEnv);
        } catch (IOException e) {
          failed.add(uid);
          log.accept("kubelet: cannot set up pod " + ns + "/" + name + ": " + e.getMessage());
          continue;
        }
        running.put(uid, r);
        log.accept("kubelet: starting pod " + ns + "/" + name + " at " + r.ip);
      }
      r.tick(System.currentTimeMillis());
      ObjectNode status = r.status();
      if (!status.equals(pod.path("status"))) {
        ObjectNode next = pod.deepCopy();
        next.set("status", status);
        try {
          api.update(pods, ns, name, next, "status");
        } catch (ApiError e) {
          // deleted or changed meanwhile: the next sync sees the new state
        }
      }
    }
    for (String uid : Set.copyOf(running.keySet())) {
      if (!present.contains(uid)) {
        PodRuntime r = running.remove(uid);
        log.accept("kubelet: stopping pod " + r.namespace + "/" + r.name);
        Thread t = new Thread(() -> r.stop(Path.of("/proc")), "kill-" + r.name);
        t.setDaemon(true);
        stopping.removeIf(x -> !x.isAlive());
        stopping.add(t);
        t.start();
      }
    }
  }

  private void schedule(ObjectNode pod) {
    ObjectNode next = pod.deepCopy();
    ((ObjectNode) next.get("spec")).put("nodeName", nodeName);
    try {
      api.update(
          pods, Json.at(pod, "metadata.namespace"), Json.at(pod, "metadata.name"), next, null);
    } catch (ApiError e) {
      // changed meanwhile: next sync
    }
  }

  private String nextIp() {
    Set<String> used = new HashSet<>();
    running.values().forEach(r -> used.add(r.ip));
    while (true) {
      int n = nextIp++;
      if (nextIp > 65000) {
        nextIp = 1;
      }
      String ip = "127.10." + (n / 250) + "." + (n % 250 + 1);
      if (!used.contains(ip)) {
        return ip;
      }
    }
  }

  /** Ends every pod's processes (in parallel) and removes their cgroups. */
  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.values().parallelStream().forEach(r -> r.stop(Path.of("/proc")));
    running.clear();
    for (Thread t : stopping) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
