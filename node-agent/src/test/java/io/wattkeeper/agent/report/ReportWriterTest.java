package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.wattkeeper.agent.kube.KubeApi;
import io.wattkeeper.agent.kube.KubeApiException;
import io.wattkeeper.agent.kube.KubeEndpoint;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The report's create, read and status PUT against the Fabric8 mock API server. */
class ReportWriterTest {
  KubernetesServer server;
  KubernetesClient client;
  KubeApi api;

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
    server.before();
    client = server.getClient();
    try (InputStream crd = new FileInputStream("../crds/nodeenergyreports.wattkeeper.io-v1.yml")) {
      client
          .resource(
              client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
          .create();
    }
    String url = client.getMasterUrl().toString();
    api =
        new KubeApi(
            new KubeEndpoint(
                URI.create(url.substring(0, url.length() - 1)),
                Path.of("/nonexistent"),
                Path.of("/nonexistent")),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    api.close();
    server.after();
  }

  NodeEnergyReport read() {
    return client.resources(NodeEnergyReport.class).withName("node-a").get();
  }

  @Test
  void createsTheReportThenWritesItsStatus() {
    ReportWriter writer = new ReportWriter(api, "node-a");
    ReportWriter.Report report = writer.getOrCreate();
    assertThat(read().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "wattkeeper-node-agent");
    assertThat(ReportWriter.desiredCaps(report)).isEmpty();
    writer.writeStatus(report, () -> new NodeEnergyReportStatus().setPodCount(3));
    assertThat(read().getStatus().getPodCount()).isEqualTo(3);
    // A second getOrCreate finds it instead of creating another.
    assertThat(
            io.wattkeeper.agent.json.Json.at(writer.getOrCreate().object(), "status", "podCount"))
        .isEqualTo(3L);
  }

  @Test
  void readsTheCapsTheOperatorAsksFor() {
    ReportWriter writer = new ReportWriter(api, "node-a");
    writer.getOrCreate();
    NodeEnergyReport r = read();
    r.setSpec(
        new NodeEnergyReportSpec(
            List.of(new NodeEnergyReportSpec.GpuPowerLimit("GPU-1", 200, "ml/b"))));
    client.resource(r).update();
    assertThat(ReportWriter.desiredCaps(writer.getOrCreate()))
        .containsExactly(new NodeEnergyReportSpec.GpuPowerLimit("GPU-1", 200, "ml/b"));
  }

  static final String STATUS = "/apis/wattkeeper.io/v1alpha1/nodeenergyreports/node-a/status";
  static final String CONFLICT =
      "{\"kind\":\"Status\",\"code\":409,\"message\":\"the object has been modified\"}";

  @Test
  void aConflictIsAnsweredByReadingAgainAndRetryingOnce() {
    ReportWriter writer = new ReportWriter(api, "node-a");
    ReportWriter.Report stale = writer.getOrCreate();
    // The mock does not check resourceVersions on the status subresource: script the 409.
    server.expect().put().withPath(STATUS).andReturn(409, CONFLICT).once();
    AtomicInteger built = new AtomicInteger();
    writer.writeStatus(
        stale, () -> new NodeEnergyReportStatus().setPodCount(built.incrementAndGet()));
    assertThat(built).hasValue(2);
    assertThat(read().getStatus().getPodCount()).isEqualTo(2);
  }

  @Test
  void aSecondConflictInARowIsReported() {
    ReportWriter writer = new ReportWriter(api, "node-a");
    ReportWriter.Report stale = writer.getOrCreate();
    server.expect().put().withPath(STATUS).andReturn(409, CONFLICT).times(2);
    assertThatThrownBy(
            () -> writer.writeStatus(stale, () -> new NodeEnergyReportStatus().setPodCount(7)))
        .isInstanceOf(KubeApiException.class)
        .hasMessageContaining("409 the object has been modified");
    NodeEnergyReportStatus now = read().getStatus();
    assertThat(now == null ? null : now.getPodCount()).isNull();
  }

  @Test
  void anUnreadableSpecAsksForNothingAndSaysWhy() {
    ReportWriter writer = new ReportWriter(api, "node-a");
    writer.getOrCreate();
    // What a future operator version (or a hand edit) might write: a cap that is not a number.
    client
        .genericKubernetesResources("wattkeeper.io/v1alpha1", "NodeEnergyReport")
        .withName("node-a")
        .edit(
            g -> {
              g.setAdditionalProperty(
                  "spec",
                  java.util.Map.of(
                      "gpuPowerLimits",
                      List.of(java.util.Map.of("gpuUuid", "GPU-1", "watts", "lots"))));
              return g;
            });
    ReportWriter.Report report = writer.getOrCreate();
    assertThat(ReportWriter.desiredCaps(report)).isEmpty();
    assertThat(report.specProblem()).contains("spec unreadable, no GPU caps applied");
  }
}
