package io.wattkeeper.agent.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.http.AgentHttpServer;
import io.wattkeeper.agent.testing.FakeGpuMeter;
import io.wattkeeper.agent.testing.HostFixture;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import jakarta.inject.Inject;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The agent against the Fabric8 mock API server and a fixture host tree: writes its own node's
 * NodeEnergyReport with its own pods only, increments the sequence, never duplicates list entries,
 * and applies then clears a GPU cap through the scripted GPU.
 */
@QuarkusTest
@TestProfile(AgentReportTest.Profile.class)
@WithKubernetesTestServer(setup = AgentReportTest.Setup.class)
class AgentReportTest {
  static final String NODE = "node-a";
  // The mock server assigns UIDs itself: Setup records them and builds the pod cgroups.
  static volatile String INFER;
  static volatile String TRAIN;
  static volatile String OTHER_NODE;
  static final Path ROOT = createFixture();

  @KubernetesTestServer KubernetesServer server;
  @Inject TestGpuMeter gpu;
  @Inject AgentRuntime runtime;
  @Inject AgentHttpServer http;

  /** Points the agent at the fixture tree and makes it sample and report every second. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public java.util.Set<Class<?>> getEnabledAlternatives() {
      return java.util.Set.of(TestGpuMeter.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "wattkeeper.agent.host-root",
          ROOT.toString(),
          "wattkeeper.agent.state-dir",
          ROOT.resolve("state").toString(),
          "wattkeeper.agent.node-name",
          NODE,
          "wattkeeper.agent.pod-field-selector",
          "false",
          "wattkeeper.agent.sample-interval",
          "1s",
          "wattkeeper.agent.report-interval",
          "1s");
    }
  }

  /** Registers the CRD (so status is a subresource, as in a cluster) and the pods. */
  public static class Setup implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      KubernetesClient client = server.getClient();
      try (InputStream crd =
          new FileInputStream("../crds/nodeenergyreports.wattkeeper.io-v1.yml")) {
        client
            .resource(
                client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
            .create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      INFER = client.resource(pod("ml", "infer", NODE, "1")).create().getMetadata().getUid();
      TRAIN = client.resource(pod("ml", "train", NODE, null)).create().getMetadata().getUid();
      // On another node; its UID is even in this node's cgroup tree: it must still not be listed.
      OTHER_NODE =
          client.resource(pod("ml", "elsewhere", "node-b", "1")).create().getMetadata().getUid();
      HostFixture f = new HostFixture(ROOT).cgroups(true, true);
      f.pod(INFER, "guaranteed", 1_000_000, 500_000_000, 301).netDev(301, 1000, 0);
      f.pod(TRAIN, "burstable", 2_000_000, 900_000_000, 302).netDev(302, 1000, 0);
      f.pod(OTHER_NODE, "besteffort", 3_000_000, 100_000_000, 303);
    }
  }

  static Pod pod(String ns, String name, String node, String cpu) {
    var container = new ContainerBuilder().withName("main").withImage("busybox");
    if (cpu != null) {
      container.withNewResources().addToRequests("cpu", new Quantity(cpu)).endResources();
    }
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withContainers(container.build())
        .endSpec()
        .build();
  }

  static Path createFixture() {
    try {
      Path root = Files.createTempDirectory("agent-fixture");
      new HostFixture(root).machine("Mystery CPU", 4, true).cgroups(true, true);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  NodeEnergyReport report() {
    return server.getClient().resources(NodeEnergyReport.class).withName(NODE).get();
  }

  @Test
  void writesItsReportWithOwnPodsOnlyAndAppliesGpuCaps() {
    gpu.processes = List.of(new GpuSample.GpuProcess(302, 1 << 30, 40));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                report() != null
                    && report().getStatus() != null
                    && report().getStatus().getAgent().getSequence() >= 3
                    // a rate needs two network reads a report interval apart; under load (or
                    // after another test's extra report) sequence 3 can come first
                    && report().getStatus().getPods().stream()
                        .allMatch(p -> p.getNetworkReceiveBytesPerSecond() != null));

    NodeEnergyReportStatus s = report().getStatus();
    assertThat(s.getPods()).extracting(PodEnergy::getName).containsExactly("infer", "train");
    assertThat(s.getPods())
        .extracting(PodEnergy::getUid)
        .doesNotHaveDuplicates()
        .doesNotContain(OTHER_NODE);
    assertThat(s.getPodCount()).isEqualTo(2);
    assertThat(s.getPods()).allSatisfy(p -> assertThat(p.getEstimated()).isTrue());
    assertThat(s.getSources().getCpu()).isEqualTo("model");
    assertThat(s.getSources().getGpu()).isEqualTo("nvml");
    assertThat(s.getSources().getSummary()).isEqualTo("model/nvml");
    assertThat(s.getModel().getName()).isEqualTo("ccf-vcpu");
    assertThat(s.getModel().getSource()).contains("Cloud Carbon Footprint");
    assertThat(s.getGpus())
        .singleElement()
        .satisfies(g -> assertThat(g.getUuid()).isEqualTo(FakeGpuMeter.UUID));
    assertThat(s.getNode().getCpuJoules()).isGreaterThan(0);
    // Idle CPU under ProportionalToRequests: infer requested 1 of 4 CPUs and pays for it.
    PodEnergy infer = s.getPods().get(0);
    assertThat(infer.getCpuJoules()).isGreaterThan(0);
    assertThat(infer.getNetworkReceiveBytesPerSecond()).isEqualTo(0.0);
    String epoch = s.getAgent().getCounterEpoch();
    long seq = s.getAgent().getSequence();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> report().getStatus().getAgent().getSequence() > seq + 1);
    NodeEnergyReportStatus later = report().getStatus();
    assertThat(later.getAgent().getCounterEpoch()).isEqualTo(epoch);
    assertThat(later.getPods()).hasSize(2); // a merge patch would have appended on the mock
    assertThat(later.getGpus()).hasSize(1);
    assertThat(later.getWarnings()).doesNotHaveDuplicates();
    assertThat(later.getPods().get(0).getCpuJoules()).isGreaterThanOrEqualTo(infer.getCpuJoules());

    // A cap asked below the GPU's minimum is clamped to it; removing the entry restores.
    setCaps(List.of(new NodeEnergyReportSpec.GpuPowerLimit(FakeGpuMeter.UUID, 50, "ml/budget")));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> gpu.calls.contains("set " + FakeGpuMeter.UUID + " 100.0"));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                Double.valueOf(100.0)
                    .equals(report().getStatus().getGpus().get(0).getPowerLimitWatts()));
    setCaps(null);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> gpu.calls.contains("restore " + FakeGpuMeter.UUID));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                Double.valueOf(300.0)
                    .equals(report().getStatus().getGpus().get(0).getPowerLimitWatts()));

    assertThat(ROOT.resolve("state/ledger-node-a.json")).exists();
  }

  @Test
  void reportingTakesNoGpuSampleOfItsOwn() {
    // Each NVML sample moves the per-process utilisation window: a report that sampled the GPU
    // would take the samples that belong to the sampler's next interval.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> runtime.sampler() != null && runtime.sampler().last() != null);
    synchronized (runtime.sampler()) {
      int before = gpu.sampleCalls.get();
      runtime.report();
      assertThat(gpu.sampleCalls.get()).isEqualTo(before);
    }
  }

  @Test
  void servesMetricsAndProbes() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String metrics =
                  given()
                      .port(http.port())
                      .get("/q/metrics")
                      .then()
                      .statusCode(200)
                      .extract()
                      .asString();
              assertThat(metrics)
                  .contains("wattkeeper_pod_cpu_joules_total{")
                  .contains("pod=\"infer\"")
                  .contains("wattkeeper_pod_gpu_watts{")
                  .contains("wattkeeper_node_cpu_watts")
                  .contains("wattkeeper_gpu_watts{gpu=\"" + FakeGpuMeter.UUID + "\"")
                  .contains("wattkeeper_agent_sample_duration_seconds_bucket")
                  .doesNotContain("pod=\"elsewhere\"");
            });
    String ready =
        given()
            .port(http.port())
            .get("/q/health/ready")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(ready)
        .startsWith("{\"status\":\"UP\",\"checks\":[{\"name\":\"wattkeeper-sampling\"")
        .contains("\"lastSample\":\"20");
    given().port(http.port()).get("/q/health/live").then().statusCode(200);
    given().port(http.port()).get("/q/health").then().statusCode(200);
    given().port(http.port()).get("/q/nothing").then().statusCode(404);
    // A client that sends half a request and stops holds one of the server's threads (until
    // sun.net.httpserver.maxReqTime): the probes are still answered.
    try (java.net.Socket stalled = new java.net.Socket("127.0.0.1", http.port())) {
      stalled.getOutputStream().write("GET /q/metrics HTTP/1.1\r\nHost: a\r\n".getBytes());
      stalled.getOutputStream().flush();
      given().port(http.port()).get("/q/health/live").then().statusCode(200);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    given().port(http.port()).post("/q/metrics").then().statusCode(405);
  }

  void setCaps(List<NodeEnergyReportSpec.GpuPowerLimit> caps) {
    server
        .getClient()
        .resources(NodeEnergyReport.class)
        .withName(NODE)
        .edit(
            r -> {
              r.setSpec(new NodeEnergyReportSpec(caps));
              return r;
            });
  }
}
