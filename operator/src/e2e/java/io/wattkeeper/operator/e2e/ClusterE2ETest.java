package io.wattkeeper.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.UpgradeCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The chart installed into a real Kubernetes (K3s in a container) with images built here from the
 * project's Dockerfiles: the node agent's reports reach the operator, which annotates a team's pod;
 * the ValidatingAdmissionPolicy denies a report forged under another node's name at the API server,
 * and the operator refuses such a report where the policy is bypassed (written by an admin under a
 * second Node's name, charging the team's pod on the first node with 1 MJ); the API server calls
 * the DenyNewPods webhook over TLS and it denies a pod of an exceeded budget; an upgrade keeps the
 * webhook certificate and the webhook still answers; {@code /q/metrics} answers only a token the
 * API server authenticates and authorises.
 *
 * <p>Needs a Docker engine (skipped without one, as on this project's build and CI machines) and a
 * build of the operator and the agent: {@code ./mvnw -Pe2e verify -pl operator -am}.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2ETest {

  /** 1.30+: ValidatingAdmissionPolicy v1 and the node name in bound service-account tokens. */
  static final String K3S_IMAGE =
      System.getProperty("wattkeeper.e2e.k3sImage", "rancher/k3s:v1.31.4-k3s1");

  static final Path ROOT =
      Path.of(System.getProperty("wattkeeper.repoRoot", "..")).toAbsolutePath().normalize();
  static final String RELEASE = "wk";
  static final String FULLNAME = "wk-wattkeeper";
  static final String NS = "wattkeeper";
  static final String TEAM = "team-e2e";
  static final String REGISTRY = "wattkeeper-e2e";
  static final String TAG = "e2e";
  static final String OPERATOR_IMAGE = REGISTRY + "/operator:" + TAG;
  static final Duration SLOW = Duration.ofMinutes(5);

  static final ResourceDefinitionContext REPORTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("wattkeeper.io")
          .withVersion("v1alpha1")
          .withPlural("nodeenergyreports")
          .withKind("NodeEnergyReport")
          .withNamespaced(false)
          .build();
  static final ResourceDefinitionContext BUDGETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("wattkeeper.io")
          .withVersion("v1alpha1")
          .withPlural("energybudgets")
          .withKind("EnergyBudget")
          .withNamespaced(true)
          .build();

  @Container static final K3sContainer K3S = new K3sContainer(DockerImageName.parse(K3S_IMAGE));

  static String kubeconfig;
  static KubernetesClient admin;
  static String nodeName;

  @BeforeAll
  static void installChart() throws Exception {
    loadImage("operator");
    loadImage("node-agent");
    kubeconfig = K3S.getKubeConfigYaml();
    admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    nodeName = admin.nodes().list().getItems().get(0).getMetadata().getName();
    Helm chart = new Helm(ROOT.resolve("helm/wattkeeper"));
    values(chart.install().withName(RELEASE).withNamespace(NS).createNamespace()).call();
    awaitOrExplain(
        "operator and agent ready in " + NS,
        () ->
            ready(admin.apps().deployments().inNamespace(NS).withName(FULLNAME + "-operator"))
                && admin
                        .apps()
                        .daemonSets()
                        .inNamespace(NS)
                        .withName(FULLNAME + "-agent")
                        .get()
                        .getStatus()
                        .getNumberReady()
                    == 1);
  }

  @AfterAll
  static void close() {
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  @Order(1)
  void oneOperatorReplicaHoldsTheLease() {
    var lease = admin.leases().inNamespace(NS).withName(FULLNAME + "-operator").get();
    assertThat(lease)
        .withFailMessage("no Lease %s-operator; %s", FULLNAME, diagnostics())
        .isNotNull();
    assertThat(lease.getSpec().getHolderIdentity()).startsWith(FULLNAME + "-operator-");
  }

  @Test
  @Order(2)
  void agentReportsAndOperatorAnnotatesATeamPod() {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(TEAM).endMetadata().build())
        .create();
    admin
        .resource(
            """
            apiVersion: wattkeeper.io/v1alpha1
            kind: EnergyBudget
            metadata: {name: observe, namespace: %s}
            spec:
              period: {type: Calendar, unit: Month, timeZone: UTC}
            """
                .formatted(TEAM))
        .create();
    admin.apps().deployments().inNamespace(TEAM).resource(sleeper()).create();

    awaitOrExplain(
        "the agent's report of node " + nodeName,
        () -> report(nodeName) != null && report(nodeName).get("status") != null);
    awaitOrExplain(
        "wattkeeper.io/energy-wh and co2e-grams on the team's pod",
        () -> {
          Map<String, String> a = teamPod().getMetadata().getAnnotations();
          return a != null
              && a.containsKey("wattkeeper.io/energy-wh")
              && a.containsKey("wattkeeper.io/co2e-grams");
        });
    GenericKubernetesResource budget =
        admin.genericKubernetesResources(BUDGETS).inNamespace(TEAM).withName("observe").get();
    assertThat((Object) budget.get("status", "phase")).isNotNull();
  }

  /** The forged write of the issue: an agent's token writing another node's report. */
  @Test
  @Order(3)
  void policyDeniesAReportForgedUnderAnotherNodesName() {
    try (KubernetesClient agent = asAgent()) {
      // An honest status write of its own node's report passes the policy.
      await("the agent's own status write is admitted")
          .atMost(Duration.ofSeconds(30))
          .ignoreException(KubernetesClientException.class)
          .untilAsserted(
              () ->
                  agent
                      .genericKubernetesResources(REPORTS)
                      .resource(report(nodeName))
                      .updateStatus());

      GenericKubernetesResource forged = new GenericKubernetesResource();
      forged.setApiVersion("wattkeeper.io/v1alpha1");
      forged.setKind("NodeEnergyReport");
      forged.setMetadata(new ObjectMetaBuilder().withName("node-b").build());
      assertThatThrownBy(() -> agent.genericKubernetesResources(REPORTS).resource(forged).create())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage())
                    .contains("may write only NodeEnergyReport " + nodeName + ", not node-b");
              });

      // The same name created by an admin (the policy matches only the agent); the agent's token
      // still may not write its status.
      admin.genericKubernetesResources(REPORTS).resource(forged).create();
      GenericKubernetesResource existing = report("node-b");
      existing.setAdditionalProperty("status", Map.of("podCount", 0));
      assertThatThrownBy(
              () -> agent.genericKubernetesResources(REPORTS).resource(existing).updateStatus())
          .isInstanceOfSatisfying(
              KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      admin.genericKubernetesResources(REPORTS).withName("node-b").delete();
    }
  }

  /**
   * Without the policy (an admin writes it), a well-formed report under node B's name that charges
   * the team's pod, which runs on node A, with 1 MJ is refused by the operator: the pod's energy
   * stays far below 1 MJ (277.8 Wh) and its Deployment is not touched.
   */
  @Test
  @Order(4)
  @SuppressWarnings("unchecked")
  void operatorRefusesAForgedReportThePolicyDidNotSee() throws InterruptedException {
    Pod pod = teamPod();
    GenericKubernetesResource real = report(nodeName);
    Map<String, Object> status = new HashMap<>((Map<String, Object>) real.get("status"));
    Map<String, Object> charge = new HashMap<>();
    charge.put("uid", pod.getMetadata().getUid());
    charge.put("namespace", TEAM);
    charge.put("name", pod.getMetadata().getName());
    charge.put("cpuJoules", 1.0e6);
    charge.put("cpuWatts", 1.0e3);
    status.put("pods", List.of(charge));
    status.put("podCount", 1);
    GenericKubernetesResource forged = new GenericKubernetesResource();
    forged.setApiVersion("wattkeeper.io/v1alpha1");
    forged.setKind("NodeEnergyReport");
    forged.setMetadata(new ObjectMetaBuilder().withName("node-b").build());
    // Node B exists (a Node object without a kubelet), so the report is refused for its entry,
    // not for its name: the team's pod runs on node A.
    admin
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("node-b").endMetadata().build())
        .create();
    GenericKubernetesResource created =
        admin.genericKubernetesResources(REPORTS).resource(forged).create();
    created.setAdditionalProperty("status", status);
    admin.genericKubernetesResources(REPORTS).resource(created).updateStatus();
    try {
      // Three annotation intervals (10 s in this install) after the forged report.
      Thread.sleep(30_000);
      double wh =
          Double.parseDouble(
              teamPod().getMetadata().getAnnotations().get("wattkeeper.io/energy-wh"));
      assertThat(wh).withFailMessage("forged 1 MJ was charged: %s Wh", wh).isLessThan(100.0);
      Deployment d = admin.apps().deployments().inNamespace(TEAM).withName("sleeper").get();
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      awaitOrExplain(
          "a ReportEntryRefused or ReportRefused Event on node-b's report",
          () ->
              admin
                  .v1()
                  .events()
                  .inAnyNamespace()
                  .withField("involvedObject.name", "node-b")
                  .list()
                  .getItems()
                  .stream()
                  .anyMatch(
                      e ->
                          "ReportEntryRefused".equals(e.getReason())
                              || "ReportRefused".equals(e.getReason())));
    } finally {
      admin.genericKubernetesResources(REPORTS).withName("node-b").delete();
      admin.nodes().withName("node-b").delete();
    }
  }

  /**
   * The real API server calls the webhook over TLS with the chart's CA: a budget over its limit
   * with DenyNewPods denies a new pod it covers.
   */
  @Test
  @Order(5)
  void webhookDeniesNewPodsOverAnExceededBudget() {
    admin
        .resource(
            """
            apiVersion: wattkeeper.io/v1alpha1
            kind: EnergyBudget
            metadata: {name: cap, namespace: %s}
            spec:
              selector: {matchLabels: {app: burner}}
              period: {type: Calendar, unit: Month, timeZone: UTC}
              limits: {energy: 1J}
              enforcement: {mode: Enforce, onExceeded: [DenyNewPods]}
            """
                .formatted(TEAM))
        .create();
    // A busy loop: a full core, so the budget passes 1 J within a report or two.
    admin
        .apps()
        .deployments()
        .inNamespace(TEAM)
        .resource(workload("burner", "sh", "-c", "while :; do :; done"))
        .create();
    awaitOrExplain(
        "budget " + TEAM + "/cap Exceeded",
        () ->
            "Exceeded"
                .equals(
                    admin
                        .genericKubernetesResources(BUDGETS)
                        .inNamespace(TEAM)
                        .withName("cap")
                        .get()
                        .get("status", "phase")));
    awaitNewPodDenied();
  }

  /** The Helm-generated webhook CA and certificate survive an upgrade (Helm lookup). */
  @Test
  @Order(6)
  void upgradeKeepsTheWebhookCertificate() {
    Secret before = admin.secrets().inNamespace(NS).withName(FULLNAME + "-webhook-tls").get();
    values(new Helm(ROOT.resolve("helm/wattkeeper")).upgrade().withName(RELEASE).withNamespace(NS))
        .call();
    Secret after = admin.secrets().inNamespace(NS).withName(FULLNAME + "-webhook-tls").get();
    assertThat(after.getData()).isEqualTo(before.getData());
    ValidatingWebhookConfiguration vwc =
        admin
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(FULLNAME + "-budgets")
            .get();
    assertThat(vwc.getWebhooks().get(0).getClientConfig().getCaBundle())
        .isEqualTo(before.getData().get("ca.crt"));
    // The API server still trusts the webhook after the upgrade.
    awaitNewPodDenied();
  }

  static void awaitNewPodDenied() {
    Pod extra =
        new PodBuilder()
            .withNewMetadata()
            .withName("burner-extra")
            .withNamespace(TEAM)
            .addToLabels("app", "burner")
            .endMetadata()
            .withSpec(workload("burner", "sleep", "infinity").getSpec().getTemplate().getSpec())
            .build();
    List<String> seen = new ArrayList<>();
    try {
      awaitOrExplain(
          "the webhook denies pod burner-extra",
          () -> {
            try {
              admin.pods().resource(extra).create();
              seen.add("admitted");
              admin.pods().resource(extra).withGracePeriod(0).delete();
              return false;
            } catch (KubernetesClientException e) {
              seen.add(e.getCode() + " " + e.getMessage());
              return e.getCode() == 403
                  && e.getMessage().contains("exceeded energy budget " + TEAM + "/cap");
            }
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          "last answers: " + seen.subList(Math.max(0, seen.size() - 3), seen.size()), e);
    }
  }

  /**
   * Usage over HTTP is checked by the real API server (TokenReview, SubjectAccessReview): no token
   * 401, the agent's token 403, the scraper bound to the usage-reader role by the chart 200.
   */
  @Test
  @Order(7)
  void metricsAnswerOnlyAnAuthorisedToken() throws Exception {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("monitoring").endMetadata().build())
        .create();
    admin
        .serviceAccounts()
        .inNamespace("monitoring")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("scraper")
                .withNamespace("monitoring")
                .endMetadata()
                .build())
        .create();
    String scraper =
        admin
            .serviceAccounts()
            .inNamespace("monitoring")
            .withName("scraper")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Pod operator =
        admin
            .pods()
            .inNamespace(NS)
            .withLabel("app.kubernetes.io/component", "operator")
            .list()
            .getItems()
            .get(0);
    try (LocalPortForward pf =
        admin.pods().inNamespace(NS).withName(operator.getMetadata().getName()).portForward(8080)) {
      String url = "http://localhost:" + pf.getLocalPort() + "/q/metrics";
      assertThat(get(url, null).statusCode()).isEqualTo(401);
      assertThat(get(url, agentToken()).statusCode()).isEqualTo(403);
      HttpResponse<String> ok = get(url, scraper);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("wattkeeper_");
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  static InstallCommand values(InstallCommand c) {
    return c.withKubeConfigContents(kubeconfig)
        .set("image.registry", REGISTRY)
        .set("image.tag", TAG)
        .set("image.pullPolicy", "Never")
        // The activator is a plain jar built after the operator in the reactor; not tested here.
        .set("activator.enabled", "false")
        .set("agent.reportInterval", "10s")
        .set("operator.annotationInterval", "10s")
        .set("metrics.scraper.serviceAccount", "scraper")
        .set("metrics.scraper.namespace", "monitoring")
        .withTimeout(300);
  }

  static UpgradeCommand values(UpgradeCommand c) {
    return c.withKubeConfigContents(kubeconfig)
        .set("image.registry", REGISTRY)
        .set("image.tag", TAG)
        .set("image.pullPolicy", "Never")
        .set("activator.enabled", "false")
        .set("agent.reportInterval", "10s")
        .set("operator.annotationInterval", "10s")
        .set("metrics.scraper.serviceAccount", "scraper")
        .set("metrics.scraper.namespace", "monitoring")
        .waitReady()
        .withTimeout(300);
  }

  /** Builds the module's image from its Dockerfile and imports it into K3s' containerd. */
  static void loadImage(String module) throws IOException, InterruptedException {
    Path dir = ROOT.resolve(module);
    if (!Files.exists(dir.resolve("target/quarkus-app/quarkus-run.jar"))) {
      throw new IllegalStateException(
          dir + "/target/quarkus-app is missing: run ./mvnw -Pe2e verify -pl operator -am");
    }
    String image =
        new ImageFromDockerfile(REGISTRY + "/" + module + ":" + TAG, false)
            .withFileFromPath(".", dir)
            .withDockerfilePath("src/main/docker/Dockerfile.jvm")
            .get();
    Path tar = Files.createTempFile("wattkeeper-" + module, ".tar");
    try (InputStream in = DockerClientFactory.instance().client().saveImageCmd(image).exec()) {
      Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
    }
    String inK3s = "/tmp/" + module + ".tar";
    K3S.copyFileToContainer(MountableFile.forHostPath(tar), inK3s);
    Files.delete(tar);
    ExecResult r = K3S.execInContainer("k3s", "ctr", "-n", "k8s.io", "images", "import", inK3s);
    if (r.getExitCode() != 0) {
      throw new IllegalStateException("ctr images import " + image + ": " + r.getStderr());
    }
  }

  /** A client with a token of the agent's service account bound to the agent's pod (node-bound). */
  static KubernetesClient asAgent() {
    Config base = admin.getConfiguration();
    // Only the token: a client certificate would authenticate as the admin instead.
    Config agent =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(base.getMasterUrl())
            .withCaCertData(base.getCaCertData())
            .withOauthToken(agentToken())
            .build();
    return new KubernetesClientBuilder().withConfig(agent).build();
  }

  static String agentToken() {
    Pod agentPod =
        admin
            .pods()
            .inNamespace(NS)
            .withLabel("app.kubernetes.io/component", "agent")
            .list()
            .getItems()
            .stream()
            .filter(p -> nodeName.equals(p.getSpec().getNodeName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no agent pod on " + nodeName));
    TokenRequest tr =
        admin
            .serviceAccounts()
            .inNamespace(NS)
            .withName(FULLNAME + "-agent")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(600L)
                    .withNewBoundObjectRef()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName(agentPod.getMetadata().getName())
                    .withUid(agentPod.getMetadata().getUid())
                    .endBoundObjectRef()
                    .endSpec()
                    .build());
    return tr.getStatus().getToken();
  }

  static HttpResponse<String> get(String url, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Deployment sleeper() {
    return workload("sleeper", "sleep", "infinity");
  }

  static Deployment workload(String app, String... command) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(app)
        .withNamespace(TEAM)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", app)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", app)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(app)
        // Already in K3s: no registry needed for the team's workloads.
        .withImage(OPERATOR_IMAGE)
        .withImagePullPolicy("Never")
        .withCommand(command)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static Pod teamPod() {
    return admin.pods().inNamespace(TEAM).withLabel("app", "sleeper").list().getItems().get(0);
  }

  static GenericKubernetesResource report(String name) {
    return admin.genericKubernetesResources(REPORTS).withName(name).get();
  }

  static boolean ready(io.fabric8.kubernetes.client.dsl.Resource<Deployment> d) {
    Deployment got = d.get();
    return got != null
        && got.getStatus() != null
        && got.getStatus().getReadyReplicas() != null
        && got.getStatus().getReadyReplicas() >= 1;
  }

  /** Pod phases and the last log lines of Wattkeeper's pods, for failure messages. */
  static String diagnostics() {
    List<String> out = new ArrayList<>();
    try {
      for (Pod p : admin.pods().inNamespace(NS).list().getItems()) {
        out.add(p.getMetadata().getName() + " " + p.getStatus().getPhase());
        for (var c : p.getSpec().getContainers()) {
          try {
            out.add(
                admin
                    .pods()
                    .inNamespace(NS)
                    .withName(p.getMetadata().getName())
                    .inContainer(c.getName())
                    .tailingLines(30)
                    .getLog());
          } catch (KubernetesClientException e) {
            out.add("(no log: " + e.getMessage() + ")");
          }
        }
      }
    } catch (KubernetesClientException e) {
      out.add("(cannot list pods: " + e.getMessage() + ")");
    }
    return String.join("\n", out);
  }

  static void awaitOrExplain(String what, Callable<Boolean> condition) {
    try {
      await(what).atMost(SLOW).ignoreExceptions().until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          what + " within " + SLOW + "; pods in " + NS + ":\n" + diagnostics(), e);
    }
  }
}
