package io.wattkeeper.operator.budget;

import static io.wattkeeper.operator.cache.CacheFedScaleBenchmark.NODE_OBJECT;
import static io.wattkeeper.operator.cache.CacheFedScaleBenchmark.PODS_PER_NODE;
import static io.wattkeeper.operator.cache.CacheFedScaleBenchmark.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.operator.cache.CacheFedScaleBenchmark;
import io.wattkeeper.operator.ledger.ClusterView;
import io.wattkeeper.operator.ledger.RefusedReports;
import io.wattkeeper.operator.ledger.ReportChecks;
import io.wattkeeper.operator.ledger.UsageSnapshot;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A standby's mirror of the ledger ({@link LedgerService#follow}): it answers the export with the
 * budget's usage, and never feeds a write (no pod for the annotation writer, no refused-report
 * Event or count, no ingestion metric); the leader's first pass ({@link LedgerService#catchUp})
 * drops it and rebuilds. Its own application, with no budget in the API server, so that no
 * reconciliation calls the ledger while the test drives it by hand.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(StandbyMirrorTest.Isolated.class)
class StandbyMirrorTest {

  public static class Isolated implements QuarkusTestProfile {}

  @Inject LedgerService ledger;
  @Inject MutableClock clock;
  @Inject RefusedReports refused;
  @Inject MeterRegistry registry;

  final List<Pod> pods = new ArrayList<>();
  final EnergyBudget budget = CacheFedScaleBenchmark.budgets().get(0); // team-0: pod 0
  // A namespace without a pod (all its workloads asleep, say): the leader still answers for it.
  final EnergyBudget idle = CacheFedScaleBenchmark.budgets().get(499);

  ClusterView view(int seq) {
    NodeEnergyReport r = CacheFedScaleBenchmark.report(0, seq);
    // One entry for a pod the cache places on no node: refused (an Event and a count on a
    // leader).
    List<NodeEnergyReportStatus.PodEnergy> entries = new ArrayList<>(r.getStatus().getPods());
    entries.add(
        new NodeEnergyReportStatus.PodEnergy()
            .setUid("00000000-dead-4000-8000-000000000000")
            .setNamespace("team-0")
            .setName("nowhere")
            .setCpuJoules(1.0e6)
            .setMemoryJoules(0.0)
            .setGpuJoules(0.0)
            .setCpuWatts(5.0));
    r.getStatus().setPods(entries);
    return new ClusterView(
        () -> Stream.of(r),
        new ClusterView.Pods() {
          @Override
          public Optional<Pod> get(String namespace, String name) {
            return pods.stream()
                .filter(
                    p ->
                        p.getMetadata().getNamespace().equals(namespace)
                            && p.getMetadata().getName().equals(name))
                .findFirst();
          }

          @Override
          public Stream<Pod> inNamespace(String namespace) {
            return pods.stream().filter(p -> p.getMetadata().getNamespace().equals(namespace));
          }

          @Override
          public Stream<Pod> all() {
            return pods.stream();
          }
        },
        node -> Optional.of(NODE_OBJECT),
        List.of(budget, idle),
        Optional.of("DE"),
        b -> BudgetValidator.validate(b.getSpec()));
  }

  double refusedCount() {
    return Arrays.stream(ReportChecks.Reason.values()).mapToDouble(refused::count).sum();
  }

  double ingested() {
    var c = registry.find("wattkeeper.ledger.reports").counter();
    return c == null ? 0 : c.count();
  }

  int visited() {
    AtomicInteger n = new AtomicInteger();
    ledger.visitPodsIfChanged((account, state) -> n.incrementAndGet());
    return n.get();
  }

  @Test
  void theMirrorAnswersTheExportAndNeverFeedsAWriteUntilTheLeaderDropsIt() {
    for (int i = 0; i < PODS_PER_NODE; i++) {
      pods.add(CacheFedScaleBenchmark.pod(0, i));
    }
    String uid0 = pods.get(0).getMetadata().getUid();
    double refusedBefore = refusedCount();
    double ingestedBefore = ingested();

    for (int seq = 1; seq <= 3; seq++) {
      clock.set(T0.plusSeconds(30L * seq));
      ledger.follow(view(seq));
    }
    assertThat(ledger.ready()).isTrue();
    Optional<UsageSnapshot> usage = ledger.snapshot("team-0", "budget");
    assertThat(usage).isPresent();
    UsageSnapshot.Row row =
        usage.get().rows().stream().filter(r -> r.uid().equals(uid0)).findFirst().orElseThrow();
    // Reports 2 and 3 after the base: 2 × 30 s × 50 W CPU + a tenth for memory, in Wh.
    assertThat(row.totals().energyWh).isCloseTo(2 * 30 * 50 * 1.1 / 3600, within());

    assertThat(ledger.snapshot("team-499", "budget")).isPresent();

    // Nothing for a writer: no pod to annotate, no checkpoint to send, no Event or count.
    assertThat(visited()).isZero();
    assertThat(account(uid0)).isNull();
    assertThat(refusedCount()).isEqualTo(refusedBefore);
    assertThat(ingested()).isEqualTo(ingestedBefore);

    // The leader's pass drops the mirror and rebuilds as after a restart (no checkpoint on these
    // pods, so report 4 is their base): now the writers see the pods, and it is counted.
    clock.set(T0.plusSeconds(120));
    ledger.catchUp(view(4));
    assertThat(visited()).isEqualTo(PODS_PER_NODE);
    assertThat(account(uid0)).isNotNull();
    assertThat(refusedCount()).isGreaterThan(refusedBefore);
    assertThat(ingested()).isGreaterThan(ingestedBefore);
    // Calling follow() once leading changes nothing.
    ledger.follow(view(5));
    assertThat(account(uid0)).isNotNull();
  }

  Object account(String uid) {
    return ledger.<Object>withPod(uid, (a, state, checkpoint) -> a);
  }

  static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
