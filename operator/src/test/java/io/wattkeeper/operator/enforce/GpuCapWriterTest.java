package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportSpec.GpuPowerLimit;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GpuCapWriter against the Fabric8 mock API server: stale copies and one failing report. */
@EnableKubernetesMockClient(crud = true)
class GpuCapWriterTest {

  static final String REASON = "team-a/budget";

  KubernetesMockServer server;
  KubernetesClient client;

  NodeEnergyReport report(String node) {
    NodeEnergyReport r = new NodeEnergyReport();
    r.getMetadata().setName(node);
    client.resource(r).create();
    return get(node);
  }

  NodeEnergyReport get(String node) {
    return client.resources(NodeEnergyReport.class).withName(node).get();
  }

  /** Plays the agent: a status write moves the resourceVersion on. */
  void agentWrites(String node) {
    NodeEnergyReport r = get(node);
    r.setStatus(new NodeEnergyReportStatus().setTimestamp("2026-03-10T12:00:30Z"));
    client.resource(r).updateStatus();
  }

  static List<GpuPowerLimit> limits(NodeEnergyReport r) {
    return GpuCapWriter.existing(r);
  }

  @Test
  void aStaleCachedReportIsReReadAndCappedAnyway() {
    NodeEnergyReport stale = report("n1");
    agentWrites("n1");
    GpuCapWriter writer = new GpuCapWriter(client);

    writer.apply(
        REASON, List.of(new GpuCapPlanner.Cap("n1", "GPU-1", 420, 700, "p")), List.of(stale));

    assertThat(limits(get("n1"))).containsExactly(new GpuPowerLimit("GPU-1", 420, REASON));
    // Clearing from a copy one agent write behind works too.
    NodeEnergyReport capped = get("n1");
    agentWrites("n1");
    writer.clear(REASON, List.of(capped));
    assertThat(limits(get("n1"))).isEmpty();
  }

  @Test
  void oneFailingReportDoesNotStopTheOthers() {
    NodeEnergyReport bad = report("n-bad");
    NodeEnergyReport good = report("n-good");
    server
        .expect()
        .patch()
        .withPath("/apis/wattkeeper.io/v1alpha1/nodeenergyreports/n-bad")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}")
        .once();
    GpuCapWriter writer = new GpuCapWriter(client);

    assertThatThrownBy(
            () ->
                writer.apply(
                    REASON,
                    List.of(
                        new GpuCapPlanner.Cap("n-bad", "GPU-B", 420, 700, "p"),
                        new GpuCapPlanner.Cap("n-good", "GPU-G", 420, 700, "q")),
                    List.of(bad, good)))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));

    assertThat(limits(get("n-good"))).containsExactly(new GpuPowerLimit("GPU-G", 420, REASON));
    assertThat(limits(get("n-bad"))).isEmpty();
  }
}
