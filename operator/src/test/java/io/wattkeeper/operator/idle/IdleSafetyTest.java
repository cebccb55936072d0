package io.wattkeeper.operator.idle;

import static io.wattkeeper.operator.idle.Scenario.Sample.quiet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What must keep a workload awake or restore it correctly: unready pods, missing data, HPA, KEDA,
 * an external scale-up while asleep, an operator restart, budget deletion.
 */
@QuarkusTest
@WithKubernetesTestServer
class IdleSafetyTest {

  static final Duration INTERVAL = Duration.ofSeconds(30);
  static final Map<String, String> INFERENCE = Map.of("wattkeeper.io/role", "inference");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;

  /** Quiet reports for ~7 minutes (idle.after is 5m). */
  void quietFor(Scenario s, String node, List<Pod> pods) {
    for (int i = 0; i < 14; i++) {
      clock.advance(INTERVAL);
      List<Scenario.Sample> samples = new ArrayList<>();
      pods.forEach(p -> samples.add(quiet(p)));
      s.report(node, samples, null);
    }
  }

  @Test
  void notIdleWhileAPodIsUnreadyOrItsDataIsMissing() {
    Scenario s = new Scenario(client, clock, "idle-unready");
    s.budget("idle", IdleScaleToZeroTest.idleSpec());
    s.deployment("unready", 2, INFERENCE);
    s.deployment("nodata", 2, INFERENCE);
    List<Pod> unready = new ArrayList<>(s.pods("unready", 1, true));
    unready.addAll(s.pods("unready", 1, false));
    List<Pod> nodata = s.pods("nodata", 2, true);
    // One pod of "nodata" is never reported: unknown is not idle.
    List<Pod> reported = new ArrayList<>(unready);
    reported.add(nodata.get(0));
    quietFor(s, "node-idle-unready", reported);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("unready").getSpec().getReplicas()).isEqualTo(2);
              assertThat(s.deployment("nodata").getSpec().getReplicas()).isEqualTo(2);
            });

    // Once the pod is Ready and every pod reported for idle.after, it sleeps.
    client
        .pods()
        .inNamespace(s.ns)
        .withName(unready.get(1).getMetadata().getName())
        .editStatus(
            p -> {
              p.getStatus().getConditions().get(0).setStatus("True");
              return p;
            });
    List<Pod> all = new ArrayList<>(unready);
    all.addAll(nodata);
    quietFor(s, "node-idle-unready", all);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("unready").getSpec().getReplicas()).isZero();
              assertThat(s.deployment("nodata").getSpec().getReplicas()).isZero();
            });
  }

  @Test
  void hpaWakeRestoresAtLeastMinReplicas() {
    Scenario s = new Scenario(client, clock, "idle-hpa");
    s.budget("idle", IdleScaleToZeroTest.idleSpec());
    s.deployment("llm", 1, INFERENCE);
    client
        .resource(
            new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("llm")
                .withNamespace(s.ns)
                .endMetadata()
                .withNewSpec()
                .withMinReplicas(2)
                .withMaxReplicas(5)
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName("llm")
                .endScaleTargetRef()
                .endSpec()
                .build())
        .create();
    quietFor(s, "node-idle-hpa", s.pods("llm", 1, true));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("llm").getSpec().getReplicas() == 0);
    s.annotate(Deployment.class, "llm", SleepAnnotations.WAKE, "now");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("llm").getSpec().getReplicas() == 2);
  }

  @Test
  void kedaScaledObjectIsPausedInsteadOfScaledAndRestoredAsItWas() {
    Scenario s = new Scenario(client, clock, "idle-keda");
    s.budget("idle", IdleScaleToZeroTest.idleSpec());
    s.deployment("fresh", 2, INFERENCE);
    s.deployment("prepaused", 2, INFERENCE);
    scaledObject(s, "fresh", null);
    scaledObject(s, "prepaused", "3");
    List<Pod> pods = new ArrayList<>(s.pods("fresh", 2, true));
    pods.addAll(s.pods("prepaused", 2, true));
    quietFor(s, "node-idle-keda", pods);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(Scenario.annotations(so(s, "fresh")))
                  .containsEntry(SleepAnnotations.KEDA_PAUSED_REPLICAS, "0");
              assertThat(Scenario.annotations(so(s, "prepaused")))
                  .containsEntry(SleepAnnotations.KEDA_PAUSED_REPLICAS, "0");
            });
    // KEDA owns replicas: the operator did not touch them.
    assertThat(s.deployment("fresh").getSpec().getReplicas()).isEqualTo(2);
    assertThat(Scenario.annotations(s.deployment("fresh")))
        .containsEntry(SleepAnnotations.VIA, "keda/fresh")
        .containsEntry(SleepAnnotations.REPLICAS_BEFORE_SLEEP, "2");

    s.annotate(Deployment.class, "fresh", SleepAnnotations.WAKE, "now");
    s.annotate(Deployment.class, "prepaused", SleepAnnotations.WAKE, "now");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(Scenario.annotations(so(s, "fresh")))
                  .doesNotContainKeys(
                      SleepAnnotations.KEDA_PAUSED_REPLICAS, SleepAnnotations.KEDA_PAUSED_BEFORE);
              assertThat(Scenario.annotations(so(s, "prepaused")))
                  .containsEntry(SleepAnnotations.KEDA_PAUSED_REPLICAS, "3")
                  .doesNotContainKey(SleepAnnotations.KEDA_PAUSED_BEFORE);
            });
  }

  @Test
  void externalScaleUpWhileAsleepIsAManualWakeAndNotFought() {
    Scenario s = new Scenario(client, clock, "idle-external");
    s.budget("idle", IdleScaleToZeroTest.idleSpec());
    s.statefulSet("db", 2, INFERENCE);
    quietFor(s, "node-idle-external", s.pods("db", 2, true));
    await().ignoreExceptions().atMost(Duration.ofSeconds(15)).until(() -> replicas(s, "db") == 0);
    s.scaleExternally(StatefulSet.class, "db", 1);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              StatefulSet st = client.apps().statefulSets().inNamespace(s.ns).withName("db").get();
              assertThat(Scenario.annotations(st))
                  .doesNotContainKey(SleepAnnotations.REPLICAS_BEFORE_SLEEP)
                  .containsKey(SleepAnnotations.WOKEN_AT);
              assertThat(s.events("db")).anyMatch(e -> e.getReason().equals("ManualWake"));
            });
    // Not fought: still at the user's 1 replica, and cooldownAfterWake keeps it up.
    quietFor(s, "node-idle-external", s.pods("db", 1, true));
    assertThat(replicas(s, "db")).isEqualTo(1);
  }

  @Test
  void restartWhileAsleepLosesNothingAndNeverScalesTwice() {
    Scenario s = new Scenario(client, clock, "idle-restart");
    // The state an earlier operator process left: one workload asleep (annotation + status),
    // one where it crashed between remembering and scaling.
    Deployment asleep = s.deployment("asleep", 0, INFERENCE);
    s.annotate(Deployment.class, "asleep", SleepAnnotations.REPLICAS_BEFORE_SLEEP, "4");
    s.annotate(Deployment.class, "asleep", SleepAnnotations.HOLDERS, "idle/idle");
    s.annotate(Deployment.class, "asleep", SleepAnnotations.VIA, "replicas");
    s.annotate(
        Deployment.class, "asleep", SleepAnnotations.ASLEEP_SINCE, clock.instant().toString());
    s.deployment("halfway", 3, INFERENCE);
    s.annotate(Deployment.class, "halfway", SleepAnnotations.REPLICAS_BEFORE_SLEEP, "3");
    s.annotate(Deployment.class, "halfway", SleepAnnotations.HOLDERS, "idle/idle");
    s.annotate(Deployment.class, "halfway", SleepAnnotations.VIA, "replicas");
    s.budget("idle", IdleScaleToZeroTest.idleSpec());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              EnergyBudget b = s.budget("idle");
              assertThat(b.getStatus().getIdle().getSleeping())
                  .singleElement()
                  .satisfies(w -> assertThat(w.getPreviousReplicas()).isEqualTo(4));
              assertThat(Scenario.annotations(s.deployment("halfway")))
                  .doesNotContainKey(SleepAnnotations.REPLICAS_BEFORE_SLEEP);
            });
    assertThat(s.deployment("halfway").getSpec().getReplicas()).isEqualTo(3);
    assertThat(s.deployment("asleep").getSpec().getReplicas()).isZero();
    assertThat(asleep).isNotNull();
    s.annotate(Deployment.class, "asleep", SleepAnnotations.WAKE, "now");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("asleep").getSpec().getReplicas() == 4);
  }

  @Test
  void deletingTheBudgetWakesWhatItPutToSleep() {
    Scenario s = new Scenario(client, clock, "idle-delete");
    s.budget("idle", IdleScaleToZeroTest.idleSpec());
    s.deployment("llm", 2, INFERENCE);
    quietFor(s, "node-idle-delete", s.pods("llm", 2, true));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> s.deployment("llm").getSpec().getReplicas() == 0);
    assertThat(s.budget("idle").getMetadata().getFinalizers()).contains("wattkeeper.io/actions");
    client.resource(s.budget("idle")).delete();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("llm").getSpec().getReplicas()).isEqualTo(2);
              assertThat(s.budget("idle")).isNull();
            });
  }

  @Test
  void anInvalidBudgetTakesNoAction() {
    Scenario s = new Scenario(client, clock, "idle-invalid");
    io.wattkeeper.api.v1alpha1.EnergyBudgetSpec good = IdleScaleToZeroTest.idleSpec();
    s.budget(
        "idle",
        new io.wattkeeper.api.v1alpha1.EnergyBudgetSpec(
            null,
            null,
            null,
            null,
            null,
            null,
            new io.wattkeeper.api.v1alpha1.EnergyBudgetSpec.Idle(
                good.idle().workloadSelector(), "5 minutes", null, null, null, null, null)));
    s.deployment("llm", 2, INFERENCE);
    quietFor(s, "node-idle-invalid", s.pods("llm", 2, true));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .untilAsserted(
            () -> {
              assertThat(s.deployment("llm").getSpec().getReplicas()).isEqualTo(2);
              assertThat(Scenario.annotations(s.deployment("llm")))
                  .doesNotContainKey(SleepAnnotations.REPLICAS_BEFORE_SLEEP);
            });
  }

  private int replicas(Scenario s, String sts) {
    return client
        .apps()
        .statefulSets()
        .inNamespace(s.ns)
        .withName(sts)
        .get()
        .getSpec()
        .getReplicas();
  }

  private void scaledObject(Scenario s, String target, String paused) {
    GenericKubernetesResource so = new GenericKubernetesResource();
    so.setApiVersion("keda.sh/v1alpha1");
    so.setKind("ScaledObject");
    so.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    so.getMetadata().setName(target);
    so.getMetadata().setNamespace(s.ns);
    if (paused != null) {
      so.getMetadata().setAnnotations(Map.of(SleepAnnotations.KEDA_PAUSED_REPLICAS, paused));
    }
    so.setAdditionalProperty(
        "spec", Map.of("scaleTargetRef", Map.of("name", target), "minReplicaCount", 1));
    client
        .genericKubernetesResources(Autoscalers.SCALED_OBJECT)
        .inNamespace(s.ns)
        .resource(so)
        .create();
  }

  private GenericKubernetesResource so(Scenario s, String name) {
    return client
        .genericKubernetesResources(Autoscalers.SCALED_OBJECT)
        .inNamespace(s.ns)
        .withName(name)
        .get();
  }
}
