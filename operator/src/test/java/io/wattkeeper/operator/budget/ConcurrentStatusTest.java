package io.wattkeeper.operator.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Both EnergyBudget reconcilers write the same status: the ledger its usage fields, the actions
 * reconciler status.idle and status.enforcement. With both running on real reports, each round of
 * reports moves both writers' fields and neither clobbers the other's; the ledger shows the other's
 * fields in display.actions.
 */
@QuarkusTest
@WithKubernetesTestServer
class ConcurrentStatusTest {

  static final String NS = "shared-status";
  static final String NODE = "shared-n1";
  static final Map<String, String> ROLE = Map.of("wattkeeper.io/role", "inference");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  @Test
  void bothReconcilersWriteTheirOwnFieldsAndNeitherClobbersTheOther() {
    // The budget's period is the calendar month (UTC); the test spans about ten minutes of the
    // shared clock. Too close to the month's end, move (forward) into the next month first.
    ZonedDateTime now = clock.instant().atZone(ZoneOffset.UTC);
    Instant nextMonth =
        now.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    if (Duration.between(clock.instant(), nextMonth).compareTo(Duration.ofHours(1)) < 0) {
      clock.set(nextMonth.plusSeconds(60));
    }
    Scenario s = new Scenario(client, clock, NS).onNode(NODE);
    // Every version of the budget the API server stores, in order: a field one writer removed,
    // even if the other wrote it back at once, shows up here.
    List<EnergyBudgetStatus> versions = new CopyOnWriteArrayList<>();
    Watch watch =
        client
            .resources(EnergyBudget.class)
            .inNamespace(NS)
            .withName("b")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, EnergyBudget b) {
                    if (action == Action.MODIFIED && b.getStatus() != null) {
                      versions.add(b.getStatus());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    s.deployment("vllm", 2, ROLE);
    List<Pod> pods = s.pods("vllm", 2, true);
    List<Scenario.Sample> quiet = pods.stream().map(Scenario.Sample::quiet).toList();
    s.budget(
        "b",
        new EnergyBudgetSpec(
            null,
            null,
            new EnergyBudgetSpec.Limits("1kWh", null, null),
            List.of(50),
            null,
            new EnergyBudgetSpec.Enforcement("Enforce", List.of("DenyNewPods"), null, null, true),
            new EnergyBudgetSpec.Idle(
                new LabelSelectorBuilder().withMatchLabels(ROLE).build(),
                "5m",
                5.0,
                0.05,
                1024.0,
                "10m",
                null)));
    s.node(NODE);
    s.report(NODE, Scenario.Sample.energyWh(quiet, 0), null);
    s.awaitStatus("b", st -> st.getMatchedPods() != null && st.getMatchedPods() == 2);

    // Quiet for 6 minutes, 5 Wh per pod and report: the actions reconciler puts vllm to sleep.
    double whPerPod = 0;
    for (int i = 0; i < 12; i++) {
      clock.advance(Duration.ofSeconds(30));
      whPerPod += 5;
      s.report(NODE, Scenario.Sample.energyWh(quiet, whPerPod), null);
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("vllm").getSpec().getReplicas() == 0);
    // ...and has recorded it, before the rounds below (else the first version with vllm asleep may
    // already carry the first round's usage, and one distinct value is missing below).
    s.awaitStatus("b", st -> sleeping(st) == 1);

    // Rounds of reports a minute apart (so the ledger writes each one): 300 Wh a round.
    double saved = 0;
    String[] phases = {"Ok", "Warning", "Exceeded", "Exceeded"};
    for (String phase : phases) {
      clock.advance(Duration.ofSeconds(60));
      whPerPod += 150;
      s.report(NODE, Scenario.Sample.energyWh(quiet, whPerPod), null);
      double expectedWh = 2 * whPerPod;
      double savedBefore = saved;
      EnergyBudgetStatus st =
          s.awaitStatus(
                  "b",
                  x ->
                      x.getUsed() != null
                          && x.getUsed().getEnergyWh() == expectedWh
                          && x.getIdle() != null
                          && x.getIdle().getEnergySavedWh() != null
                          && x.getIdle().getEnergySavedWh() > savedBefore
                          && (!phase.equals("Exceeded") || x.getEnforcement() != null))
              .getStatus();
      // The ledger's fields...
      assertThat(st.getPhase()).isEqualTo(phase);
      assertThat(st.getMatchedPods()).isEqualTo(2);
      // ...and the actions reconciler's, each written in this round and both still there.
      assertThat(st.getIdle().getSleeping())
          .singleElement()
          .satisfies(
              w -> {
                assertThat(w.getName()).isEqualTo("vllm");
                assertThat(w.getPreviousReplicas()).isEqualTo(2);
              });
      saved = st.getIdle().getEnergySavedWh();
      if (phase.equals("Exceeded")) {
        assertThat(st.getEnforcement().getActiveActions()).containsExactly("DenyNewPods");
      }
    }
    // The ledger shows the other reconciler's fields; lists it writes are replaced whole, never
    // appended (the mock appends on merge patches).
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              EnergyBudgetStatus st = s.budget("b").getStatus();
              assertThat(st.getDisplay().getActions()).isEqualTo("DenyNewPods,Sleeping:1");
              assertThat(st.getConditions()).hasSize(4);
              assertThat(st.getUsed().getEnergyWh()).isEqualTo(1320.0);
              assertThat(st.getIdle().getSleeping()).hasSize(1);
              assertThat(st.getEnforcement().getActiveActions()).containsExactly("DenyNewPods");
            });
    watch.close();

    // Not even for one stored version did a writer drop the other's fields: from the first version
    // with usage on, every one has it; from the first with vllm asleep (resp. DenyNewPods in
    // force), every one shows it.
    int firstUsed = first(versions, st -> st.getUsed() != null);
    int firstAsleep = first(versions, st -> sleeping(st) == 1);
    int firstEnforced = first(versions, st -> st.getEnforcement() != null);
    assertThat(firstUsed).isNotNegative();
    assertThat(firstAsleep).isGreaterThan(firstUsed);
    assertThat(firstEnforced).isGreaterThan(firstAsleep);
    for (int i = firstUsed; i < versions.size(); i++) {
      EnergyBudgetStatus st = versions.get(i);
      assertThat(st.getUsed()).as("status.used in version %d", i).isNotNull();
      assertThat(st.getPhase()).as("status.phase in version %d", i).isNotNull();
      if (i >= firstAsleep) {
        assertThat(sleeping(st)).as("status.idle.sleeping in version %d", i).isEqualTo(1);
      }
      if (i >= firstEnforced) {
        assertThat(st.getEnforcement()).as("status.enforcement in version %d", i).isNotNull();
      }
    }
    List<EnergyBudgetStatus> afterSleep = versions.subList(firstAsleep, versions.size());
    // Both writers wrote many times meanwhile.
    assertThat(afterSleep.stream().map(st -> st.getUsed().getEnergyWh()).distinct())
        .hasSizeGreaterThanOrEqualTo(5);
    assertThat(afterSleep.stream().map(st -> st.getIdle().getEnergySavedWh()).distinct())
        .hasSizeGreaterThanOrEqualTo(4);
  }

  static int sleeping(EnergyBudgetStatus st) {
    return st.getIdle() == null || st.getIdle().getSleeping() == null
        ? 0
        : st.getIdle().getSleeping().size();
  }

  static int first(List<EnergyBudgetStatus> versions, Predicate<EnergyBudgetStatus> p) {
    for (int i = 0; i < versions.size(); i++) {
      if (p.test(versions.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
