package io.wattkeeper.operator.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Ignore;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator instances (JOSDK operators, each with its own client) against one mock API server,
 * with the leader-election configuration the operator builds: only the Lease holder reconciles;
 * when it dies the standby takes over within the lease duration and acts on what is left, never
 * twice on what was done.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderTakeoverTest {

  static final String NS = "wattkeeper";
  static final Duration LEASE = Duration.ofSeconds(2);

  KubernetesMockServer server;
  KubernetesClient client;

  /** Every reconcile that scaled a workload: "instance/workload". */
  final List<String> scaled = new CopyOnWriteArrayList<>();

  /** Every reconcile call at all, by instance. */
  final List<String> reconciles = new CopyOnWriteArrayList<>();

  final List<Operator> operators = new ArrayList<>();

  /**
   * Stands for the operator's scale-to-zero: replicas 2 to 0, once, recorded by instance. {@code
   * Ignore}: QOSDK must not register it in the {@code @QuarkusTest} application.
   */
  @Ignore
  static final class Scaler implements Reconciler<ConfigMap> {
    final String id;
    final List<String> reconciles;
    final List<String> scaled;

    Scaler(String id, List<String> reconciles, List<String> scaled) {
      this.id = id;
      this.reconciles = reconciles;
      this.scaled = scaled;
    }

    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap cm, Context<ConfigMap> context) {
      reconciles.add(id);
      if (!"2".equals(cm.getData().get("replicas"))) {
        return UpdateControl.noUpdate();
      }
      scaled.add(id + "/" + cm.getMetadata().getName());
      ConfigMap down = new ConfigMapBuilder(cm).addToData("replicas", "0").build();
      return UpdateControl.patchResource(down);
    }
  }

  static Settings settings(String id) {
    return new Settings(id);
  }

  record Settings(String id) implements LeaderElectionSettings {
    public boolean enabled() {
      return true;
    }

    public String leaseName() {
      return "wattkeeper-operator";
    }

    public Optional<String> leaseNamespace() {
      return Optional.of(NS);
    }

    public Optional<String> identity() {
      return Optional.of(id);
    }

    public Duration leaseDuration() {
      return LEASE;
    }

    public Duration renewDeadline() {
      return Duration.ofMillis(1500);
    }

    public Duration retryPeriod() {
      return Duration.ofMillis(200);
    }
  }

  /**
   * JOSDK checks its Lease rights with a SelfSubjectRulesReview before electing; the mock has no
   * RBAC, so it answers with exactly the rules the chart's Role grants.
   */
  @BeforeEach
  void leaseRights() {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\","
                + "\"spec\":{\"namespace\":\"wattkeeper\"},\"status\":{\"incomplete\":false,"
                + "\"nonResourceRules\":[],\"resourceRules\":[{\"apiGroups\":[\"coordination.k8s.io\"],"
                + "\"resources\":[\"leases\"],\"verbs\":"
                + LEASE_VERBS
                + "}]}}")
        .always();
  }

  /** The verbs of the chart's Lease rule (ChartObjectsTest checks the chart grants these). */
  static final String LEASE_VERBS = "[\"get\",\"create\",\"update\"]";

  Operator start(String id, AtomicBoolean leading) {
    KubernetesClient own = server.createClient();
    LeaderCallbacks callbacks =
        new LeaderCallbacks(() -> leading.set(true), () -> leading.set(false), x -> {});
    Operator op =
        new Operator(
            o ->
                o.withKubernetesClient(own)
                    .withCloseClientOnStop(true)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withLeaderElectionConfiguration(
                        LeaderElection.configuration(settings(id), callbacks, false)));
    op.register(new Scaler(id, reconciles, scaled), c -> c.settingNamespace(NS));
    op.start();
    operators.add(op);
    return op;
  }

  void workload(String name) {
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("replicas", "2"))
                .build())
        .create();
  }

  String replicas(String name) {
    return client.configMaps().inNamespace(NS).withName(name).get().getData().get("replicas");
  }

  String holder() {
    Lease l = client.leases().inNamespace(NS).withName("wattkeeper-operator").get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  @AfterEach
  void stop() {
    operators.forEach(Operator::stop);
  }

  @Test
  void onlyTheLeaderActsAndTheStandbyTakesOverWithinTheLease() {
    AtomicBoolean aLeads = new AtomicBoolean();
    AtomicBoolean bLeads = new AtomicBoolean();
    Operator a = start("replica-a", aLeads);
    await().atMost(Duration.ofSeconds(10)).until(aLeads::get);
    start("replica-b", bLeads);
    assertThat(holder()).isEqualTo("replica-a");

    workload("llm-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(replicas("llm-1")));
    // Give the standby the time it would need to act too, had it been reconciling.
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
    assertThat(scaled).containsExactly("replica-a/llm-1");
    assertThat(reconciles).doesNotContain("replica-b");
    assertThat(bLeads).isFalse();

    // The leader dies: the standby takes over within the lease duration (plus a retry period).
    long killed = System.nanoTime();
    a.stop();
    operators.remove(a);
    await().atMost(LEASE.plusSeconds(3)).until(bLeads::get);
    Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
    assertThat(takeover).isLessThan(LEASE.plusSeconds(3));
    await().atMost(Duration.ofSeconds(5)).until(() -> "replica-b".equals(holder()));

    workload("llm-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(replicas("llm-2")));
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
    // Each workload scaled exactly once: llm-1 by the old leader, llm-2 by the new one; the new
    // leader's start-up reconcile of llm-1 found it done and did nothing.
    assertThat(scaled).containsExactly("replica-a/llm-1", "replica-b/llm-2");
    assertThat(reconciles).contains("replica-b");
  }
}
