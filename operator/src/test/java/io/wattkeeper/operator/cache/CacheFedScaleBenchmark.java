package io.wattkeeper.operator.cache;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.operator.carbon.IntensityResolver;
import io.wattkeeper.operator.ledger.CachedPods;
import io.wattkeeper.operator.ledger.ClusterView;
import io.wattkeeper.operator.ledger.Ledger;
import io.wattkeeper.operator.ledger.ReportChecks;
import io.wattkeeper.operator.ledger.ReportSample;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a benchmark, run with {@code -Dbench=cache} (see docs/benchmarks.md). 150,000 pods on
 * 5,000 nodes (30 each), 500 namespaces with one budget each, fed straight into the operator's
 * caches and ledger (no API server): heap after GC per pod for each part, and the CPU of one report
 * round (every node's report parsed and ingested, every budget's account rolled and its matched
 * pods counted). Prints figures; asserts nothing about time.
 */
@EnabledIfSystemProperty(named = "bench", matches = "cache|all")
public class CacheFedScaleBenchmark {

  static final int NODES = Integer.getInteger("bench.nodes", 5_000);
  public static final int PODS_PER_NODE = Integer.getInteger("bench.podsPerNode", 30);
  static final int NAMESPACES = Integer.getInteger("bench.namespaces", 500);
  // Report informers holding a copy of every report: the ledger reconciler's (the actions
  // reconciler's own keeps keys only, KeysOnlyStore; it held a second copy before).
  static final int REPORT_COPIES = Integer.getInteger("bench.reportCopies", 1);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 8);
  public static final io.fabric8.kubernetes.api.model.Node NODE_OBJECT =
      new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().endMetadata().build();

  static final ReportChecks.Limits LIMITS =
      new ReportChecks.Limits(java.time.Duration.ofMinutes(2), 25_000, 30);

  public static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");

  static String uid(int node, int pod) {
    return String.format("%08x-0000-4000-8000-%012x", node, pod);
  }

  static String ns(int node, int pod) {
    return "team-" + ((node * PODS_PER_NODE + pod) % NAMESPACES);
  }

  /** A pod as the API server sends it (one container, env, resources, owner, conditions). */
  public static Pod pod(int node, int i) {
    String app = "app-" + (i % 7);
    return new PodBuilder()
        .withNewMetadata()
        .withName(app + "-" + Integer.toHexString(node * 1000 + i) + "-x7k2p")
        .withNamespace(ns(node, i))
        .withUid(uid(node, i))
        .withResourceVersion(Integer.toString(100_000 + node * 100 + i))
        .withCreationTimestamp("2026-09-15T08:00:00Z")
        .withLabels(
            Map.of("app", app, "team", i % 2 == 0 ? "a" : "b", "pod-template-hash", "5d8f7c9b4"))
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(app + "-5d8f7c9b4")
        .withUid("rs-" + app)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-" + node)
        .addToContainers(
            new ContainerBuilder()
                .withName("main")
                .withImage("registry.example/ml/" + app + ":1.4.2")
                .withArgs("--model", "/models/llm", "--port", "8080")
                .addNewEnv()
                .withName("MODEL_PATH")
                .withValue("/models/llm")
                .endEnv()
                .addNewEnv()
                .withName("WORKERS")
                .withValue("4")
                .endEnv()
                .withNewResources()
                .addToRequests("cpu", new Quantity("2"))
                .addToRequests("memory", new Quantity("8Gi"))
                .addToLimits("memory", new Quantity("8Gi"))
                .endResources()
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .build())
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withStartTime("2026-09-15T08:00:05Z")
        .withPodIP("10.1." + (node % 250) + "." + i)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  public static NodeEnergyReport report(int node, int seq) {
    List<NodeEnergyReportStatus.PodEnergy> pods = new ArrayList<>(PODS_PER_NODE);
    for (int i = 0; i < PODS_PER_NODE; i++) {
      double j = 30.0 * (50 + i) * seq;
      String app = "app-" + (i % 7);
      pods.add(
          new NodeEnergyReportStatus.PodEnergy()
              .setUid(uid(node, i))
              .setNamespace(ns(node, i))
              .setName(app + "-" + Integer.toHexString(node * 1000 + i) + "-x7k2p")
              .setCpuJoules(j)
              .setMemoryJoules(j / 10)
              .setGpuJoules(0.0)
              .setCpuWatts(50.0 + i)
              .setMemoryWatts(5.0)
              .setCpuCores(0.5)
              .setNetworkReceiveBytesPerSecond(1200.0)
              .setEstimated(false));
    }
    NodeEnergyReport r = new NodeEnergyReport();
    r.getMetadata().setName("node-" + node);
    r.getMetadata().setResourceVersion(Integer.toString(seq * 10_000 + node));
    r.setStatus(
        new NodeEnergyReportStatus()
            .setAgent(
                new NodeEnergyReportStatus.Agent()
                    .setCounterEpoch("e1")
                    .setSequence((long) seq)
                    .setVersion("0.1.0"))
            .setTimestamp(T0.plusSeconds(30L * seq).toString())
            .setIntervalSeconds(30)
            .setSources(
                new NodeEnergyReportStatus.Sources()
                    .setCpu("rapl")
                    .setMemory("rapl")
                    .setGpu("none")
                    .setSummary("rapl"))
            .setPodCount(PODS_PER_NODE)
            .setPods(pods));
    return r;
  }

  public static List<EnergyBudget> budgets() {
    List<EnergyBudget> out = new ArrayList<>();
    for (int n = 0; n < NAMESPACES; n++) {
      EnergyBudget b = new EnergyBudget();
      b.getMetadata().setNamespace("team-" + n);
      b.getMetadata().setName("budget");
      b.getMetadata().setGeneration(1L);
      b.setSpec(
          new EnergyBudgetSpec(
              new LabelSelectorBuilder().withMatchLabels(Map.of("team", "a")).build(),
              new EnergyBudgetSpec.Period("Calendar", "Month", null, "Europe/Berlin"),
              new EnergyBudgetSpec.Limits("500kWh", "150kg", null),
              List.of(80, 95),
              null,
              null,
              null));
      out.add(b);
    }
    return out;
  }

  /** What the operator holds; fields, so that each part can be dropped and measured. */
  static final class Held {
    SlimPodStore store = new SlimPodStore();
    List<List<NodeEnergyReport>> copies = new ArrayList<>();
    Ledger ledger =
        new Ledger(1.0, 6, new IntensityResolver(CarbonIntensityTable.builtIn(), Optional.empty()));
  }

  @Test
  void run() {
    int pods = NODES * PODS_PER_NODE;
    Held h = new Held();
    long[] cpu = fill(h, budgets());
    // Each part's share: the heap after GC with it, minus the heap after GC once it is dropped.
    long all = usedAfterGc();
    h.copies = null;
    long withoutReports = usedAfterGc();
    h.ledger = null;
    long withoutLedger = usedAfterGc();
    h.store = null;
    long none = usedAfterGc();

    long[] sorted = cpu.clone();
    Arrays.sort(sorted);
    double reports = (all - withoutReports) / (double) pods;
    double ledgerBytes = (withoutReports - withoutLedger) / (double) pods;
    double podCache = (withoutLedger - none) / (double) pods;
    System.out.printf(
        "cache-fed: %d pods, %d nodes, %d budgets; heap after GC per pod: pod cache %.0f B,"
            + " reports %.0f B (%d cached copies), ledger %.0f B; total %.0f B/pod"
            + " (%.1f MiB over the heap without them, %.1f MiB)%n",
        pods,
        NODES,
        NAMESPACES,
        podCache,
        reports,
        REPORT_COPIES,
        ledgerBytes,
        podCache + reports + ledgerBytes,
        (all - none) / 1048576.0,
        none / 1048576.0);
    System.out.printf(
        "cache-fed: CPU of one report round (%d reports parsed and ingested, %d budgets rolled and"
            + " matched): median %.0f ms, max %.0f ms, first %.0f ms (%d rounds)%n",
        NODES,
        NAMESPACES,
        sorted[ROUNDS / 2] / 1e6,
        sorted[ROUNDS - 1] / 1e6,
        cpu[0] / 1e6,
        ROUNDS);
  }

  /**
   * Fills the pod cache, runs the report rounds, leaves the newest reports cached; CPU per round.
   */
  static long[] fill(Held h, List<EnergyBudget> budgets) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int pods = NODES * PODS_PER_NODE;
    for (int n = 0; n < NODES; n++) {
      for (int i = 0; i < PODS_PER_NODE; i++) {
        Pod p = pod(n, i);
        h.store.put(h.store.getKey(p), p);
      }
    }
    h.ledger.warm(); // every pod counts from zero: budgets get per-pod rows too
    long[] cpu = new long[ROUNDS];
    for (int k = 0; k < ROUNDS; k++) {
      int seq = k + 1;
      List<NodeEnergyReport> round = new ArrayList<>(NODES);
      for (int n = 0; n < NODES; n++) {
        round.add(report(n, seq));
      }
      ClusterView view =
          new ClusterView(
              () -> round.stream(),
              new CachedPods(h.store),
              node -> Optional.of(NODE_OBJECT), // every report's node exists (the checks ask)
              budgets,
              Optional.of("DE"),
              b -> BudgetValidator.validate(b.getSpec()));
      Instant now = T0.plusSeconds(30L * seq);
      Ledger l = h.ledger;
      long start = mx.getCurrentThreadCpuTime();
      // The operator's one path: every report checked (placement, bounds, time), then ingested.
      ReportChecks.Cluster placements = view.placements();
      view.reports()
          .forEach(
              r -> {
                ReportSample s =
                    ReportChecks.check(r, now, LIMITS, placements, l.tracker()).sample();
                if (s != null) {
                  l.ingest(s, view, now);
                }
              });
      int matched = 0;
      for (EnergyBudget b : budgets) {
        Ledger.BudgetRef ref = view.ref(b).orElseThrow();
        l.account(ref, now);
        matched += view.matchedPods(ref);
      }
      cpu[k] = mx.getCurrentThreadCpuTime() - start;
      if (matched != pods / 2) {
        throw new IllegalStateException("matched " + matched);
      }
    }
    // The report informers hold the newest version of every report, each its own copy.
    for (int c = 0; c < REPORT_COPIES; c++) {
      List<NodeEnergyReport> reports = new ArrayList<>(NODES);
      for (int n = 0; n < NODES; n++) {
        reports.add(report(n, ROUNDS));
      }
      h.copies.add(reports);
    }
    if (h.ledger.pods().size() != pods || h.store.size() != pods) {
      throw new IllegalStateException(h.ledger.pods().size() + " accounts, " + h.store.size());
    }
    return cpu;
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
