package io.wattkeeper.agent.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import io.wattkeeper.agent.report.TestGpuMeter;
import io.wattkeeper.agent.testing.FakeGpuMeter;
import io.wattkeeper.agent.testing.HostFixture;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * /q/metrics of the running agent (Fabric8 mock API server, fixture host tree, scripted GPU),
 * fetched over HTTP and read with a strict parser; health keeps answering next to it.
 */
@QuarkusTest
@TestProfile(MetricsEndpointTest.Profile.class)
@WithKubernetesTestServer(setup = MetricsEndpointTest.Setup.class)
class MetricsEndpointTest {
  @jakarta.inject.Inject io.wattkeeper.agent.http.AgentHttpServer http;
  static final String NODE = "node-m";
  static final Path ROOT = fixture();
  static volatile String KEPT;
  static volatile String REMOVED;

  /** Samples and reports every second against the fixture tree, with the scripted GPU. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(TestGpuMeter.class);
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

  /** The CRD and two pods on this node, with their cgroups in the fixture tree. */
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
      KEPT = client.resource(pod("serve")).create().getMetadata().getUid();
      REMOVED = client.resource(pod("batch")).create().getMetadata().getUid();
      HostFixture f = new HostFixture(ROOT).cgroups(true, true);
      f.pod(KEPT, "burstable", 1_000_000, 400_000_000, 401);
      f.pod(REMOVED, "besteffort", 2_000_000, 200_000_000, 402);
    }

    static io.fabric8.kubernetes.api.model.Pod pod(String name) {
      return new PodBuilder()
          .withNewMetadata()
          .withNamespace("apps")
          .withName(name)
          .endMetadata()
          .withNewSpec()
          .withNodeName(NODE)
          .addNewContainer()
          .withName("main")
          .withImage("busybox")
          .endContainer()
          .endSpec()
          .build();
    }
  }

  static Path fixture() {
    try {
      Path root = Files.createTempDirectory("metrics-fixture");
      new HostFixture(root).machine("Mystery CPU", 4, true);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Exposition.Family> scrape() {
    Response r = given().port(http.port()).get("/q/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    return Exposition.parse(r.asString());
  }

  /** The pods of a family; a family without samples is left out by the writer. */
  static List<String> podUids(Map<String, Exposition.Family> f, String family) {
    if (!f.containsKey(family)) {
      return List.of();
    }
    return f.get(family).samples().stream().map(s -> s.labels().get("uid")).toList();
  }

  @Test
  void servesTheAgentsFiguresInTheTextFormat() throws IOException {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var f = scrape();
              return f.containsKey("wattkeeper_pod_cpu_watts")
                  && podUids(f, "wattkeeper_pod_cpu_watts").contains(KEPT)
                  && f.containsKey("wattkeeper_gpu_watts");
            });
    var f = scrape();
    assertThat(f.get("wattkeeper_pod_cpu_joules_total").type()).isEqualTo("counter");
    assertThat(f.get("wattkeeper_pod_cpu_watts").type()).isEqualTo("gauge");
    var kept =
        f.get("wattkeeper_pod_cpu_joules_total").samples().stream()
            .filter(s -> KEPT.equals(s.labels().get("uid")))
            .findFirst()
            .orElseThrow();
    assertThat(kept.labels())
        .containsExactly(
            Map.entry("namespace", "apps"), Map.entry("pod", "serve"), Map.entry("uid", KEPT));
    assertThat(kept.value()).isGreaterThanOrEqualTo(0);
    assertThat(f.get("wattkeeper_node_cpu_watts").samples())
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isGreaterThan(0));
    assertThat(f.get("wattkeeper_gpu_watts").samples())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.labels()).containsExactly(Map.entry("gpu", FakeGpuMeter.UUID));
              assertThat(s.value()).isEqualTo(60);
            });
    Exposition.Family duration = f.get("wattkeeper_agent_sample_duration_seconds");
    assertThat(duration.type()).isEqualTo("histogram");
    double count = duration.named("wattkeeper_agent_sample_duration_seconds_count").get(0).value();
    assertThat(count).isGreaterThanOrEqualTo(1);
    var buckets = duration.named("wattkeeper_agent_sample_duration_seconds_bucket");
    assertThat(buckets.get(buckets.size() - 1).labels()).containsEntry("le", "+Inf");
    assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(count);
    assertThat(duration.named("wattkeeper_agent_sample_duration_seconds_sum").get(0).value())
        .isGreaterThan(0);

    // Every agent series the chart's alerts and dashboard query is in this scrape.
    java.util.Set<String> queried = new java.util.TreeSet<>();
    for (Path chartFile :
        List.of(
            Path.of("../helm/wattkeeper/dashboards/wattkeeper.json"),
            Path.of("../helm/wattkeeper/templates/monitoring.yaml"))) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("wattkeeper_(node|pod|agent)_[a-z0-9_]+")
              .matcher(java.nio.file.Files.readString(chartFile));
      while (m.find()) {
        queried.add(m.group());
      }
    }
    assertThat(queried).contains("wattkeeper_pod_cpu_watts", "wattkeeper_node_cpu_watts");
    assertThat(f.keySet()).as("series the chart queries").containsAll(queried);

    assertThat(f.get("process_resident_memory_bytes").samples().get(0).value()).isPositive();
    assertThat(f.get("process_cpu_seconds_total").type()).isEqualTo("counter");
    Response om =
        given()
            .port(http.port())
            .header("Accept", "application/openmetrics-text; version=1.0.0")
            .get("/q/metrics");
    assertThat(om.header("Content-Type")).startsWith("application/openmetrics-text");
    assertThat(om.asString()).endsWith("# EOF\n");

    given().port(http.port()).get("/q/health/ready").then().statusCode(200);
    given().port(http.port()).get("/q/health/live").then().statusCode(200);
  }

  @Test
  void aPodWhoseCgroupIsGoneLeavesTheOutputOnceTheLedgerForgetsIt() throws IOException {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> podUids(scrape(), "wattkeeper_pod_cpu_joules_total").contains(REMOVED));
    HostFixture f = new HostFixture(ROOT).cgroups(true, true);
    deleteTree(f.cpuBase().resolve(f.podPath(REMOVED, "besteffort")));
    // Ended, reported twice, then dropped from the ledger; the next sample's output lacks it.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !podUids(scrape(), "wattkeeper_pod_cpu_joules_total").contains(REMOVED));
    var families = scrape();
    for (Exposition.Family fam : families.values()) {
      assertThat(fam.samples()).noneMatch(s -> REMOVED.equals(s.labels().get("uid")));
    }
    assertThat(podUids(families, "wattkeeper_pod_cpu_joules_total")).contains(KEPT);
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
