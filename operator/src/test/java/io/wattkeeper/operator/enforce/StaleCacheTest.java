package io.wattkeeper.operator.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.AffectedWorkload;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus.EnforcementStatus;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.operator.idle.Scenario;
import io.wattkeeper.operator.idle.SleepAnnotations;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An enforcement pass that gets a stale informer copy of a workload it put to sleep (no sleep
 * annotations yet, replicas still up) must not record a manual wake: it asks the API server.
 */
@QuarkusTest
@WithKubernetesTestServer
class StaleCacheTest {

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject EnforcementController controller;

  @Test
  void aStaleCopyOfASleepingWorkloadIsNoManualWake() {
    Scenario s = new Scenario(client, clock, "enforce-stale");
    Deployment stale = s.deployment("llm", 2, EnforcementScenarioTest.SCALABLE);
    // What the previous pass did to the live object; the cache copy above has not seen it.
    s.annotate(Deployment.class, "llm", SleepAnnotations.REPLICAS_BEFORE_SLEEP, "2");
    s.annotate(Deployment.class, "llm", SleepAnnotations.HOLDERS, "enforce/team");
    s.annotate(Deployment.class, "llm", SleepAnnotations.VIA, "replicas");
    s.annotate(Deployment.class, "llm", SleepAnnotations.ASLEEP_SINCE, clock.instant().toString());
    s.scaleExternally(Deployment.class, "llm", 0);

    // The budget as the previous pass left it (kept out of the API server, so that only this
    // call acts on it).
    EnergyBudgetSpec spec =
        new EnergyBudgetSpec(
            null,
            new EnergyBudgetSpec.Period("Calendar", "Month", null, "UTC"),
            new EnergyBudgetSpec.Limits("10kWh", null, null),
            List.of(80),
            null,
            new EnergyBudgetSpec.Enforcement(
                "Enforce",
                List.of("ScaleToZero"),
                new EnergyBudgetSpec.ScaleToZero(
                    new LabelSelectorBuilder()
                        .withMatchLabels(EnforcementScenarioTest.SCALABLE)
                        .build(),
                    false),
                null,
                true),
            null);
    String detail =
        "scaled to 0 via replicas; mode=Enforce; limits="
            + EnforcementDecision.limitsFingerprint(spec);
    EnergyBudget b = new EnergyBudget();
    b.getMetadata().setName("team");
    b.getMetadata().setNamespace(s.ns);
    b.setSpec(spec);
    b.setStatus(
        new EnergyBudgetStatus()
            .setPhase("Exceeded")
            .setPeriod(new EnergyBudgetStatus.PeriodStatus().setStart("2026-01-01T00:00:00Z"))
            .setEnforcement(
                new EnforcementStatus()
                    .setSince(clock.instant().toString())
                    .setActiveActions(List.of("ScaleToZero"))
                    .setAffected(
                        List.of(
                            new AffectedWorkload()
                                .setKind("Deployment")
                                .setName("llm")
                                .setAction("ScaleToZero")
                                .setPreviousReplicas(2)
                                .setDetail(detail)))));
    BudgetPolicy policy = BudgetValidator.validate(spec).policy();

    EnforcementStatus out = controller.reconcile(b, policy, List.of(stale), List.of());

    assertThat(out.getAffected())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getDetail()).startsWith("scaled to 0");
              assertThat(a.getPreviousReplicas()).isEqualTo(2);
            });
    Deployment live = s.deployment("llm");
    assertThat(live.getSpec().getReplicas()).isZero();
    assertThat(Scenario.annotations(live))
        .containsEntry(SleepAnnotations.HOLDERS, "enforce/team")
        .doesNotContainKey(SleepAnnotations.WOKEN_AT);
    assertThat(s.events("llm")).noneMatch(e -> "ManualWake".equals(e.getReason()));
  }
}
