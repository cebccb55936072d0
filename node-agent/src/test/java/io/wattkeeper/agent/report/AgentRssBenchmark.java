package io.wattkeeper.agent.report;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Steady memory and CPU of the packaged agent: starts a Fabric8 mock API server with 100 pods on
 * node "bench" (and 20 elsewhere), builds the 100-pod / 1,000-process fixture tree with their UIDs,
 * runs target/quarkus-app/quarkus-run.jar against both with the chart's JVM flags for a while, and
 * prints VmRSS/VmHWM and the agent's CPU time. Not a test: see docs/node-agent.md.
 *
 * <p>Args: seconds to run (default 60), then the JVM flags (default the Dockerfile's).
 */
public final class AgentRssBenchmark {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    List<String> flags =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:MaxMetaspaceSize=96m", "-Xss512k");
    // -Dbench.https=true: TLS to the API server as in a cluster (the mock's own certificate as the
    // CA bundle; its name is not localhost, so the agent's JVM skips the host name check only).
    boolean https = Boolean.getBoolean("bench.https");
    KubernetesServer server =
        new KubernetesServer(https, true, InetAddress.getLoopbackAddress(), 0, List.of());
    server.before();
    KubernetesClient client = server.getClient();
    try (InputStream crd = new FileInputStream("../crds/nodeenergyreports.wattkeeper.io-v1.yml")) {
      client
          .resource(
              client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
          .create();
    }
    List<String> uids = new ArrayList<>();
    // -Dbench.pods=N: N pods on the node (default 100), 20 more elsewhere.
    int onNode = Integer.getInteger("bench.pods", 100);
    for (int i = 0; i < onNode + 20; i++) {
      var pod =
          client
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withNamespace("ns" + i % 7)
                      .withName("pod-" + i)
                      .endMetadata()
                      .withNewSpec()
                      .withNodeName(i < onNode ? "bench" : "other")
                      .addNewContainer()
                      .withName("c")
                      .withImage("x")
                      .endContainer()
                      .endSpec()
                      .build())
              .create();
      if (i < onNode) {
        uids.add(pod.getMetadata().getUid());
      }
    }
    Path root = Files.createTempDirectory("agent-rss");
    SampleBenchmark.fixture(root, uids);
    List<String> tls = new ArrayList<>();
    if (https) {
      Path ca = root.resolve("ca.crt");
      Files.writeString(ca, serverCertificatePem(client.getMasterUrl()));
      tls.add("-Dwattkeeper.agent.api.ca-file=" + ca);
      tls.add("-Djdk.internal.httpclient.disableHostnameVerification=true");
    }
    // -Dbench.gpu=true: a GPU node: the fake libnvidia-ml (two GPUs, compiled with gcc) and a
    // PodResources server on a Unix socket that gives the first GPU to pod-0.
    io.wattkeeper.agent.podresources.FakeKubelet kubelet = null;
    if (Boolean.getBoolean("bench.gpu")) {
      var nvml =
          io.wattkeeper.agent.gpu.FakeNvml.create(Files.createDirectories(root.resolve("nvml")))
              .twoGpus();
      Path socket = root.resolve("kubelet.sock");
      kubelet =
          new io.wattkeeper.agent.podresources.FakeKubelet(socket)
              .answer(
                  io.wattkeeper.agent.podresources.PodResourcesFixtures.list(
                      io.wattkeeper.agent.podresources.PodResourcesFixtures.pod(
                          "ns0",
                          "pod-0",
                          io.wattkeeper.agent.podresources.PodResourcesFixtures.container(
                              "c",
                              io.wattkeeper.agent.podresources.PodResourcesFixtures.devices(
                                  "nvidia.com/gpu", "GPU-00000000-1111-2222-3333-444444444444")))));
      tls.add("-Dwattkeeper.agent.gpu.nvml-library=" + nvml.library);
      tls.add("-Dwattkeeper.agent.podresources.socket=" + socket);
    }
    // -Dbench.scrape=S: /q/metrics is scraped every S seconds (default 5; 0: never), as a
    // Prometheus
    // would, alternating the 0.0.4 text and OpenMetrics, so the exposition's cost is counted.
    int scrapeSeconds = Integer.getInteger("bench.scrape", 5);
    int httpPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      httpPort = free.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    // -Dbench.java=/path/to/java runs the agent on another JDK than the benchmark's.
    cmd.add(
        System.getProperty(
            "bench.java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(flags);
    cmd.addAll(tls);
    cmd.addAll(
        List.of(
            "-Dwattkeeper.agent.api.server-url=" + client.getMasterUrl(),
            "-Dwattkeeper.agent.http.port=" + httpPort,
            "-Dwattkeeper.agent.node-name=bench",
            "-Dwattkeeper.agent.pod-field-selector=false",
            "-Dwattkeeper.agent.host-root=" + root,
            "-Dwattkeeper.agent.state-dir=" + root.resolve("state"),
            "-jar",
            "target/quarkus-app/quarkus-run.jar"));
    Process agent =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("agent.log").toFile())
            .start();
    long pid = agent.pid();
    java.util.concurrent.atomic.AtomicInteger scrapes =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger lastBytes =
        new java.util.concurrent.atomic.AtomicInteger();
    if (scrapeSeconds > 0) {
      Thread scraper =
          new Thread(
              () -> {
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                for (int n = 0; ; n++) {
                  try {
                    Thread.sleep(scrapeSeconds * 1000L);
                    java.net.http.HttpResponse<byte[]> r =
                        http.send(
                            java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(
                                        "http://127.0.0.1:" + httpPort + "/q/metrics"))
                                .header(
                                    "Accept",
                                    n % 2 == 0
                                        ? "text/plain;version=0.0.4"
                                        : "application/openmetrics-text;version=1.0.0")
                                .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() == 200) {
                      scrapes.incrementAndGet();
                      lastBytes.set(r.body().length);
                    }
                  } catch (InterruptedException e) {
                    return;
                  } catch (java.io.IOException e) {
                    // not up yet
                  }
                }
              });
      scraper.setDaemon(true);
      scraper.start();
    }
    long start = System.nanoTime();
    long cpuAtWarm = -1;
    for (int t = 10; t <= seconds; t += 10) {
      Thread.sleep(Math.max(0, (start + t * 1_000_000_000L - System.nanoTime()) / 1_000_000));
      if (t == 20) {
        cpuAtWarm = cpuTicks(pid);
      }
      System.out.printf(Locale.ROOT, "t=%3ds %s%n", t, memory(pid));
    }
    long cpuEnd = cpuTicks(pid);
    System.out.printf(
        Locale.ROOT,
        "scrapes of /q/metrics answered: %d (every %d s), last %d bytes%n",
        scrapes.get(),
        scrapeSeconds,
        lastBytes.get());
    NodeEnergyReport report = client.resources(NodeEnergyReport.class).withName("bench").get();
    int pods = report == null || report.getStatus() == null ? -1 : report.getStatus().getPodCount();
    if (report != null && report.getStatus() != null && report.getStatus().getGpus() != null) {
      System.out.println("reported GPUs: " + report.getStatus().getGpus().size());
    }
    System.out.printf(
        Locale.ROOT,
        "flags %s; reported pods %d; agent CPU from t=20s to t=%ds: %.2f s (%.2f%% of one core)%n",
        String.join(" ", flags),
        pods,
        seconds,
        (cpuEnd - cpuAtWarm) / 100.0,
        (cpuEnd - cpuAtWarm) / 100.0 / (seconds - 20) * 100);
    if (Boolean.getBoolean("bench.nmt")) {
      new ProcessBuilder("jcmd", Long.toString(pid), "VM.native_memory", "summary")
          .inheritIO()
          .start()
          .waitFor();
    }
    if (Boolean.getBoolean("bench.threads")) {
      new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print")
          .redirectErrorStream(true)
          .redirectOutput(root.resolve("threads.txt").toFile())
          .start()
          .waitFor();
      System.out.println("threads: " + root.resolve("threads.txt"));
    }
    if (Boolean.getBoolean("bench.histogram")) {
      new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
          .redirectErrorStream(true)
          .redirectOutput(root.resolve("histogram.txt").toFile())
          .start()
          .waitFor();
      System.out.println("histogram: " + root.resolve("histogram.txt"));
    }
    agent.destroy();
    agent.waitFor();
    if (kubelet != null) {
      kubelet.close();
    }
    server.after();
    System.exit(0); // the mock server leaves non-daemon threads behind
  }

  /** The certificate the server presents, as PEM (fetched without checking it). */
  static String serverCertificatePem(java.net.URL url) throws Exception {
    javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
    trustAll.init(
        null,
        new javax.net.ssl.TrustManager[] {
          new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
              return new java.security.cert.X509Certificate[0];
            }
          }
        },
        null);
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket)
            trustAll.getSocketFactory().createSocket(url.getHost(), url.getPort())) {
      socket.startHandshake();
      java.security.cert.Certificate cert = socket.getSession().getPeerCertificates()[0];
      return "-----BEGIN CERTIFICATE-----\n"
          + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    }
  }

  static String memory(long pid) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS")
          || line.startsWith("VmHWM")
          || line.startsWith("RssAnon")
          || line.startsWith("RssFile")) {
        out.append(line.replaceAll("\\s+", " ")).append("  ");
      }
    }
    return out.toString();
  }

  static long cpuTicks(long pid) throws Exception {
    String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
