package io.wattkeeper.api.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Grafana query and every alert expression the chart ships names only metrics the project
 * exports (collected from the operator's Micrometer meters and the agent's exposition code) or a
 * few named Kubernetes metrics (kubelet/cAdvisor, kube-state-metrics, Prometheus' own {@code up}).
 */
class MonitoringTest {

  static final Path ROOT = Rendered.CHART.getParent().getParent();

  /** Not ours, scraped by any kube-prometheus-stack: the agent-memory and agent-down alerts. */
  static final Set<String> KUBERNETES =
      Set.of("up", "container_memory_working_set_bytes", "kube_pod_container_resource_limits");

  static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan");

  @Test
  void theScanFindsTheMetricsWeKnowWeExport() throws IOException {
    Set<String> exported = exported();
    assertThat(exported)
        .contains(
            "wattkeeper_budget_phase",
            "wattkeeper_reconcile_errors_total",
            "wattkeeper_ledger_lag_seconds",
            "wattkeeper_ledger_refused_total",
            "wattkeeper_node_cpu_watts",
            "wattkeeper_pod_gpu_watts");
  }

  @Test
  void everyAlertNamesAnExportedMetric() throws IOException {
    Rendered r = Rendered.render(Rendered.ALL_ON);
    GenericKubernetesResource rule = r.kind("PrometheusRule").get(0);
    List<String> exprs = new ArrayList<>();
    List<String> alerts = new ArrayList<>();
    JsonNode spec = new ObjectMapper().valueToTree(rule.getAdditionalProperties().get("spec"));
    for (JsonNode g : spec.get("groups")) {
      for (JsonNode x : g.get("rules")) {
        alerts.add(x.get("alert").asText());
        exprs.add(x.get("expr").asText());
      }
    }
    assertThat(alerts)
        .contains(
            "WattkeeperBudgetWarning",
            "WattkeeperBudgetExceeded",
            "WattkeeperAgentDown",
            "WattkeeperReportStale",
            "WattkeeperAgentMemoryNearLimit",
            "WattkeeperReconcileErrors",
            "WattkeeperReportsRefused");
    checkNames(exprs);
  }

  @Test
  void everyDashboardQueryNamesAnExportedMetric() throws IOException {
    Rendered r = Rendered.render(Rendered.ALL_ON);
    ConfigMap cm = r.one(ConfigMap.class, "-dashboard");
    assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode dash = new ObjectMapper().readTree(cm.getData().get("wattkeeper.json"));
    List<String> exprs = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    for (JsonNode p : dash.get("panels")) {
      titles.add(p.get("title").asText());
      for (JsonNode t : p.get("targets")) {
        exprs.add(t.get("expr").asText());
      }
    }
    assertThat(String.join("\n", titles))
        .contains("Node power", "pods by power", "Energy by namespace", "CO2e by namespace")
        .contains("Budget usage vs limit", "Sleeping workloads", "Energy saved", "Data quality");
    checkNames(exprs);
  }

  @Test
  void serviceMonitorsCarryTheScrapeToken() {
    Rendered r = Rendered.render(Rendered.ALL_ON);
    GenericKubernetesResource op =
        r.kind("ServiceMonitor").stream()
            .filter(s -> s.getMetadata().getName().endsWith("-operator"))
            .findFirst()
            .orElseThrow();
    JsonNode ep =
        new ObjectMapper().valueToTree(op.getAdditionalProperties().get("spec")).at("/endpoints/0");
    assertThat(ep.get("path").asText()).isEqualTo("/q/metrics");
    assertThat(ep.has("bearerTokenFile")).as("deprecated, and denied by some Prometheus").isFalse();
    assertThat(ep.at("/authorization/type").asText()).isEqualTo("Bearer");
    String secretName = ep.at("/authorization/credentials/name").asText();
    assertThat(ep.at("/authorization/credentials/key").asText()).isEqualTo("token");
    assertThat(r.kind("ServiceMonitor")).hasSize(2);
    // The Secret is a token of a service account bound to the usage reader role and nothing else.
    Secret secret = r.one(Secret.class, "-metrics-reader-token");
    assertThat(secret.getMetadata().getName()).isEqualTo(secretName);
    assertThat(secret.getMetadata().getNamespace()).isEqualTo(op.getMetadata().getNamespace());
    assertThat(secret.getType()).isEqualTo("kubernetes.io/service-account-token");
    String account =
        secret.getMetadata().getAnnotations().get("kubernetes.io/service-account.name");
    assertThat(r.one(ServiceAccount.class, "-metrics-reader").getMetadata().getName())
        .isEqualTo(account);
    List<ClusterRoleBinding> bindings =
        r.all(ClusterRoleBinding.class).stream()
            .filter(
                b ->
                    b.getSubjects().stream()
                        .anyMatch(
                            x ->
                                x.getKind().equals("ServiceAccount")
                                    && x.getName().equals(account)))
            .toList();
    assertThat(bindings).hasSize(1);
    assertThat(bindings.get(0).getRoleRef().getName()).endsWith("-usage-reader");
    assertThat(r.all(RoleBinding.class).stream().flatMap(b -> b.getSubjects().stream()))
        .noneMatch(x -> x.getName().equals(account));
  }

  void checkNames(List<String> exprs) throws IOException {
    Set<String> known = new TreeSet<>(exported());
    known.addAll(KUBERNETES);
    assertThat(exprs).isNotEmpty();
    for (String e : exprs) {
      Set<String> names = metricNames(e);
      assertThat(names).as("metrics in %s", e).isNotEmpty();
      assertThat(known).as("exported metrics, for %s", e).containsAll(names);
    }
  }

  /**
   * Metric names in a PromQL expression: identifiers that are not functions, keywords or labels.
   */
  static Set<String> metricNames(String expr) {
    String s =
        expr.replaceAll("\"[^\"]*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(s);
    while (m.find()) {
      String id = m.group().replaceAll("[\\s(]", "");
      if (m.group().endsWith("(") || PROMQL_WORDS.contains(id.toLowerCase())) {
        continue;
      }
      names.add(id);
    }
    return names;
  }

  @Test
  void metricNamesAreFoundInPromQl() {
    assertThat(
            metricNames(
                "sum by (namespace) (increase(wattkeeper_x_total{a=\"b\"}[5m])) / on (pod) up > 1"))
        .containsExactly("up", "wattkeeper_x_total");
  }

  /**
   * Names the code exports: Micrometer meters in the operator (dots to underscores, counters with
   * _total, as the Prometheus registry writes them) and the agent's literal exposition names.
   */
  static Set<String> exported() throws IOException {
    Set<String> names = new TreeSet<>();
    Pattern meter =
        Pattern.compile("(Counter|Gauge)\\.builder\\(\\s*\"(wattkeeper\\.[a-z0-9.]+)\"");
    Pattern dynamic = Pattern.compile("\"(wattkeeper\\.[a-z0-9.]+)\"");
    Pattern agent = Pattern.compile("\"(wattkeeper_[a-z0-9_]+)\"");
    for (Path f : sources("operator/src/main/java")) {
      String src = Files.readString(f);
      if (!src.contains("io.micrometer")) {
        continue;
      }
      Matcher m = meter.matcher(src);
      while (m.find()) {
        String n = m.group(2).replace('.', '_');
        names.add(m.group(1).equals("Counter") ? n + "_total" : n);
      }
      // Gauges registered through a helper (LedgerMetrics.set(key, "wattkeeper.budget...", ...)).
      Matcher d = dynamic.matcher(src);
      while (d.find()) {
        String n = d.group(1).replace('.', '_');
        if (!names.contains(n + "_total")) {
          names.add(n);
        }
      }
    }
    for (Path f : sources("node-agent/src/main/java")) {
      Matcher m = agent.matcher(Files.readString(f));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  static List<Path> sources(String dir) throws IOException {
    try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }
}
