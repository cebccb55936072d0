package io.wattkeeper.api.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart linted strictly and rendered with defaults and with every flag on, the objects parsed
 * into Fabric8 model classes and checked where safety lives: security contexts, mounts, RBAC and
 * Lease rules, the webhook, the PDB and anti-affinity.
 */
class ChartObjectsTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** helm lint takes no --set here: lint a copy of the chart whose values have every flag on. */
  @Test
  void lintsStrictWithEveryFlagOn(@TempDir Path tmp) throws IOException {
    Path chart = tmp.resolve("wattkeeper");
    try (Stream<Path> files = Files.walk(Rendered.CHART)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = chart.resolve(Rendered.CHART.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    ObjectNode values = (ObjectNode) YAML.readTree(chart.resolve("values.yaml").toFile());
    Rendered.ALL_ON.forEach(
        (k, v) -> {
          String[] path = k.split("\\.");
          ObjectNode node = values;
          for (int i = 0; i < path.length - 1; i++) {
            node = node.with(path[i]);
          }
          String last = path[path.length - 1];
          if (v.equals("true") || v.equals("false")) {
            node.put(last, Boolean.parseBoolean(v));
          } else {
            node.put(last, v);
          }
        });
    YAML.writeValue(chart.resolve("values.yaml").toFile(), values);
    LintResult r = new Helm(chart).lint().strict().call();
    assertThat(r.isFailed()).withFailMessage("helm lint --strict: %s", r.getMessages()).isFalse();
  }

  @Test
  void operatorRunsTwoReplicasWithLeaderElectionSpreadAndBudgeted() {
    Rendered r = Rendered.render(Map.of());
    Deployment d = r.one(Deployment.class, "-operator");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    var anti = pod.getAffinity().getPodAntiAffinity();
    assertThat(anti.getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getPodAffinityTerm().getTopologyKey())
                  .isEqualTo("kubernetes.io/hostname");
              assertThat(t.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/component", "operator");
            });
    Map<String, EnvVar> env = env(pod.getContainers().get(0));
    assertThat(env.get("WATTKEEPER_LEADER_ELECTION_ENABLED").getValue()).isEqualTo("true");
    assertThat(env.get("WATTKEEPER_LEADER_ELECTION_LEASE_NAME").getValue())
        .isEqualTo("wk-wattkeeper-operator");
    assertThat(env.get("HOSTNAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");

    PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class, "-operator");
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(d.getSpec().getSelector().getMatchLabels());

    Role role = r.one(Role.class, "-operator");
    PolicyRule leases =
        role.getRules().stream()
            .filter(x -> x.getResources().contains("leases"))
            .findFirst()
            .orElseThrow();
    assertThat(leases.getApiGroups()).containsExactly("coordination.k8s.io");
    // The verbs JOSDK's leader election checks for (and LeaderTakeoverTest grants in the mock).
    assertThat(leases.getVerbs()).containsExactly("get", "create", "update");

    Deployment required =
        Rendered.render(Map.of("operator.antiAffinity", "required"))
            .one(Deployment.class, "-operator");
    assertThat(
            required
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .hasSize(1);
    // Two nodes, two replicas, required anti-affinity: a surge pod could never be placed.
    var rolling = required.getSpec().getStrategy().getRollingUpdate();
    assertThat(rolling.getMaxSurge().getIntVal()).isZero();
    assertThat(rolling.getMaxUnavailable().getIntVal()).isEqualTo(1);
    Rendered single = Rendered.render(Map.of("operator.replicas", "1"));
    // The activator has its own budget (activator-deployment.yaml); the operator's is gone.
    assertThat(single.all(PodDisruptionBudget.class))
        .noneMatch(p -> p.getMetadata().getName().endsWith("-operator"));
  }

  @Test
  void operatorHeapCeilingAndMemoryLimitAreSizedTogether() {
    Container c =
        Rendered.render(Map.of())
            .one(Deployment.class, "-operator")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(env(c).get("JAVA_TOOL_OPTIONS").getValue())
        .isEqualTo("-Xmx176m -XX:+ExitOnOutOfMemoryError");
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("448Mi");
    Container big =
        Rendered.render(Map.of("operator.maxHeap", "900m"))
            .one(Deployment.class, "-operator")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(env(big).get("JAVA_TOOL_OPTIONS").getValue()).startsWith("-Xmx900m ");
  }

  @Test
  void securityContextsAndMounts() {
    Rendered r = Rendered.render(Rendered.ALL_ON);
    PodSpec op = r.one(Deployment.class, "-operator").getSpec().getTemplate().getSpec();
    assertThat(op.getSecurityContext().getRunAsNonRoot()).isTrue();
    Container c = op.getContainers().get(0);
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/etc/wattkeeper/webhook-tls");
              assertThat(m.getReadOnly()).isTrue();
            });

    PodSpec agent = r.one(DaemonSet.class, "-agent").getSpec().getTemplate().getSpec();
    Container a = agent.getContainers().get(0);
    assertThat(a.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(a.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(a.getVolumeMounts())
        .filteredOn(m -> m.getMountPath().startsWith("/host/"))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
  }

  @Test
  void rbacIsLeastPrivilegeAndReviewsAreAllowed() {
    Rendered r = Rendered.render(Rendered.ALL_ON);
    ClusterRole operator = r.one(ClusterRole.class, "-operator");
    for (PolicyRule rule : operator.getRules()) {
      assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection");
      assertThat(rule.getResources()).doesNotContain("*", "secrets");
    }
    assertThat(rules(operator))
        .contains("authentication.k8s.io/tokenreviews:create")
        .contains("authorization.k8s.io/subjectaccessreviews:create");
    ClusterRole reader = r.one(ClusterRole.class, "-usage-reader");
    assertThat(rules(reader)).containsExactly("wattkeeper.io/energybudgets:get");
    ClusterRoleBinding bind = r.one(ClusterRoleBinding.class, "-usage-reader");
    assertThat(bind.getSubjects().get(0).getName()).isEqualTo("prometheus");
    assertThat(bind.getSubjects().get(0).getNamespace()).isEqualTo("monitoring");
    ClusterRole agent = r.one(ClusterRole.class, "-agent");
    // The agent creates its report and writes only its status (the admission policy narrows it to
    // its own node's report); it never deletes.
    assertThat(rules(agent))
        .contains("wattkeeper.io/nodeenergyreports:get,list,watch,create")
        .contains("wattkeeper.io/nodeenergyreports/status:get,patch,update")
        .noneMatch(x -> x.contains("delete"));
  }

  @Test
  void webhookFailsOpenAndIsServedOverTls() {
    Rendered r = Rendered.render(Map.of());
    ValidatingWebhookConfiguration vwc = r.all(ValidatingWebhookConfiguration.class).get(0);
    var hook = vwc.getWebhooks().get(0);
    assertThat(hook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(hook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(hook.getClientConfig().getService().getPort()).isEqualTo(443);
  }

  /**
   * networkPolicy.enabled: the webhook port only from the API server's addresses, the metrics port
   * of the operator and of the agents only from the scrapers; off by default.
   */
  @Test
  void networkPoliciesAdmitOnlyTheApiServerAndTheScrapers() {
    assertThat(Rendered.render(Map.of()).all(NetworkPolicy.class)).isEmpty();
    Rendered r =
        Rendered.render(
            t ->
                t.set("networkPolicy.enabled", "true")
                    .set("networkPolicy.apiServerCidrs[0]", "10.0.0.1/32"));
    NetworkPolicy operator = r.one(NetworkPolicy.class, "-operator");
    assertThat(operator.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "operator");
    assertThat(operator.getSpec().getPolicyTypes()).containsExactly("Ingress");
    List<NetworkPolicyIngressRule> in = operator.getSpec().getIngress();
    assertThat(in).hasSize(2);
    assertThat(in.get(0).getPorts().get(0).getPort().getIntVal()).isEqualTo(8443);
    assertThat(in.get(0).getFrom()).hasSize(1);
    assertThat(in.get(0).getFrom().get(0).getIpBlock().getCidr()).isEqualTo("10.0.0.1/32");
    assertScrapersOnly(in.get(1));

    NetworkPolicy agent = r.one(NetworkPolicy.class, "-agent");
    assertThat(agent.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "agent");
    assertThat(agent.getSpec().getIngress()).hasSize(1);
    assertScrapersOnly(agent.getSpec().getIngress().get(0));
  }

  static void assertScrapersOnly(NetworkPolicyIngressRule rule) {
    assertThat(rule.getPorts()).hasSize(1);
    assertThat(rule.getPorts().get(0).getPort().getIntVal()).isEqualTo(8080);
    assertThat(rule.getFrom()).hasSize(1);
    NetworkPolicyPeer peer = rule.getFrom().get(0);
    // Namespace and pod selector in one peer: both must match (not either).
    assertThat(peer.getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "monitoring");
    assertThat(peer.getPodSelector()).isNotNull();
    assertThat(peer.getIpBlock()).isNull();
  }

  static List<String> rules(ClusterRole role) {
    return role.getRules().stream()
        .flatMap(
            x ->
                x.getResources().stream()
                    .map(
                        res ->
                            String.join(",", x.getApiGroups())
                                + "/"
                                + res
                                + ":"
                                + String.join(",", x.getVerbs())))
        .collect(Collectors.toList());
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }
}
