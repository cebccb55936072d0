package io.wattkeeper.operator.budget;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.operator.testing.Fixtures;
import io.wattkeeper.operator.time.MutableClock;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a benchmark, run with {@code -Dbench=ingest} (see docs/benchmarks.md). The whole
 * operator (Quarkus, JOSDK, Fabric8 informers) against the Fabric8 mock API server: 20,000 pods on
 * 200 nodes, 50 namespaces with one budget each, every node's NodeEnergyReport written through the
 * API every 30 s of report time. Prints the CPU of one report round, the heap after GC, the API
 * writes per minute and the lag from a round's last report write to every budget's status showing
 * it. The mock server, the test's own client and the operator share one JVM, so CPU and heap here
 * are upper bounds for the operator; {@code CacheFedScaleBenchmark} separates the operator's heap.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(IngestionScaleBenchmark.EveryRound.class)
@EnabledIfSystemProperty(named = "bench", matches = "ingest|all")
class IngestionScaleBenchmark {

  /**
   * Usage reaches status with every report round (the default holds it back to once per 60 s of
   * report time, and this benchmark's clock stands still between rounds), so that the lag measured
   * is the path's own: report written, watched, ingested, budget reconciled, status written.
   */
  public static class EveryRound implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("wattkeeper.ledger.status-interval", "0s");
    }
  }

  static final int NODES = Integer.getInteger("bench.nodes", 200);
  static final int PODS = Integer.getInteger("bench.pods", 20_000);
  static final int NAMESPACES = Integer.getInteger("bench.namespaces", 50);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 8);
  static final double WATTS = 100;
  static final Instant T0 = Instant.parse("2026-09-21T08:00:00Z");

  @Inject KubernetesClient client;
  @Inject MutableClock clock;
  @Inject LedgerService ledger;
  @KubernetesTestServer KubernetesServer server;

  /** Requests recorded by the mock server since the last call: {pod writes, budget, other}. */
  int[] drainWrites() throws InterruptedException {
    int[] out = new int[3];
    RecordedRequest r;
    while ((r = server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      String m = r.getMethod();
      String p = r.getPath();
      if (m.equals("GET") || p.contains("/nodeenergyreports")) {
        continue; // reads, and the agents' report writes (not the operator's)
      }
      if (p.contains("/pods/")) {
        out[0]++;
      } else if (p.contains("/energybudgets/")) {
        out[1]++;
      } else {
        out[2]++;
      }
    }
    return out;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Test
  void run() throws Exception {
    clock.set(T0);
    Fixtures f = new Fixtures(client);
    long empty = usedAfterGc();
    for (int n = 0; n < NAMESPACES; n++) {
      f.namespace("team-" + n);
    }
    for (int n = 0; n < NODES; n++) {
      f.node("node-" + n, Map.of(), Map.of());
    }
    // pods[node][i]; pod (node, i) lives in namespace (node * perNode + i) % NAMESPACES.
    int perNode = PODS / NODES;
    Pod[][] pods = new Pod[NODES][perNode];
    long setup = System.nanoTime();
    for (int n = 0; n < NODES; n++) {
      for (int i = 0; i < perNode; i++) {
        String ns = "team-" + ((n * perNode + i) % NAMESPACES);
        pods[n][i] =
            client
                .pods()
                .inNamespace(ns)
                .resource(pod(ns, "p-" + n + "-" + i, "node-" + n, T0.minusSeconds(3600)))
                .create();
      }
      drainWrites(); // the mock server records every request: keep its queue short
    }
    for (int n = 0; n < NAMESPACES; n++) {
      f.budget(
          "team-" + n,
          "budget",
          new EnergyBudgetSpec(
              null,
              null,
              new EnergyBudgetSpec.Limits("1000MWh", null, null),
              null,
              null,
              null,
              null));
    }
    for (int n = 0; n < NAMESPACES; n++) {
      f.awaitReconciled("team-" + n, "budget");
    }
    System.out.printf(
        "ingest: %d pods on %d nodes, %d budgets created in %.1f s%n",
        PODS, NODES, NAMESPACES, (System.nanoTime() - setup) / 1e9);
    drainWrites();

    double perBudgetIntervalWh = (PODS / (double) NAMESPACES) * WATTS * 30 / 3600;
    long[] cpu = new long[ROUNDS];
    List<Long> lags = new ArrayList<>();
    int[] writes = new int[3];
    double[] lastUsed = new double[NAMESPACES];
    long start = System.nanoTime();
    for (int k = 0; k < ROUNDS; k++) {
      int seq = k + 1;
      Instant t = T0.plusSeconds(30L * seq);
      clock.set(t);
      long cpu0 = processCpuNanos();
      for (int n = 0; n < NODES; n++) {
        writeReport(n, seq, t, pods[n]);
      }
      long written = System.nanoTime();
      for (int n = 0; n < NODES; n++) {
        String node = "node-" + n;
        while (!ledger.lastReport(node).map(t::equals).orElse(false)) {
          Thread.sleep(5);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      for (int b = 0; b < NAMESPACES; b++) {
        // Round 1 charges each pod from its start (a node new to the ledger); later rounds one
        // interval each.
        double want = k == 0 ? 0 : lastUsed[b] + 0.5 * perBudgetIntervalWh;
        double used;
        while ((used = used("team-" + b)) <= want) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "team-"
                    + b
                    + " status "
                    + used
                    + " <= "
                    + want
                    + ": "
                    + client
                        .getKubernetesSerialization()
                        .asJson(
                            client
                                .resources(EnergyBudget.class)
                                .inNamespace("team-" + b)
                                .withName("budget")
                                .get()
                                .getStatus()));
          }
          Thread.sleep(20);
        }
        lastUsed[b] = used;
      }
      lags.add(System.nanoTime() - written);
      cpu[k] = processCpuNanos() - cpu0;
      int[] w = drainWrites();
      for (int i = 0; i < 3; i++) {
        writes[i] += w[i];
      }
    }
    double wallMin = (System.nanoTime() - start) / 60e9;
    double reportMin = ROUNDS * 30 / 60.0;
    long loaded = usedAfterGc();
    long[] sorted = cpu.clone();
    Arrays.sort(sorted);
    long[] lag = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "ingest: process CPU per report round (%d reports of %d pods written, read back, ingested;"
            + " operator + mock API server + test client): median %.0f ms, max %.0f ms, first"
            + " %.0f ms (%d rounds)%n",
        NODES, perNode, sorted[ROUNDS / 2] / 1e6, sorted[ROUNDS - 1] / 1e6, cpu[0] / 1e6, ROUNDS);
    System.out.printf(
        "ingest: lag from a round's last report write to every budget's status showing it:"
            + " median %.0f ms, max %.0f ms (%d rounds)%n",
        lag[lag.length / 2] / 1e6, lag[lag.length - 1] / 1e6, lag.length);
    System.out.printf(
        "ingest: operator API writes over %.1f min of report time (%.1f min wall): pod %d, budget"
            + " %d, other %d; per report minute %.0f (pods %.0f), per wall minute %.0f%n",
        reportMin,
        wallMin,
        writes[0],
        writes[1],
        writes[2],
        (writes[0] + writes[1] + writes[2]) / reportMin,
        writes[0] / reportMin,
        (writes[0] + writes[1] + writes[2]) / wallMin);
    System.out.printf(
        "ingest: heap after GC %.1f MiB, empty %.1f MiB: %.0f B per pod (operator and the mock"
            + " server's stored objects together)%n",
        loaded / 1048576.0, empty / 1048576.0, (loaded - empty) / (double) PODS);
  }

  double used(String ns) {
    EnergyBudget b = client.resources(EnergyBudget.class).inNamespace(ns).withName("budget").get();
    if (b == null || b.getStatus() == null || b.getStatus().getUsed() == null) {
      return 0;
    }
    Double wh = b.getStatus().getUsed().getEnergyWh();
    return wh == null ? 0 : wh;
  }

  void writeReport(int n, int seq, Instant t, Pod[] onNode) {
    String node = "node-" + n;
    NodeEnergyReport r = client.resources(NodeEnergyReport.class).withName(node).get();
    if (r == null) {
      NodeEnergyReport fresh = new NodeEnergyReport();
      fresh.getMetadata().setName(node);
      r = client.resources(NodeEnergyReport.class).resource(fresh).create();
    }
    List<NodeEnergyReportStatus.PodEnergy> entries = new ArrayList<>(onNode.length);
    for (Pod p : onNode) {
      // Counters since the pod started an hour before T0.
      entries.add(Fixtures.energy(p, WATTS * (3600 + 30.0 * seq), 0, WATTS));
    }
    r.setStatus(
        new NodeEnergyReportStatus()
            .setAgent(
                new NodeEnergyReportStatus.Agent()
                    .setCounterEpoch("e1")
                    .setSequence((long) seq)
                    .setVersion("bench"))
            .setTimestamp(t.toString())
            .setIntervalSeconds(30)
            .setSources(
                new NodeEnergyReportStatus.Sources()
                    .setCpu("rapl")
                    .setMemory("rapl")
                    .setGpu("none")
                    .setSummary("rapl"))
            .setPodCount(entries.size())
            .setPods(entries));
    client.resources(NodeEnergyReport.class).resource(r).updateStatus();
  }

  static Pod pod(String ns, String name, String node, Instant started) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(Map.of("app", "svc"))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("main")
        .withImage("example/model:1")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withStartTime(started.toString())
        .endStatus()
        .build();
  }

  static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
