package io.wattkeeper.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.agent.functionalunit.ScrapeTarget;
import io.wattkeeper.agent.testing.HostFixture;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The running agent scrapes the opted-in pods it learns from the pod watch (IP and annotations) and
 * reports their counts next to their joules; a pod whose server cannot be reached is reported with
 * unknown counts and a warning.
 */
@QuarkusTest
@TestProfile(FunctionalUnitReportTest.Profile.class)
@WithKubernetesTestServer(setup = FunctionalUnitReportTest.Setup.class)
class FunctionalUnitReportTest {
  static final String NODE = "node-fu";
  static volatile String SERVING;
  static volatile String UNREACHABLE;
  static final Path ROOT = createFixture();
  static final AtomicLong REQUESTS = new AtomicLong(100);
  static final HttpServer VLLM = startServer();

  @KubernetesTestServer KubernetesServer server;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public java.util.Set<Class<?>> getEnabledAlternatives() {
      return java.util.Set.of(TestGpuMeter.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "wattkeeper.agent.host-root", ROOT.toString(),
          "wattkeeper.agent.state-dir", ROOT.resolve("state").toString(),
          "wattkeeper.agent.node-name", NODE,
          "wattkeeper.agent.pod-field-selector", "false",
          "wattkeeper.agent.sample-interval", "1s",
          "wattkeeper.agent.report-interval", "1s",
          "wattkeeper.agent.functional-units.scrape-timeout", "500ms");
    }
  }

  public static class Setup implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      KubernetesClient client = server.getClient();
      try (InputStream crd =
          new FileInputStream("../crds/nodeenergyreports.wattkeeper.io-v1.yml")) {
        client
            .resource(
                client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
            .create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int closed;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closed = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SERVING = create(client, "llm", VLLM.getAddress().getPort());
      UNREACHABLE = create(client, "llm-down", closed);
      HostFixture f = new HostFixture(ROOT).cgroups(true, true);
      f.pod(SERVING, "guaranteed", 1_000_000, 500_000_000, 401).netDev(401, 1000, 0);
      f.pod(UNREACHABLE, "burstable", 2_000_000, 900_000_000, 402).netDev(402, 1000, 0);
    }

    static String create(KubernetesClient client, String name, int port) {
      Pod p = AgentReportTest.pod("ml", name, NODE, "1");
      p.getMetadata()
          .setAnnotations(
              Map.of(ScrapeTarget.PROFILE, "vllm", ScrapeTarget.PORT, String.valueOf(port)));
      Pod created = client.resource(p).create();
      created.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
      created.getStatus().setPodIP("127.0.0.1");
      client.resource(created).updateStatus();
      return created.getMetadata().getUid();
    }
  }

  static HttpServer startServer() {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      s.createContext(
          "/metrics",
          ex -> {
            long r = REQUESTS.get();
            byte[] b =
                ("# TYPE vllm:request_success_total counter\n"
                        + "vllm:request_success_total{finished_reason=\"stop\"} "
                        + r
                        + ".0\n# TYPE vllm:prompt_tokens_total counter\n"
                        + "vllm:prompt_tokens_total 1e3\n"
                        + "# TYPE vllm:generation_tokens_total counter\n"
                        + "vllm:generation_tokens_total "
                        + r * 200
                        + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(b);
            }
          });
      s.start();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path createFixture() {
    try {
      Path root = Files.createTempDirectory("agent-fu-fixture");
      new HostFixture(root).machine("Mystery CPU", 4, true).cgroups(true, true);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  NodeEnergyReportStatus status() {
    NodeEnergyReport r = server.getClient().resources(NodeEnergyReport.class).withName(NODE).get();
    return r == null ? null : r.getStatus();
  }

  PodEnergy pod(NodeEnergyReportStatus s, String uid) {
    return s.getPods().stream().filter(p -> p.getUid().equals(uid)).findFirst().orElse(null);
  }

  @Test
  void reportsCountsOfOptedInPodsAndUnknownForUnreachableOnes() {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              NodeEnergyReportStatus s = status();
              PodEnergy llm = pod(s, SERVING);
              assertThat(llm.getRequests()).isEqualTo(100.0);
              assertThat(llm.getGeneratedTokens()).isEqualTo(20_000.0);
              assertThat(llm.getPromptTokens()).isEqualTo(1000.0);
              assertThat(llm.getUnitsProfile()).isEqualTo("vllm");
              PodEnergy down = pod(s, UNREACHABLE);
              assertThat(down.getRequests()).isNull();
              assertThat(down.getGeneratedTokens()).isNull();
              assertThat(down.getCpuJoules()).isNotNull();
              assertThat(s.getWarnings())
                  .anySatisfy(w -> assertThat(w).contains("functional units of pod ml/llm-down"));
            });
    REQUESTS.set(130);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(pod(status(), SERVING).getRequests()).isEqualTo(130.0));
    REQUESTS.set(5); // the server restarted: 5 served since, added on top
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(pod(status(), SERVING).getRequests()).isEqualTo(135.0));
  }
}
