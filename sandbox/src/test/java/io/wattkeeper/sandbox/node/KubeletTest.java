package io.wattkeeper.sandbox.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Admission;
import io.wattkeeper.sandbox.api.Api;
import io.wattkeeper.sandbox.api.Json;
import io.wattkeeper.sandbox.api.Registry;
import io.wattkeeper.sandbox.api.ResourceType;
import io.wattkeeper.sandbox.controllers.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox kubelet with real processes (marker mode: no cgroups needed). */
class KubeletTest {
  @TempDir Path dir;
  Api api;
  Kubelet kubelet;
  ResourceType pods;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    api = new Api(new Registry(), Clock.systemUTC(), new Admission());
    pods = api.type("", "pods");
    ObjectNode ns = Json.object();
    ns.putObject("metadata").put("name", "t");
    api.create(api.type("", "namespaces"), null, ns);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(Processes.DIR_ENV, dir.toString());
    kubelet = new Kubelet(api, "n1", dir, Optional.empty(), env, m -> {});
    kubelet.start("europe-west3");
  }

  @AfterEach
  void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    assertThat(Processes.marked(Path.of("/proc"), Processes.DIR_ENV, dir.toString())).isEmpty();
  }

  private ObjectNode pod(String name, String yaml) throws Exception {
    ObjectNode p = (ObjectNode) Json.YAML.readTree(yaml);
    ((ObjectNode) p.get("metadata")).put("name", name);
    return api.create(pods, "t", p);
  }

  private JsonNode status(String name) {
    return api.get(pods, "t", name).path("status");
  }

  @Test
  void runsTheCommandWithEnvProbesReadinessAndKillsOnDelete() throws Exception {
    pod(
        "web",
        """
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: main
              command: [sh, -c]
              args: ["echo ip=$POD_IP name=$MY_NAME; sleep 60"]
              env:
                - {name: MY_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
              readinessProbe:
                exec: {command: [test, -f, ready]}
                periodSeconds: 1
                failureThreshold: 1
        """);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "Running".equals(status("web").path("phase").asText()));
    JsonNode st = status("web");
    String ip = st.path("podIP").asText();
    assertThat(ip).startsWith("127.10.");
    assertThat(api.get(pods, "t", "web").path("spec").path("nodeName").asText()).isEqualTo("n1");
    assertThat(st.path("containerStatuses").get(0).path("ready").asBoolean()).isFalse();
    String uid = api.get(pods, "t", "web").path("metadata").path("uid").asText();
    Path podDir;
    try (var s = Files.list(dir)) {
      podDir =
          s.filter(p -> p.getFileName().toString().startsWith("t_web_")).findFirst().orElseThrow();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Files.exists(podDir.resolve("main.log"))
                    && Files.readString(podDir.resolve("main.log")).contains("ip="));
    assertThat(Files.readString(podDir.resolve("main.log"))).contains("ip=" + ip + " name=web");
    Files.writeString(podDir.resolve("ready"), "");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status("web").path("containerStatuses").get(0).path("ready").asBoolean());
    List<Long> pids = kubelet.pids(uid);
    assertThat(pids).isNotEmpty();
    assertThat(Processes.marked(Path.of("/proc"), Processes.POD_UID_ENV, uid)).isNotEmpty();
    api.delete(pods, "t", "web", "Background");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> Processes.marked(Path.of("/proc"), Processes.POD_UID_ENV, uid).isEmpty());
  }

  @Test
  void restartsAFailingContainerAndCountsRestarts() throws Exception {
    pod(
        "crash",
        """
        metadata: {}
        spec:
          containers:
            - name: main
              command: [sh, -c, "exit 3"]
        """);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                status("crash").path("containerStatuses").path(0).path("restartCount").asInt()
                    >= 2);
    JsonNode cs = status("crash").path("containerStatuses").get(0);
    assertThat(cs.path("lastState").path("terminated").path("exitCode").asInt()).isEqualTo(3);
  }

  @Test
  void aContainerWithoutACommandSaysWhy() throws Exception {
    pod("image", "metadata: {}\nspec:\n  containers:\n    - {name: main, image: nginx}\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "CreateContainerConfigError"
                    .equals(
                        status("image")
                            .path("containerStatuses")
                            .path(0)
                            .path("state")
                            .path("waiting")
                            .path("reason")
                            .asText()));
    assertThat(
            status("image")
                .path("containerStatuses")
                .get(0)
                .path("state")
                .path("waiting")
                .path("message")
                .asText())
        .contains("the sandbox runs commands, not images");
  }

  @Test
  void replicaSetsFollowDeploymentScale() throws Exception {
    Workloads w = new Workloads(api, m -> {});
    ObjectNode d =
        (ObjectNode)
            Json.YAML.readTree(
                """
                metadata: {name: d}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: d}}
                  template:
                    metadata: {labels: {app: d}}
                    spec:
                      containers: [{name: c, command: [sleep, "60"]}]
                """);
    ResourceType deployments = api.type("apps", "deployments");
    api.create(deployments, "t", d);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              w.sync();
              return api.list(pods, "t", p -> "Running".equals(Json.at(p, "status.phase"))).size()
                  == 2;
            });
    api.writeScale(
        deployments,
        "t",
        "d",
        s -> {
          ((ObjectNode) s.get("spec")).put("replicas", 0);
          return s;
        });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              w.sync();
              return api.list(pods, "t", p -> true).isEmpty();
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> Processes.marked(Path.of("/proc"), Processes.DIR_ENV, dir.toString()).isEmpty());
  }
}
