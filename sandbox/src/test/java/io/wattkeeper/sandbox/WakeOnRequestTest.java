package io.wattkeeper.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattkeeper.sandbox.node.Processes;
import java.io.ByteArrayOutputStream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wake on request end to end in the sandbox: the real operator puts the demo's {@code inference}
 * Deployment to sleep when idle and routes its NodePort Service to the real activator (a child
 * process); a plain HTTP request to the NodePort then returns the model's answer after its
 * start-up, and the Deployment is back at its recorded replica count. Needs the packaged operator,
 * node agent and activator (built before this module by the reactor).
 */
@EnabledOnOs(OS.LINUX)
class WakeOnRequestTest {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void requestToASleepingServiceWakesItAndGetsTheAnswer(@TempDir Path dir) throws Exception {
    Path home = Path.of("").toAbsolutePath().getParent();
    SandboxTesting.assumePackaged(home);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Options options =
        new Options(dir, null, true, 0, home, new Options.DemoTiming("10s", "0.05Wh", 2), 1);
    try (Sandbox sandbox =
        new Sandbox(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
      sandbox.start();
      String api = sandbox.url();
      // The operator's idle rule puts inference to sleep, and routes its Service to the activator.
      JsonNode asleep =
          await()
              .atMost(Duration.ofMinutes(4))
              .pollInterval(Duration.ofSeconds(1))
              .ignoreExceptions()
              .until(
                  () -> get(api, "/apis/apps/v1/namespaces/demo/deployments/inference"),
                  d ->
                      d.at("/spec/replicas").asInt(-1) == 0
                          && d.at("/metadata/annotations")
                              .has("wattkeeper.io/replicas-before-sleep"));
      int recorded =
          Integer.parseInt(
              asleep
                  .at("/metadata/annotations")
                  .get("wattkeeper.io/replicas-before-sleep")
                  .asText());
      assertThat(recorded).isEqualTo(2);
      await()
          .atMost(Duration.ofMinutes(1))
          .ignoreExceptions()
          .until(
              () ->
                  get(
                          api,
                          "/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices/inference-wattkeeper-activator")
                      .at("/endpoints/0/addresses/0")
                      .asText(),
              a -> a.equals("127.0.0.1"));
      JsonNode service = get(api, "/api/v1/namespaces/demo/services/inference");
      int nodePort = service.at("/spec/ports/0/nodePort").asInt();
      // The activator listens once it has seen the slice; then a plain request, as curl would.
      HttpResponse<String> r =
          await()
              .atMost(Duration.ofMinutes(1))
              .ignoreExceptions()
              .until(
                  () ->
                      http.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + nodePort + "/predict?x=2"))
                              .timeout(Duration.ofMinutes(3))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()),
                  x -> x != null);

      assertThat(r.statusCode()).withFailMessage("%s %s", r.statusCode(), r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"model\":\"tiny-mlp\"", "\"prediction\"");
      JsonNode woken = get(api, "/apis/apps/v1/namespaces/demo/deployments/inference");
      assertThat(woken.at("/spec/replicas").asInt()).isEqualTo(recorded);
      assertThat(woken.at("/metadata/annotations").has("wattkeeper.io/replicas-before-sleep"))
          .isFalse();
      // Awake and Ready: the activator leaves the path.
      await()
          .atMost(Duration.ofMinutes(1))
          .ignoreExceptions()
          .until(
              () ->
                  slices(api).stream().noneMatch(n -> n.equals("inference-wattkeeper-activator")));
      List<String> reasons = new ArrayList<>();
      get(api, "/api/v1/namespaces/demo/events")
          .get("items")
          .forEach(e -> reasons.add(e.get("reason").asText()));
      assertThat(reasons).contains("Sleeping", "Waking", "Woken");
      // The activator's metrics: one wake asked, one cold start observed, nothing held now.
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "activator started .*metrics (http://127\\.0\\.0\\.1:\\d+/metrics)")
              .matcher(console.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).as("the sandbox prints the activator's metrics address").isTrue();
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create(m.group(1)))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      String w = "{namespace=\"demo\",workload=\"deployment/inference\"}";
      assertThat(metrics)
          .contains("wattkeeper_activator_wakes_total" + w + " 1")
          .contains("wattkeeper_activator_cold_start_seconds_count" + w + " 1")
          .contains("wattkeeper_activator_held_connections" + w + " 0");
      // The user's Service was routed through an EndpointSlice of the operator's, never edited.
      assertThat(
              get(api, "/api/v1/namespaces/demo/services/inference")
                  .at("/metadata/resourceVersion")
                  .asText())
          .isEqualTo(service.at("/metadata/resourceVersion").asText());
    } finally {
      Path log = dir.resolve("logs/activator.log");
      if (Files.exists(log)) {
        System.out.println("activator log:\n" + Files.readString(log));
      }
    }
    assertThat(Processes.marked(Path.of("/proc"), Processes.DIR_ENV, dir.toString()))
        .as("processes left after the sandbox stopped")
        .isEmpty();
  }

  private List<String> slices(String api) throws Exception {
    List<String> names = new ArrayList<>();
    get(api, "/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices")
        .get("items")
        .forEach(s -> names.add(s.at("/metadata/name").asText()));
    return names;
  }

  private JsonNode get(String api, String path) throws Exception {
    return SandboxTesting.get(http, api, path);
  }
}
