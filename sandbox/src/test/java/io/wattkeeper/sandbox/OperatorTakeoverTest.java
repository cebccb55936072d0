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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real operator processes elect a leader on a Lease of the sandbox's API (the chart's setup):
 * the standby answers the CSV export from its mirror of the ledger, with the leader's figures; the
 * leader is killed (SIGKILL) after it put the idle {@code inference} Deployment to sleep; the
 * standby takes the Lease within the lease duration (6 s here) plus a retry, never scales that
 * Deployment again, and its ledger, rebuilt from the checkpoints as after a restart, charges the
 * trainer pod exactly what the agent reported (nothing lost). Needs the packaged operator, agent
 * and activator (built before this module by the reactor).
 */
@EnabledOnOs(OS.LINUX)
class OperatorTakeoverTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String LEASE = "/apis/coordination.k8s.io/v1/namespaces/wattkeeper/leases/";
  static final String CSV = "/api/v1/namespaces/demo/energybudgets/observe/usage.csv?extended=true";
  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theStandbyServesAndTakesOverWithoutDoubleScaleOrLostEnergy(@TempDir Path dir)
      throws Exception {
    Path home = Path.of("").toAbsolutePath().getParent();
    SandboxTesting.assumePackaged(home);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Options options =
        new Options(dir, null, false, 0, home, new Options.DemoTiming("10s", "1000Wh", 2), 2);
    try (Sandbox sandbox =
        new Sandbox(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
      sandbox.start();
      String api = sandbox.url();
      Map<String, Sandbox.Replica> byName = new HashMap<>();
      sandbox.operators().forEach(r -> byName.put(r.name(), r));
      assertThat(byName).containsOnlyKeys("operator-0", "operator-1");
      // Both replicas ready (the standby too: its informers run) before the demo's pods exist,
      // so that both charge them from zero and their figures can be compared exactly.
      for (Sandbox.Replica r : byName.values()) {
        await()
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .until(() -> status(r, "/q/health/ready") == 200);
      }
      sandbox.startDemo();

      String leaderName =
          await()
              .atMost(Duration.ofMinutes(2))
              .ignoreExceptions()
              .until(
                  () -> get(api, LEASE + "wattkeeper-operator").at("/spec/holderIdentity").asText(),
                  byName::containsKey);
      Sandbox.Replica leader = byName.get(leaderName);
      Sandbox.Replica standby =
          byName.get(leaderName.equals("operator-0") ? "operator-1" : "operator-0");

      // The leader puts idle inference to sleep, once.
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(
              () -> get(api, "/apis/apps/v1/namespaces/demo/deployments/inference"),
              d ->
                  d.at("/spec/replicas").asInt(-1) == 0
                      && "2"
                          .equals(
                              d.at("/metadata/annotations/wattkeeper.io~1replicas-before-sleep")
                                  .asText()));
      // The Event follows the scale.
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> sleepingEvents(api) > 0);
      assertThat(sleepingEvents(api)).isEqualTo(1);

      // Every replica answers the export: the standby from its mirror, with the leader's figures
      // (both read the same reports; compared once both have read the same one).
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                Map<String, Double> fromLeader = energyByPod(csv(leader));
                Map<String, Double> fromStandby = energyByPod(csv(standby));
                assertThat(fromLeader).isNotEmpty();
                assertThat(fromStandby).isEqualTo(fromLeader);
              });

      // The trainer's reported and the budget's charged energy at one report sequence.
      Reading beforeKill =
          await()
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(500))
              .ignoreExceptions()
              .until(() -> settled(api, leader), r -> r != null);

      // The leader dies at once, without giving up its Lease.
      long killed = System.nanoTime();
      sandbox.kill(leader);
      Instant lastRenew =
          Instant.parse(get(api, LEASE + "wattkeeper-operator").at("/spec/renewTime").asText());
      JsonNode taken =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .ignoreExceptions()
              .until(
                  () -> get(api, LEASE + "wattkeeper-operator"),
                  l -> standby.name().equals(l.at("/spec/holderIdentity").asText()));
      double takeover = (System.nanoTime() - killed) / 1e9;
      // The Lease's own clock: from the dead leader's last renewal to the standby's acquisition.
      // It cannot be below the lease duration; a candidate checks every retry period (1 s, up to
      // 1.2 s with the client's jitter).
      double sinceRenew =
          Duration.between(lastRenew, Instant.parse(taken.at("/spec/acquireTime").asText()))
                  .toMillis()
              / 1000.0;
      System.out.printf(
          "takeover after %.1f s from the kill, %.1f s after the last renewal (lease 6 s, retry"
              + " 1 s)%n",
          takeover, sinceRenew);
      assertThat(sinceRenew).isBetween(6.0, 6 + 1.2 + 2.0); // 2 s for a loaded machine
      assertThat(takeover).isLessThan(6 + 1 + 3);

      // Nothing lost across the takeover: what the budget was charged since the kill (the trainer
      // is the demo's only running pod) equals what the agent reported since, each pair read at
      // one report sequence.
      Reading after =
          await()
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(500))
              .ignoreExceptions()
              .until(
                  () -> settled(api, standby), r -> r != null && r.sequence > beforeKill.sequence);
      double reported = after.reportedKwh - beforeKill.reportedKwh;
      double charged = after.chargedKwh - beforeKill.chargedKwh;
      System.out.printf(
          "trainer across the takeover: reported %.9f kWh, charged %.9f kWh%n", reported, charged);
      assertThat(reported).isPositive();
      assertThat(charged).isCloseTo(reported, within(after.reportedKwh));

      // No double scale: inference stays asleep with its recorded count; one Sleeping Event.
      Thread.sleep(15_000); // three report intervals of the new leader
      JsonNode inference = get(api, "/apis/apps/v1/namespaces/demo/deployments/inference");
      assertThat(inference.at("/spec/replicas").asInt()).isZero();
      assertThat(
              inference.at("/metadata/annotations/wattkeeper.io~1replicas-before-sleep").asText())
          .isEqualTo("2");
      assertThat(sleepingEvents(api)).isEqualTo(1);
      assertThat(
              get(api, "/apis/apps/v1/namespaces/demo/deployments/trainer")
                  .at("/spec/replicas")
                  .asInt())
          .isEqualTo(1);
      // The killed replica was started again, as a standby.
      await().atMost(Duration.ofSeconds(30)).until(leader::alive);
    } finally {
      for (String log : List.of("operator-0.log", "operator-1.log")) {
        Path p = dir.resolve("logs").resolve(log);
        if (Files.exists(p)) {
          List<String> lines = Files.readAllLines(p);
          System.out.println(
              log
                  + " (last 40 lines):\n"
                  + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
      }
    }
    assertThat(Processes.marked(Path.of("/proc"), Processes.DIR_ENV, dir.toString()))
        .as("processes left after the sandbox stopped")
        .isEmpty();
  }

  private static org.assertj.core.data.Offset<Double> within(double kwh) {
    // The export prints nine significant digits of each total.
    return org.assertj.core.data.Offset.offset(Math.max(1e-9, kwh * 1e-6));
  }

  /** The trainer's reported energy and what a replica's export charged, at one report sequence. */
  record Reading(long sequence, double reportedKwh, double chargedKwh) {}

  /**
   * A reading that holds for 2 s at one report sequence (the replica has ingested that report: the
   * leader reads each report as its watch delivers it, within a second); null otherwise.
   */
  private Reading settled(String api, Sandbox.Replica replica) throws Exception {
    Reading first = reading(api, replica);
    Thread.sleep(2000);
    Reading second = reading(api, replica);
    return first != null && first.equals(second) ? first : null;
  }

  /**
   * Null when a report came between the reads, the report lists another pod of the demo than the
   * trainer (inference's ended pods, whose last energy may still be on its way), or the export has
   * no row for the trainer. Charged: the budget's whole export, its row of usage restored after a
   * takeover included (per-pod rows start again at a takeover; the budget's total must not).
   */
  private Reading reading(String api, Sandbox.Replica replica) throws Exception {
    JsonNode before = report(api);
    Map<String, Double> charged = energyByPod(csv(replica));
    JsonNode after = report(api);
    long seq = before.at("/status/agent/sequence").asLong();
    if (after.at("/status/agent/sequence").asLong() != seq) {
      return null;
    }
    JsonNode trainer = null;
    for (JsonNode p : before.at("/status/pods")) {
      if (!p.path("namespace").asText().equals("demo")) {
        continue;
      }
      if (!p.path("name").asText().startsWith("trainer-") || trainer != null) {
        return null;
      }
      trainer = p;
    }
    if (trainer == null || !charged.containsKey(trainer.path("name").asText())) {
      return null;
    }
    double reported =
        (trainer.path("cpuJoules").asDouble()
                + trainer.path("memoryJoules").asDouble()
                + trainer.path("gpuJoules").asDouble())
            / 3.6e6;
    double total = charged.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Reading(seq, reported, total);
  }

  private JsonNode report(String api) throws Exception {
    return get(api, "/apis/wattkeeper.io/v1alpha1/nodeenergyreports/" + Sandbox.NODE_NAME);
  }

  private int status(Sandbox.Replica r, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private int sleepingEvents(String api) throws Exception {
    int n = 0;
    for (JsonNode e : get(api, "/api/v1/namespaces/demo/events").get("items")) {
      if (e.path("reason").asText().equals("Sleeping")
          && e.at("/involvedObject/kind").asText().equals("Deployment")
          && e.at("/involvedObject/name").asText().equals("inference")) {
        n += Math.max(1, e.path("count").asInt(1));
      }
    }
    return n;
  }

  private String csv(Sandbox.Replica r) throws Exception {
    HttpResponse<String> resp =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + CSV))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IllegalStateException(r.name() + ": " + resp.statusCode() + " " + resp.body());
    }
    return resp.body();
  }

  /** energy_consumed (kWh) by the extended export's pod column. */
  static Map<String, Double> energyByPod(String csv) {
    String[] lines = csv.split("\n");
    List<String> header = List.of(lines[0].split(",", -1));
    int energy = header.indexOf("energy_consumed");
    int pod = header.indexOf("pod");
    Map<String, Double> out = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].split(",", -1);
      out.put(cells[pod], Double.parseDouble(cells[energy]));
    }
    return out;
  }

  private JsonNode get(String api, String path) throws Exception {
    return SandboxTesting.get(http, api, path);
  }
}
