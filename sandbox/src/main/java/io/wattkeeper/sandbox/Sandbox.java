package io.wattkeeper.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Api;
import io.wattkeeper.sandbox.api.ApiServer;
import io.wattkeeper.sandbox.api.Json;
import io.wattkeeper.sandbox.api.ResourceType;
import io.wattkeeper.sandbox.controllers.EndpointSlices;
import io.wattkeeper.sandbox.controllers.NodePorts;
import io.wattkeeper.sandbox.controllers.Workloads;
import io.wattkeeper.sandbox.demo.Demo;
import io.wattkeeper.sandbox.node.Kubelet;
import io.wattkeeper.sandbox.node.PodCgroups;
import io.wattkeeper.sandbox.node.Processes;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole system on one machine: the embedded API, the local node (kubelet, controllers, service
 * proxy), the real node agent and operator as child processes, and the demo. {@link #close} ends
 * every process it started.
 */
public final class Sandbox implements AutoCloseable {
  public static final String NODE_NAME = "wattkeeper-sandbox";
  public static final String REGION = "europe-west3";
  public static final String OPERATOR_NAMESPACE = "wattkeeper";

  /** The sandbox's short intervals (the defaults are 5 s / 30 s / 60 s). */
  static final String SAMPLE_INTERVAL = "1s";

  static final String REPORT_INTERVAL = "5s";

  private final Options options;
  private final PrintStream out;
  private final Path logFile;
  private final List<Child> children = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, String> tokens = new HashMap<>();
  private ApiServer server;
  private Kubelet kubelet;
  private NodePorts nodePorts;
  private Thread controllers;
  private View view;
  private volatile boolean closed;
  private String cgroupMode;
  // The operator replicas (several: leader election, as the chart's two); the first one's ports.
  private final List<Replica> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();
  private int operatorPort;
  private int webhookPort;
  private String webhookKeystorePassword;
  private Path webhookKeystore;
  private String webhookCaBundle;
  private int agentPort;

  public Sandbox(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.logFile = options.dir().resolve("sandbox.log");
  }

  public Api api() {
    return server.api();
  }

  public String url() {
    return server.url();
  }

  public Kubelet kubelet() {
    return kubelet;
  }

  public Path kubeconfig() {
    return options.dir().resolve("kubeconfig");
  }

  public String cgroupMode() {
    return cgroupMode;
  }

  /** Starts everything; returns once the operator and agent are started (not yet ready). */
  public void start() throws IOException {
    Path dir = options.dir();
    Files.createDirectories(dir.resolve("pods"));
    Files.createDirectories(dir.resolve("logs"));
    int leftovers = Processes.killMarked(Path.of("/proc"), Processes.DIR_ENV, dir.toString());
    if (leftovers > 0) {
      log("killed " + leftovers + " processes left by an earlier sandbox in " + dir);
    }
    server = new ApiServer(options.port(), Clock.systemUTC());
    server.installBundledCrds();
    server.writeKubeconfig(kubeconfig(), Demo.NAMESPACE);
    waitForApi();
    out.println("export KUBECONFIG=" + kubeconfig());
    out.flush();
    log("API server answering at " + server.url() + " (kubeconfig " + kubeconfig() + ")");
    Api api = server.api();
    server.handler().logs((pod, c) -> kubelet == null ? Optional.empty() : kubelet.logOf(pod, c));
    namespace(OPERATOR_NAMESPACE);

    StringBuilder why = new StringBuilder();
    Optional<PodCgroups> cgroups = PodCgroups.detect(Path.of("/sys/fs/cgroup"), why);
    cgroupMode =
        cgroups
            .map(c -> "pod cgroups (" + c.describe() + "): the agent reads them as on a node")
            .orElse(
                "no pod cgroups ("
                    + why
                    + "): processes carry "
                    + Processes.POD_UID_ENV
                    + " in their environment, and the agent maps them by that marker");
    log("process-to-pod mapping: " + cgroupMode);

    Map<String, String> podEnv = new HashMap<>(System.getenv());
    podEnv.remove("KUBECONFIG");
    podEnv.put(Processes.DIR_ENV, dir.toString());
    kubelet = new Kubelet(api, NODE_NAME, dir.resolve("pods"), cgroups, podEnv, this::log);
    kubelet.start(REGION);
    log("node " + NODE_NAME + " registered (region label " + REGION + ")");
    Workloads workloads = new Workloads(api, this::log);
    EndpointSlices slices = new EndpointSlices(api);
    nodePorts = new NodePorts(api, this::log);
    controllers =
        new Thread(
            () -> {
              while (!closed) {
                try {
                  Api.as(
                      "system:serviceaccount:kube-system:replicaset-controller",
                      () -> {
                        workloads.sync();
                        slices.sync();
                        nodePorts.sync();
                        return null;
                      });
                  superviseReplicas();
                } catch (RuntimeException e) {
                  log("controllers: " + e);
                }
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "controllers");
    controllers.setDaemon(true);
    controllers.start();

    startAgent(dir);
    webhookKeystorePassword = token("webhook-keystore");
    webhookKeystore = webhookCertificate(dir, webhookKeystorePassword);
    for (int i = 0; i < options.operators(); i++) {
      Replica r = new Replica("operator-" + i, freePort(), freePort());
      replicas.add(r);
      startOperator(dir, r);
    }
    operatorPort = replicas.get(0).httpPort;
    webhookPort = replicas.get(0).webhookPort;
    startActivator(dir);
    server.handler().users(tokens);
    registerWebhook();
    // The demo does not wait for the operator: pods start while it boots (their first creations
    // are admitted by failurePolicy Ignore, as on a cluster whose operator is down).
    Thread ready = new Thread(this::awaitOperator, "operator-ready");
    ready.setDaemon(true);
    ready.start();
    if (options.demo()) {
      startDemo();
    }
    view = new View(api, out, System.console() != null, this::childrenAlive);
    view.start();
  }

  private void waitForApi() throws IOException {
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
    throw new IOException("the embedded API does not answer at " + server.url());
  }

  /**
   * Waits (up to 120 s) until the operator answers its readiness probe and says so. Not ready by
   * then: said too, and the sandbox goes on.
   */
  private void awaitOperator() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long started = System.nanoTime();
    while (System.nanoTime() < deadline && !closed) {
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operatorPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          log(
              "operator ready after "
                  + Duration.ofNanos(System.nanoTime() - started).toMillis() / 100 / 10.0
                  + " s");
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (deadChild().isPresent()) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    log("operator not ready after 120 s; going on (see logs/operator.log)");
  }

  private void namespace(String name) {
    ObjectNode ns = Json.object();
    ns.put("apiVersion", "v1");
    ns.put("kind", "Namespace");
    ns.putObject("metadata").put("name", name);
    server.api().create(server.api().type("", "namespaces"), null, ns);
  }

  private String token(String user) throws IOException {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    String t = HexFormat.of().formatHex(b);
    tokens.put(t, user);
    return t;
  }

  private Path app(String module) throws IOException {
    Path jar = options.home().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          jar
              + " not found: build first with ./mvnw -B -ntp package -DskipTests (from "
              + options.home()
              + ")");
    }
    return jar;
  }

  private static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** One operator replica: its name (Lease identity), ports and current process. */
  static final class Replica {
    final String name;
    final int httpPort;
    final int webhookPort;
    volatile Child child;
    volatile long diedAt;

    Replica(String name, int httpPort, int webhookPort) {
      this.name = name;
      this.httpPort = httpPort;
      this.webhookPort = webhookPort;
    }

    public String name() {
      return name;
    }

    public int httpPort() {
      return httpPort;
    }

    public boolean alive() {
      Child c = child;
      return c != null && c.alive();
    }
  }

  /** The operator replicas, in start order. */
  public List<Replica> operators() {
    return List.copyOf(replicas);
  }

  /** Kills a replica's process tree at once (SIGKILL), as a node failure would. */
  public void kill(Replica r) {
    Child c = r.child;
    if (c != null) {
      c.handle().descendants().forEach(ProcessHandle::destroyForcibly);
      c.handle().destroyForcibly();
      log(r.name + " killed (SIGKILL)");
    }
  }

  /**
   * With several replicas, a replica that exited is started again after a back-off, as the kubelet
   * does: it comes back as a standby. One replica alone is not restarted: its exit ends the sandbox
   * (see {@link #deadChild}), so that a broken operator is seen.
   */
  private void superviseReplicas() {
    if (replicas.size() < 2 || closed) {
      return;
    }
    for (Replica r : replicas) {
      Child c = r.child;
      if (c == null || c.alive()) {
        continue;
      }
      long now = System.nanoTime();
      if (r.diedAt == 0) {
        r.diedAt = now;
        log(r.name + " exited with code " + c.exitCode() + "; restarting it in " + RESTART_BACKOFF);
      } else if (now - r.diedAt >= RESTART_BACKOFF.toNanos()) {
        r.diedAt = 0;
        synchronized (this) {
          if (closed) {
            return; // close() stops the children it sees: start none after it
          }
          try {
            startOperator(options.dir(), r);
          } catch (IOException e) {
            log(r.name + " could not be restarted: " + e.getMessage());
          }
        }
      }
    }
  }

  // The kubelet's first crash back-off; shorter, a killed leader restarted under its own name could
  // take its Lease back before the standby sees it expire.
  static final Duration RESTART_BACKOFF = Duration.ofSeconds(10);

  private void startOperator(Path dir, Replica replica) throws IOException {
    Path jar = app("operator");
    Map<String, String> env = new HashMap<>();
    env.put(Processes.DIR_ENV, dir.toString());
    env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", server.url());
    env.put(
        "QUARKUS_KUBERNETES_CLIENT_TOKEN",
        token("system:serviceaccount:" + OPERATOR_NAMESPACE + ":wattkeeper-operator"));
    env.put("QUARKUS_KUBERNETES_CLIENT_NAMESPACE", OPERATOR_NAMESPACE);
    env.put("KUBECONFIG", dir.resolve("no-kubeconfig").toString());
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(replica.httpPort));
    // The webhook is served over TLS only (as in the chart): a throw-away self-signed certificate
    // for 127.0.0.1, whose PEM is the webhook configuration's caBundle.
    env.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(replica.webhookPort));
    env.put("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_FILE", webhookKeystore.toString());
    env.put("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_PASSWORD", webhookKeystorePassword);
    env.put("POD_NAMESPACE", OPERATOR_NAMESPACE);
    if (options.operators() > 1) {
      // The chart's leader election, with a shorter Lease: a standby takes over within 6 s.
      env.put("WATTKEEPER_LEADER_ELECTION_ENABLED", "true");
      env.put("WATTKEEPER_LEADER_ELECTION_IDENTITY", replica.name);
      env.put("WATTKEEPER_LEADER_ELECTION_LEASE_DURATION", "6s");
      env.put("WATTKEEPER_LEADER_ELECTION_RENEW_DEADLINE", "4s");
      env.put("WATTKEEPER_LEADER_ELECTION_RETRY_PERIOD", "1s");
    }
    env.put("WATTKEEPER_ANNOTATION_INTERVAL", REPORT_INTERVAL);
    env.put("WATTKEEPER_LEDGER_STATUS_INTERVAL", REPORT_INTERVAL);
    env.put("WATTKEEPER_IDLE_REPORT_INTERVAL", REPORT_INTERVAL);
    env.put("WATTKEEPER_IDLE_RESYNC_INTERVAL", REPORT_INTERVAL);
    env.put("WATTKEEPER_ENFORCE_RESYNC_INTERVAL", REPORT_INTERVAL);
    // The sandbox's API server answers no TokenReview: the operator listens on 127.0.0.1 only,
    // with usage endpoints unguarded (the webhook stays TLS-only, as in the chart).
    env.put("WATTKEEPER_ACCESS_ENABLED", "false");
    env.putAll(ActivatorProcess.operatorEnv());
    List<String> cmd =
        List.of(
            java(),
            "-XX:+UseSerialGC",
            "-Xmx128m",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "-jar",
            jar.toString());
    String name = options.operators() > 1 ? replica.name : "operator";
    Child child = Child.start(name, cmd, env, dir, dir.resolve("logs/" + name + ".log"));
    if (replica.child != null) {
      children.remove(replica.child);
    }
    replica.child = child;
    children.add(child);
    log(
        name
            + " started (pid "
            + child.handle().pid()
            + ", http http://127.0.0.1:"
            + replica.httpPort
            + ", webhook https://127.0.0.1:"
            + replica.webhookPort
            + "/admission/validate, annotation/status/idle/enforce intervals "
            + REPORT_INTERVAL
            + (options.operators() > 1 ? ", leader election on Lease wattkeeper-operator" : "")
            + ", log "
            + dir.resolve("logs/" + name + ".log")
            + ")");
  }

  /** Wake on request: the activator, apart from the operator as in a cluster. */
  private void startActivator(Path dir) throws IOException {
    int metrics = freePort();
    children.add(
        ActivatorProcess.start(
            options.home(),
            dir,
            java(),
            server.url(),
            token("system:serviceaccount:" + OPERATOR_NAMESPACE + ":wattkeeper-activator"),
            metrics));
    log(
        "activator started (pid "
            + children.get(children.size() - 1).handle().pid()
            + ", metrics http://127.0.0.1:"
            + metrics
            + "/metrics, log "
            + dir.resolve("logs/activator.log")
            + ")");
  }

  private void startAgent(Path dir) throws IOException {
    Path jar = app("node-agent");
    agentPort = freePort();
    Path tokenFile = dir.resolve("agent.token");
    Files.writeString(
        tokenFile, token("system:serviceaccount:" + OPERATOR_NAMESPACE + ":wattkeeper-agent"));
    Map<String, String> env = new HashMap<>();
    env.put(Processes.DIR_ENV, dir.toString());
    env.put("NODE_NAME", NODE_NAME);
    env.put("WATTKEEPER_SAMPLE_INTERVAL", SAMPLE_INTERVAL);
    env.put("WATTKEEPER_REPORT_INTERVAL", REPORT_INTERVAL);
    env.put("WATTKEEPER_STATE_DIR", dir.resolve("agent-state").toString());
    env.put("WATTKEEPER_AGENT_API_SERVER_URL", server.url());
    env.put("WATTKEEPER_AGENT_API_TOKEN_FILE", tokenFile.toString());
    env.put("WATTKEEPER_AGENT_HTTP_HOST", "127.0.0.1");
    env.put("WATTKEEPER_AGENT_HTTP_PORT", Integer.toString(agentPort));
    env.put("WATTKEEPER_AGENT_POD_PROCESS_MARKER", Processes.POD_UID_ENV);
    List<String> cmd =
        List.of(
            java(),
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "-jar",
            jar.toString());
    children.add(Child.start("node-agent", cmd, env, dir, dir.resolve("logs/node-agent.log")));
    log(
        "node agent started (pid "
            + children.get(children.size() - 1).handle().pid()
            + ", sample "
            + SAMPLE_INTERVAL
            + ", report "
            + REPORT_INTERVAL
            + ", metrics http://127.0.0.1:"
            + agentPort
            + "/q/metrics, log "
            + dir.resolve("logs/node-agent.log")
            + ")");
  }

  /**
   * A self-signed EC key pair for 127.0.0.1 in a PKCS12 keystore (one keytool run; the JDK has no
   * API to make a certificate); its certificate, PEM in base64, is the webhook's caBundle.
   */
  private Path webhookCertificate(Path dir, String password) throws IOException {
    Path keystore = dir.resolve("webhook-tls.p12");
    Files.deleteIfExists(keystore);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        List.of(
            keytool,
            "-J-XX:TieredStopAtLevel=1",
            "-J-Xshare:auto",
            "-J-XX:-UsePerfData",
            "-genkeypair",
            "-alias",
            "webhook",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=wattkeeper-sandbox-webhook",
            "-ext",
            "SAN=ip:127.0.0.1,dns:localhost",
            "-validity",
            "30",
            "-keystore",
            keystore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            password,
            "-keypass",
            password));
    try (var in = Files.newInputStream(keystore)) {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                  .encodeToString(ks.getCertificate("webhook").getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      webhookCaBundle =
          java.util.Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot read " + keystore + ": " + e.getMessage(), e);
    }
    return keystore;
  }

  private static String run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(cmd.get(0) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }

  /**
   * The operator's DenyNewPods webhook configuration. A cluster's Service spreads the API server's
   * calls over every replica; the sandbox has no Service, so each replica gets a webhook of its own
   * (each denies alone; one that is down is ignored, failurePolicy Ignore).
   */
  private void registerWebhook() {
    StringBuilder hooks = new StringBuilder();
    for (int i = 0; i < replicas.size(); i++) {
      String name = i == 0 ? "budgets.wattkeeper.io" : "budgets-" + i + ".wattkeeper.io";
      hooks
          .append(
              """
          - name: %s
            admissionReviewVersions: [v1]
            sideEffects: None
            failurePolicy: Ignore
            timeoutSeconds: 5
            clientConfig:
              url: https://127.0.0.1:%d/admission/validate
              caBundle: %s
            rules:
              - apiGroups: [""]
                apiVersions: [v1]
                operations: [CREATE]
                resources: [pods]
                scope: Namespaced
              - apiGroups: [apps]
                apiVersions: [v1]
                operations: [CREATE, UPDATE]
                resources: [deployments, statefulsets, deployments/scale, statefulsets/scale]
                scope: Namespaced
            namespaceSelector:
              matchExpressions:
                - key: kubernetes.io/metadata.name
                  operator: NotIn
                  values: [kube-system, %s]
            objectSelector:
              matchExpressions:
                - key: wattkeeper.io/exempt
                  operator: NotIn
                  values: ["true"]"""
                  .formatted(
                      name, replicas.get(i).webhookPort, webhookCaBundle, OPERATOR_NAMESPACE))
          .append('\n');
    }
    String yaml =
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: wattkeeper-budgets
        webhooks:
        """
            + hooks;
    apply(yaml);
    log("admission webhook registered (failurePolicy Ignore)");
  }

  /** Applies the demo (done by {@link #start} unless the options say no demo). */
  public void startDemo() {
    Path cp = classPathOf(Demo.class);
    Options.DemoTiming t = options.timing();
    apply(Demo.manifests(java(), cp, t.idleAfter(), t.teamLimit(), t.modelLoadSeconds()));
    log(
        "demo applied in namespace demo: deployments inference (2) and trainer (1), NodePort"
            + " service inference, budgets team (limit "
            + t.teamLimit()
            + ", Enforce ScaleToZero, idle after "
            + t.idleAfter()
            + ") and observe");
    if (t.requestSeconds() > 0) {
      Thread client = new Thread(() -> demoRequests(t.requestSeconds()), "demo-client");
      client.setDaemon(true);
      client.start();
    }
  }

  /**
   * Sends two requests a second to the inference Service's node port for {@code seconds} (as a user
   * would with curl), then stops so the idle rule can put it to sleep.
   */
  private void demoRequests(int seconds) {
    Api api = server.api();
    ResourceType services = api.type("", "services");
    Instant end = Instant.now().plusSeconds(seconds);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long ok = 0;
    for (int i = 0; !closed && Instant.now().isBefore(end); i++) {
      try {
        ObjectNode svc =
            api
                .list(services, "demo", o -> "inference".equals(Json.at(o, "metadata.name")))
                .stream()
                .findFirst()
                .orElse(null);
        JsonNode port = svc == null ? null : svc.path("spec").path("ports").path(0).get("nodePort");
        if (port != null) {
          HttpResponse<Void> r =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + port.asInt() + "/predict?x=" + (i % 100)))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            ok++;
          }
        }
      } catch (IOException | RuntimeException e) {
        // not ready yet (the model loads) or a replica going away: the next one may land
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
    log(
        "demo client: "
            + ok
            + " requests answered by inference in "
            + seconds
            + " s; it stops now (energy per request and per 1k tokens on the inference pods)");
  }

  /** Creates each document of a multi-document YAML through the API (as kubectl create). */
  public void apply(String yaml) {
    Api api = server.api();
    try {
      var parser = Json.YAML.getFactory().createParser(yaml);
      var docs = Json.YAML.readValues(parser, JsonNode.class);
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        ResourceType t =
            api.registry()
                .byKind(doc.path("apiVersion").asText(), doc.path("kind").asText())
                .orElseThrow(() -> new IllegalArgumentException("no type for " + doc.path("kind")));
        String ns = Json.at(doc, "metadata.namespace");
        if (t.key().equals("/namespaces")
            && api.store().get("/namespaces", null, Json.at(doc, "metadata.name")) != null) {
          continue;
        }
        api.create(t, ns, (ObjectNode) doc);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("bad manifest: " + e.getMessage(), e);
    }
  }

  static Path classPathOf(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      throw new IllegalStateException("cannot locate the sandbox's classes", e);
    }
  }

  /** Whether a child's exit is the sandbox's end: a replica among several is restarted instead. */
  private boolean vital(Child c) {
    return options.operators() < 2 || replicas.stream().noneMatch(r -> r.child == c);
  }

  private boolean childrenAlive() {
    for (Child c : children) {
      if (vital(c) && !c.alive()) {
        return false;
      }
    }
    return true;
  }

  /** A child that died: its name and last log lines, for the error message. */
  Optional<String> deadChild() {
    for (Child c : children) {
      if (vital(c) && !c.alive()) {
        String tail = "";
        try {
          List<String> lines = Files.readAllLines(c.log);
          tail = String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
          // no log
        }
        return Optional.of(
            c.name + " exited with code " + c.exitCode() + "; its log ends:\n  " + tail);
      }
    }
    return Optional.empty();
  }

  /** All PIDs the sandbox started and that still run (children, pods, and theirs). */
  public List<Long> processes() {
    return Processes.marked(Path.of("/proc"), Processes.DIR_ENV, options.dir().toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  void log(String message) {
    String line = Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + message;
    if (view == null || !view.live()) {
      out.println(line);
      out.flush();
    } else {
      view.note(message);
    }
    try {
      Files.writeString(
          logFile,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the log file is a copy of stdout
    }
  }

  Consumer<String> logger() {
    return this::log;
  }

  /** Stops the view, the operator and agent, every pod, the API; sweeps what is left. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (view != null) {
      view.stop();
    }
    log("stopping");
    children.parallelStream().forEach(Child::stop);
    if (controllers != null) {
      controllers.interrupt();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    if (nodePorts != null) {
      nodePorts.close();
    }
    if (server != null) {
      server.close();
    }
    int left = Processes.killMarked(Path.of("/proc"), Processes.DIR_ENV, options.dir().toString());
    log("stopped" + (left > 0 ? " (killed " + left + " stray processes)" : "; no process left"));
  }

  Duration runFor() {
    return options.runFor();
  }
}
