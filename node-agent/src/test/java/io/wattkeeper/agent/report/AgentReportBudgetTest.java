package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The agent under a byte budget too small for its pods, against the mock API server: its first
 * write carries every pod, later writes leave pods out and say so ({@code omitSeconds}), writes are
 * at most one per two report intervals, and every entry's counters are cumulative.
 */
@QuarkusTest
@TestProfile(AgentReportBudgetTest.Profile.class)
@WithKubernetesTestServer(setup = AgentReportTest.Setup.class)
class AgentReportBudgetTest {
  static final Path ROOT = AgentReportTest.ROOT;

  @KubernetesTestServer KubernetesServer server;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "wattkeeper.agent.host-root",
          ROOT.toString(),
          "wattkeeper.agent.state-dir",
          stateDir(),
          "wattkeeper.agent.node-name",
          AgentReportTest.NODE,
          "wattkeeper.agent.pod-field-selector",
          "false",
          "wattkeeper.agent.sample-interval",
          "1s",
          "wattkeeper.agent.report-interval",
          "1s",
          "wattkeeper.agent.report-bytes-per-second",
          "1");
    }
  }

  static String stateDir() {
    try {
      return Files.createTempDirectory("agent-budget-state").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  NodeEnergyReportStatus status() {
    NodeEnergyReport r =
        server.getClient().resources(NodeEnergyReport.class).withName(AgentReportTest.NODE).get();
    return r == null ? null : r.getStatus();
  }

  @Test
  void writesEveryPodFirstThenLeavesPodsOutWithinItsBudget() {
    Map<Long, NodeEnergyReportStatus> seen = new ConcurrentHashMap<>();
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              NodeEnergyReportStatus s = status();
              if (s != null && s.getAgent() != null) {
                seen.putIfAbsent(s.getAgent().getSequence(), s);
              }
              return seen.values().stream()
                  .anyMatch(x -> x.getPods() != null && x.getPods().size() < 2);
            });
    NodeEnergyReportStatus first = seen.get(seen.keySet().stream().min(Long::compare).get());
    assertThat(first.getOmitSeconds()).isEqualTo(600);
    Set<String> names = new HashSet<>();
    first.getPods().forEach(p -> names.add(p.getName()));
    assertThat(names).containsExactlyInAnyOrder("infer", "train");
    NodeEnergyReportStatus partial =
        seen.values().stream().filter(x -> x.getPods().size() < 2).findFirst().orElseThrow();
    assertThat(partial.getPodCount()).isEqualTo(partial.getPods().size());
    assertThat(partial.getOmitSeconds()).isEqualTo(600);
  }
}
