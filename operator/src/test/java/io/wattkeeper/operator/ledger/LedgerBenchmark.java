package io.wattkeeper.operator.ledger;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.operator.carbon.IntensityResolver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Not a test: {@code java -cp ... io.wattkeeper.operator.ledger.LedgerBenchmark}. Measures the CPU
 * time of feeding the ledger one cluster interval (1,000 reports of 100 pods each, 10 namespaces
 * with 2 budgets each, label selectors matched per pod) and the heap per tracked pod. Figures go to
 * docs/ledger.md; nothing here asserts a time.
 */
public final class LedgerBenchmark {

  static final int NODES = 1000;
  static final int PODS_PER_NODE = 100;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    cpu(rounds);
    memory();
  }

  static LedgerTest.FakeCluster cluster() {
    LedgerTest.FakeCluster c = new LedgerTest.FakeCluster();
    for (int ns = 0; ns < 10; ns++) {
      for (String team : List.of("a", "b")) {
        EnergyBudgetSpec spec =
            new EnergyBudgetSpec(
                new LabelSelectorBuilder().withMatchLabels(Map.of("team", team)).build(),
                new EnergyBudgetSpec.Period("Calendar", "Month", null, "Europe/Berlin"),
                new EnergyBudgetSpec.Limits("500kWh", "150kg", null),
                List.of(80, 95),
                null,
                null,
                null);
        var p = io.wattkeeper.api.validation.BudgetValidator.validate(spec).policy();
        c.budgets.add(new Ledger.BudgetRef("ns-" + ns, "budget-" + team, p, null));
      }
    }
    for (int n = 0; n < NODES; n++) {
      c.zones.put("node-" + n, n % 2 == 0 ? "DE" : "us-east-1");
      for (int i = 0; i < PODS_PER_NODE; i++) {
        c.labels.put(uid(n, i), Map.of("team", i % 2 == 0 ? "a" : "b", "app", "app-" + (i % 7)));
      }
    }
    return c;
  }

  static String uid(int node, int pod) {
    return String.format("%08x-0000-4000-8000-%012x", node, pod);
  }

  static List<ReportSample> interval(int seq, Instant t) {
    List<ReportSample> out = new ArrayList<>(NODES);
    for (int n = 0; n < NODES; n++) {
      List<PodCounters> pods = new ArrayList<>(PODS_PER_NODE);
      for (int i = 0; i < PODS_PER_NODE; i++) {
        double j = 15.0 * (50 + i) * seq;
        pods.add(
            new PodCounters(
                uid(n, i),
                "ns-" + (n % 10),
                "pod-" + n + "-" + i,
                j,
                j / 10,
                j * 2,
                50 + i,
                false,
                false));
      }
      out.add(new ReportSample("node-" + n, "epoch", (long) seq, t, 15, true, true, true, pods));
    }
    return out;
  }

  static void cpu(int rounds) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    LedgerTest.FakeCluster c = cluster();
    Ledger ledger =
        new Ledger(1.2, 6, new IntensityResolver(CarbonIntensityTable.builtIn(), Optional.empty()));
    Instant t0 = Instant.parse("2026-09-15T10:00:00Z");
    for (ReportSample r : interval(1, t0)) {
      ledger.ingest(r, c);
    }
    ledger.warm();
    long[] ns = new long[rounds];
    for (int k = 0; k < rounds; k++) {
      List<ReportSample> batch = interval(k + 2, t0.plusSeconds(15L * (k + 1)));
      long start = mx.getCurrentThreadCpuTime();
      for (ReportSample r : batch) {
        ledger.ingest(r, c);
      }
      ns[k] = mx.getCurrentThreadCpuTime() - start;
    }
    long[] sorted = ns.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "cpu: one interval of %d reports x %d pods: median %.1f ms, max %.1f ms, first %.1f ms CPU (%d rounds)%n",
        NODES,
        PODS_PER_NODE,
        sorted[rounds / 2] / 1e6,
        sorted[rounds - 1] / 1e6,
        ns[0] / 1e6,
        rounds);
  }

  static void memory() {
    LedgerTest.FakeCluster c = cluster();
    Instant t0 = Instant.parse("2026-09-15T10:00:00Z");
    List<ReportSample> first = interval(1, t0);
    List<ReportSample> second = interval(2, t0.plusSeconds(15));
    long before = usedAfterGc();
    Ledger ledger =
        new Ledger(1.2, 6, new IntensityResolver(CarbonIntensityTable.builtIn(), Optional.empty()));
    ledger.warm(); // every pod counts from zero: budgets get per-pod rows too
    for (ReportSample r : first) {
      ledger.ingest(r, c);
    }
    for (ReportSample r : second) {
      ledger.ingest(r, c);
    }
    long after = usedAfterGc();
    int pods = ledger.tracker().trackedPods();
    System.out.printf(
        "memory: %d tracked pods, %.1f MiB retained, %.0f bytes per pod (tracker, pod account, budget rows)%n",
        pods, (after - before) / 1048576.0, (after - before) / (double) pods);
    if (ledger.pods().size() != pods) {
      throw new IllegalStateException("pod accounts " + ledger.pods().size());
    }
  }

  static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
