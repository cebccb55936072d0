package io.wattkeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.wattkeeper.sandbox.node.Processes;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo story with shortened timings, through the sandbox's main class: the real operator and
 * node agent jars as children, pods as real processes, driven with the real kubectl where it is
 * installed (and the Fabric8 client for reads, and for the wake where kubectl is absent). Ends with
 * no process left. Skipped where the agent and operator are not packaged or not on Linux.
 */
class SandboxEndToEndTest {
  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  private static final ResourceDefinitionContext BUDGETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("wattkeeper.io")
          .withVersion("v1alpha1")
          .withPlural("energybudgets")
          .withKind("EnergyBudget")
          .withNamespaced(true)
          .build();

  @TempDir Path dir;

  @Test
  void demoStoryEndToEnd() throws Exception {
    assumeTrue(
        System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
        "the sandbox runs on Linux only");
    for (String m : List.of("node-agent", "operator")) {
      assumeTrue(
          Files.isRegularFile(HOME.resolve(m + "/target/quarkus-app/quarkus-run.jar")),
          m
              + " is not packaged (run ./mvnw package or verify: the reactor packages it before"
              + " this module's tests)");
    }
    String kubectl = kubectl();
    Options options =
        Options.parse(List.of("--dir", dir.toString(), "--for", "400s"), HOME)
            .withTiming(new Options.DemoTiming("15s", "0.01Wh", 2, 20));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new TeeStream(captured), true, StandardCharsets.UTF_8);
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> Main.run(options, out, out, stop));
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> captured.toString(StandardCharsets.UTF_8).contains("export KUBECONFIG="));
      Path kubeconfig = dir.resolve("kubeconfig");
      assertThat(captured.toString(StandardCharsets.UTF_8))
          .contains("export KUBECONFIG=" + kubeconfig);
      String server =
          Files.readAllLines(kubeconfig).stream()
              .filter(l -> l.trim().startsWith("server:"))
              .findFirst()
              .orElseThrow()
              .trim()
              .substring("server:".length())
              .trim();
      Config config = new ConfigBuilder().withMasterUrl(server).withNamespace("demo").build();
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        story(client, kubectl, kubeconfig);
      }
    } finally {
      stop.countDown();
    }
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    assertThat(Processes.marked(Path.of("/proc"), Processes.DIR_ENV, dir.toString()))
        .as("processes left after the sandbox stopped")
        .isEmpty();
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("no process left");
  }

  private void story(KubernetesClient client, String kubectl, Path kubeconfig) throws Exception {
    // 1. Three pods run as processes; both inference replicas become ready (readiness probe).
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              List<Pod> pods = client.pods().inNamespace("demo").list().getItems();
              assertThat(pods).hasSize(3);
              assertThat(pods).allMatch(p -> "Running".equals(p.getStatus().getPhase()));
              assertThat(ready(client, "inference")).isEqualTo(2);
            });
    List<String> podIps = new ArrayList<>();
    client
        .pods()
        .inNamespace("demo")
        .list()
        .getItems()
        .forEach(p -> podIps.add(p.getStatus().getPodIP()));
    assertThat(podIps).allMatch(ip -> ip.startsWith("127.")).doesNotHaveDuplicates();
    // 2. The NodePort Service reaches a replica through the EndpointSlice-following proxy.
    int nodePort =
        client
            .services()
            .inNamespace("demo")
            .withName("inference")
            .get()
            .getSpec()
            .getPorts()
            .get(0)
            .getNodePort();
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodePort + "/predict?x=2"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"prediction\"");
    if (kubectl != null) {
      kubectlPokes(kubectl, kubeconfig, client);
    }
    // 3. The operator annotates pods from the agent's reports (real processes, real /proc).
    await()
        .atMost(Duration.ofSeconds(150))
        .untilAsserted(
            () -> {
              Pod trainer =
                  client
                      .pods()
                      .inNamespace("demo")
                      .withLabel("app", "trainer")
                      .list()
                      .getItems()
                      .get(0);
              assertThat(energyWh(trainer)).isGreaterThan(0);
            });
    for (Pod p :
        client.pods().inNamespace("demo").withLabel("app", "inference").list().getItems()) {
      assertThat(p.getMetadata().getAnnotations()).containsKey("wattkeeper.io/energy-wh");
    }
    // 3b. The demo client's requests: the agent scrapes inference's vLLM-style counters and the
    // operator annotates energy per request and per 1k generated tokens.
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace("demo")
                            .withLabel("app", "inference")
                            .list()
                            .getItems())
                    .anySatisfy(
                        p ->
                            assertThat(p.getMetadata().getAnnotations())
                                .hasEntrySatisfying(
                                    "wattkeeper.io/energy-per-request-wh",
                                    v -> assertThat(v).containsPattern("[0-9]"))
                                .hasEntrySatisfying(
                                    "wattkeeper.io/energy-per-1k-tokens-wh",
                                    v -> assertThat(v).containsPattern("[0-9]"))));
    // 4. Idle inference goes to sleep; the over-budget trainer is scaled to zero.
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              Deployment inference = deployment(client, "inference");
              assertThat(inference.getSpec().getReplicas()).isZero();
              assertThat(inference.getMetadata().getAnnotations())
                  .containsEntry("wattkeeper.io/replicas-before-sleep", "2");
              GenericKubernetesResource team =
                  client
                      .genericKubernetesResources(BUDGETS)
                      .inNamespace("demo")
                      .withName("team")
                      .get();
              Map<String, Object> status = team.get("status");
              assertThat(status).containsEntry("phase", "Exceeded");
              assertThat(String.valueOf(status.get("enforcement")))
                  .contains("ScaleToZero")
                  .contains("trainer");
              assertThat(deployment(client, "trainer").getSpec().getReplicas()).isZero();
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> client.pods().inNamespace("demo").list().getItems().isEmpty());
    if (kubectl != null) {
      String table = run(kubectl, kubeconfig, "get", "eb,ner", "-A");
      assertThat(table).contains("PERIOD", "ENERGY", "CO2E", "USED%", "PHASE", "Exceeded");
      assertThat(
              run(
                  kubectl,
                  kubeconfig,
                  "get",
                  "pods",
                  "-n",
                  "demo",
                  "--field-selector",
                  "status.phase=Running"))
          .contains("No resources found");
    }
    // 5. DenyNewPods through the embedded API's admission path and the operator's TLS webhook.
    client
        .genericKubernetesResources(BUDGETS)
        .inNamespace("demo")
        .withName("team")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"enforcement\":{\"onExceeded\":[\"ScaleToZero\",\"DenyNewPods\"]}}}");
    String pod =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"extra\",\"namespace\":\"demo\"},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"command\":[\"sleep\",\"30\"]}]}}";
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              String denial;
              if (kubectl != null) {
                denial = runFailing(kubectl, kubeconfig, pod, "apply", "-f", "-");
              } else {
                try {
                  client
                      .pods()
                      .inNamespace("demo")
                      .resource(
                          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                              pod, Pod.class))
                      .create();
                  client.pods().inNamespace("demo").withName("extra").delete();
                  denial = "created";
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                  denial = e.getMessage();
                }
              }
              assertThat(denial)
                  .contains("admission webhook \"budgets.wattkeeper.io\" denied the request")
                  .contains("forbidden");
            });
    client
        .genericKubernetesResources(BUDGETS)
        .inNamespace("demo")
        .withName("team")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"enforcement\":{\"onExceeded\":[\"ScaleToZero\"]}}}");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !String.valueOf(
                        (Object)
                            client
                                .genericKubernetesResources(BUDGETS)
                                .inNamespace("demo")
                                .withName("team")
                                .get()
                                .get("status"))
                    .contains("DenyNewPods"));
    // 6. Waking inference brings back 2 running pods.
    if (kubectl != null) {
      run(
          kubectl,
          kubeconfig,
          "annotate",
          "deploy",
          "inference",
          "-n",
          "demo",
          "wattkeeper.io/wake=now");
    } else {
      client
          .apps()
          .deployments()
          .inNamespace("demo")
          .withName("inference")
          .edit(
              d -> {
                d.getMetadata().getAnnotations().put("wattkeeper.io/wake", "now");
                return d;
              });
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(deployment(client, "inference").getSpec().getReplicas()).isEqualTo(2);
              List<Pod> pods =
                  client.pods().inNamespace("demo").withLabel("app", "inference").list().getItems();
              assertThat(pods).hasSize(2).allMatch(p -> "Running".equals(p.getStatus().getPhase()));
            });
  }

  /**
   * What the issue asks the real kubectl to do against the embedded API: wide output with pod IPs,
   * set-based label selectors, field selectors, {@code scale}, a merge patch that replaces a list,
   * and a stale {@code resourceVersion} refused with 409. On a scratch Deployment in {@code
   * default}, so the demo's story is not touched.
   */
  private static void kubectlPokes(String kubectl, Path kubeconfig, KubernetesClient client)
      throws Exception {
    String scratch =
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"scratch\","
            + "\"namespace\":\"default\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":"
            + "{\"app\":\"scratch\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"scratch\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"s\",\"command\":[\"sleep\",\"600\"],"
            + "\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]}]}}}}";
    kubectlOutput(kubectl, kubeconfig, scratch, true, "apply", "-f", "-");
    run(kubectl, kubeconfig, "scale", "deploy", "scratch", "-n", "default", "--replicas=2");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace("default")
                            .withLabel("app", "scratch")
                            .list()
                            .getItems())
                    .hasSize(2)
                    .allMatch(p -> "Running".equals(p.getStatus().getPhase())));
    String wide = run(kubectl, kubeconfig, "get", "pods", "-n", "default", "-o", "wide");
    assertThat(wide).contains("IP", "NODE", "127.10.", "wattkeeper-sandbox");
    String setBased =
        run(
            kubectl,
            kubeconfig,
            "get",
            "pods",
            "-n",
            "default",
            "-l",
            "app in (scratch,other),!wattkeeper.io/role",
            "-o",
            "name");
    assertThat(setBased.lines().filter(l -> l.startsWith("pod/scratch-"))).hasSize(2);
    assertThat(
            run(kubectl, kubeconfig, "get", "pods", "-n", "default", "-l", "app notin (scratch)"))
        .contains("No resources found");
    String first =
        client
            .pods()
            .inNamespace("default")
            .withLabel("app", "scratch")
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getName();
    assertThat(
            run(
                kubectl,
                kubeconfig,
                "get",
                "pods",
                "-A",
                "--field-selector",
                "spec.nodeName=wattkeeper-sandbox,status.phase=Running,metadata.name=" + first,
                "-o",
                "name"))
        .isEqualToIgnoringWhitespace("pod/" + first);
    assertThat(
            kubectlOutput(
                kubectl,
                kubeconfig,
                null,
                false,
                "get",
                "pods",
                "-n",
                "default",
                "--field-selector",
                "spec.foo=bar"))
        .contains("field label not supported");
    assertThat(
            run(
                kubectl,
                kubeconfig,
                "get",
                "--raw",
                "/apis/apps/v1/namespaces/default/deployments/scratch/scale"))
        .contains("\"kind\":\"Scale\"", "\"replicas\":2");
    // RFC 7386: the env list is replaced, not merged.
    run(
        kubectl,
        kubeconfig,
        "patch",
        "deploy",
        "scratch",
        "-n",
        "default",
        "--type",
        "merge",
        "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"s\","
            + "\"command\":[\"sleep\",\"601\"],\"env\":[{\"name\":\"C\",\"value\":\"3\"}]}]}}}}");
    assertThat(
            run(
                kubectl,
                kubeconfig,
                "get",
                "deploy",
                "scratch",
                "-n",
                "default",
                "-o",
                "jsonpath={.spec.template.spec.containers[0].env}"))
        .isEqualToIgnoringWhitespace("[{\"name\":\"C\",\"value\":\"3\"}]");
    // A stale resourceVersion is a 409 Conflict.
    Deployment d = client.apps().deployments().inNamespace("default").withName("scratch").get();
    d.getMetadata().setResourceVersion("1");
    d.getMetadata().setManagedFields(null);
    assertThat(
            kubectlOutput(
                kubectl,
                kubeconfig,
                io.fabric8.kubernetes.client.utils.Serialization.asJson(d),
                false,
                "replace",
                "-f",
                "-"))
        .contains("Conflict", "the object has been modified");
    run(kubectl, kubeconfig, "scale", "deploy", "scratch", "-n", "default", "--replicas=0");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                    .pods()
                    .inNamespace("default")
                    .withLabel("app", "scratch")
                    .list()
                    .getItems()
                    .isEmpty());
    run(kubectl, kubeconfig, "delete", "deploy", "scratch", "-n", "default");
  }

  /** Runs kubectl with {@code stdin} (or none), expecting success or failure; its output. */
  private static String kubectlOutput(
      String kubectl, Path kubeconfig, String stdin, boolean succeed, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    if (succeed) {
      assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
    } else {
      assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isNotZero();
    }
    return output;
  }

  private static int ready(KubernetesClient client, String name) {
    Integer r =
        deployment(client, name).getStatus() == null
            ? null
            : deployment(client, name).getStatus().getReadyReplicas();
    return r == null ? 0 : r;
  }

  private static Deployment deployment(KubernetesClient client, String name) {
    return client.apps().deployments().inNamespace("demo").withName(name).get();
  }

  private static double energyWh(Pod p) {
    String v =
        p.getMetadata().getAnnotations() == null
            ? null
            : p.getMetadata().getAnnotations().get("wattkeeper.io/energy-wh");
    return v == null ? -1 : Double.parseDouble(v);
  }

  /** The real kubectl on PATH, or null (the kubectl steps are then skipped). */
  private static String kubectl() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path k = Path.of(d, "kubectl");
      if (Files.isExecutable(k)) {
        return k.toString();
      }
    }
    return null;
  }

  private static String run(String kubectl, Path kubeconfig, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
    return output;
  }

  /** Runs kubectl with {@code stdin}, expecting it to fail; returns its output. */
  private static String runFailing(String kubectl, Path kubeconfig, String stdin, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() == 0) {
      // Admitted (the operator has not seen the change yet): remove it and let the caller retry.
      run(kubectl, kubeconfig, "delete", "pod", "extra", "-n", "demo", "--wait=false");
    }
    return output;
  }

  /** Keeps what the sandbox prints and shows it in the test log too. */
  private static final class TeeStream extends java.io.OutputStream {
    private final ByteArrayOutputStream copy;

    TeeStream(ByteArrayOutputStream copy) {
      this.copy = copy;
    }

    @Override
    public synchronized void write(int b) {
      copy.write(b);
      System.out.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      copy.write(b, off, len);
      System.out.write(b, off, len);
    }
  }
}
