package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.attribution.Shares;
import io.wattkeeper.agent.gpu.GpuSample;
import io.wattkeeper.agent.measure.NodeEnergy;
import io.wattkeeper.agent.measure.PowerModel;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.testing.MutableClock;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {
  // Pods as the API server sends them: Fabric8's model written out as JSON.
  private static final ObjectMapper JSON = new ObjectMapper();

  static java.util.Map<String, Object> asJson(Pod pod) {
    try {
      return io.wattkeeper.agent.json.Json.object(
          io.wattkeeper.agent.json.Json.parse(JSON.writeValueAsBytes(pod)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  static final PowerModel MODEL = new PowerModel("ccf-vcpu", 1.48, 7, 0.392, "CCF AWS average");

  StatusBuilder.AgentFacts facts(String cpuSource) {
    return new StatusBuilder.AgentFacts(
        "0.1.0", clock.instant(), 30, cpuSource, cpuSource, "nvml", MODEL);
  }

  @Test
  void listsNamedPodsOnlyMarksEndedOnesAndShowsTheModelWhenEstimated() {
    EnergyLedger ledger = EnergyLedger.newEpoch(clock, "n");
    ledger.add(
        new IntervalAttribution(
            Map.of(
                "a", new Shares(10, 1, 0, 0),
                "b", new Shares(5, 1, 0, 0),
                "unnamed", new Shares(2, 0, 0, 0)),
            new Shares(3, 2, 0, 0),
            Map.of()),
        Set.of("a", "b", "unnamed"));
    ledger.name("a", "ml", "z-infer");
    ledger.name("b", "ml", "a-train");
    ledger.add(
        new IntervalAttribution(Map.of("a", Shares.ZERO), Shares.ZERO, Map.of()), Set.of("a"));
    LastInterval last =
        new LastInterval(
            clock.instant(),
            new NodeEnergy(10, 70, 20, 5, "model", "model"),
            300,
            Map.of("a", new PodRates(1, 0.1, 30, 0.5, 40, Double.NaN, List.of("GPU-1"))),
            List.of(
                new GpuReading(
                    new GpuSample("GPU-1", "H100", 30, 5, 0, 700, 700, 200, 700, List.of()),
                    300,
                    false,
                    "a")));

    NodeEnergyReportStatus s =
        StatusBuilder.build(
            facts("model"), ledger, last, Map.of("GPU-1", 250.0), List.of("w"), clock.instant());

    assertThat(s.getPods()).extracting(PodEnergy::getName).containsExactly("a-train", "z-infer");
    PodEnergy train = s.getPods().get(0);
    PodEnergy infer = s.getPods().get(1);
    assertThat(train.getEnded()).isTrue();
    assertThat(train.getCpuWatts()).isNull(); // an ended pod has counters, no rates
    assertThat(infer.getEnded()).isNull();
    assertThat(infer.getGpus()).containsExactly("GPU-1");
    assertThat(infer.getNetworkReceiveBytesPerSecond()).isNull(); // unknown is not zero
    assertThat(infer.getEstimated()).isTrue();
    assertThat(s.getPodCount()).isEqualTo(2);
    assertThat(s.getAgent().getSequence()).isEqualTo(1);
    assertThat(s.getModel().getSource()).isEqualTo("CCF AWS average");
    assertThat(s.getNode().getTotalWatts()).isEqualTo(7.0 + 0.5 + 30.0);
    // The unnamed pod is not listed: its joules go to system, so pods + system = node.
    assertThat(s.getSystem().getCpuJoules()).isEqualTo(3.0 + 2.0);
    assertThat(
            s.getPods().stream().mapToDouble(PodEnergy::getCpuJoules).sum()
                + s.getSystem().getCpuJoules())
        .isEqualTo(s.getNode().getCpuJoules());
    assertThat(s.getGpus())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.getPowerLimitWatts()).isEqualTo(250.0);
              assertThat(g.getExclusivePodUid()).isEqualTo("a");
              assertThat(g.getUtilizationPercent()).isEqualTo(0.0);
            });
    assertThat(s.getSources().getSummary()).isEqualTo("model/nvml");
    assertThat(s.getWarnings()).containsExactly("w");
  }

  @Test
  void unknownGpuUtilisationIsLeftUnsetNotZero() {
    EnergyLedger ledger = EnergyLedger.newEpoch(clock, "n");
    ledger.add(
        new IntervalAttribution(
            Map.of("a", new Shares(1, 1, 1, Double.NaN)), Shares.ZERO, Map.of()),
        Set.of("a"));
    ledger.name("a", "ml", "infer");
    LastInterval last =
        new LastInterval(
            clock.instant(),
            new NodeEnergy(5, 50, 10, 5, "rapl", "rapl"),
            0,
            Map.of("a", new PodRates(1, 0.1, 30, 0.5, Double.NaN, Double.NaN, List.of("GPU-1"))),
            List.of());
    NodeEnergyReportStatus s =
        StatusBuilder.build(facts("rapl"), ledger, last, Map.of(), List.of(), clock.instant());
    assertThat(s.getPods())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getGpuWatts()).isEqualTo(30.0);
              assertThat(p.getGpuUtilizationPercent()).isNull();
            });
  }

  @Test
  void measuredNodesCarryNoModel() {
    EnergyLedger ledger = EnergyLedger.newEpoch(clock, "n");
    LastInterval last =
        new LastInterval(
            clock.instant(), new NodeEnergy(5, 50, 10, 5, "rapl", "rapl"), 0, Map.of(), List.of());
    NodeEnergyReportStatus s =
        StatusBuilder.build(facts("rapl"), ledger, last, Map.of(), List.of(), clock.instant());
    assertThat(s.getModel()).isNull();
    assertThat(s.getSources().getCpu()).isEqualTo("rapl");
    assertThat(s.getSources().getSummary()).isEqualTo("rapl/nvml");
    assertThat(s.getPods()).isEmpty();
  }

  @Test
  void podDirectoryKeepsOnlyThisNodesPodsAndSumsCpuRequests() {
    Pod mine =
        new PodBuilder()
            .withNewMetadata()
            .withNamespace("ml")
            .withName("p")
            .withUid("u1")
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-a")
            .withContainers(
                new ContainerBuilder()
                    .withName("a")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("250m"))
                    .endResources()
                    .build(),
                new ContainerBuilder()
                    .withName("b")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("1.5"))
                    .endResources()
                    .build(),
                new ContainerBuilder().withName("c").build())
            .endSpec()
            .build();
    Pod other = new PodBuilder(mine).editSpec().withNodeName("node-b").endSpec().build();
    Pod unscheduled = new PodBuilder(mine).editSpec().withNodeName(null).endSpec().build();
    assertThat(KubernetesPodDirectory.toMeta(asJson(mine), "node-a"))
        .hasValueSatisfying(m -> assertThat(m.cpuRequestCores()).isEqualTo(1.75));
    assertThat(KubernetesPodDirectory.toMeta(asJson(other), "node-a")).isEmpty();
    assertThat(KubernetesPodDirectory.toMeta(asJson(unscheduled), "node-a")).isEmpty();
    // A static pod's mirror: its cgroup carries the config hash, not the API UID.
    Pod mirror =
        new PodBuilder(mine)
            .editMetadata()
            .addToAnnotations("kubernetes.io/config.mirror", "6f9c5b1e8d7a4c3b2a1f0e9d8c7b6a5f")
            .endMetadata()
            .build();
    assertThat(KubernetesPodDirectory.toMeta(asJson(mirror), "node-a"))
        .hasValueSatisfying(m -> assertThat(m.uid()).isEqualTo("6f9c5b1e8d7a4c3b2a1f0e9d8c7b6a5f"));
  }

  @Test
  void warningsAreBoundedAndCleared() {
    Warnings w = new Warnings();
    w.standing("standing");
    for (int i = 0; i < 50; i++) {
      w.add("recent " + i);
      w.add("recent " + i);
    }
    List<String> now = w.current(true);
    assertThat(now)
        .hasSize(Warnings.MAX + 1)
        .startsWith("standing")
        .endsWith("31 more warnings not shown");
    assertThat(w.current(false)).containsExactly("standing");
  }
}
