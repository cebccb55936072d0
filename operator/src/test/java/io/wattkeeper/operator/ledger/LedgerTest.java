package io.wattkeeper.operator.ledger;

import static io.wattkeeper.operator.ledger.Samples.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.operator.carbon.IntensityResolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LedgerTest {

  static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");

  /** A hand-made cluster: pods with labels, nodes with zones, budgets. */
  static final class FakeCluster implements Ledger.Cluster {
    final Map<String, Map<String, String>> labels = new HashMap<>();
    final Map<String, String> zones = new HashMap<>();
    final List<Ledger.BudgetRef> budgets = new ArrayList<>();

    @Override
    public Map<String, String> podLabels(String namespace, String name, String uid) {
      return labels.get(uid);
    }

    @Override
    public Optional<String> nodeZone(String node) {
      return Optional.ofNullable(zones.get(node));
    }

    @Override
    public List<Ledger.BudgetRef> budgetsIn(String namespace) {
      return budgets.stream().filter(b -> b.namespace().equals(namespace)).toList();
    }

    Ledger.BudgetRef add(String name, EnergyBudgetSpec spec, EnergyBudgetStatus stored) {
      BudgetPolicy p = BudgetValidator.validate(spec).policy();
      Ledger.BudgetRef r = new Ledger.BudgetRef("ns", name, p, stored);
      budgets.add(r);
      return r;
    }
  }

  static EnergyBudgetSpec spec(Map<String, String> match, Double pue, Double grams, String price) {
    return new EnergyBudgetSpec(
        match == null ? null : new LabelSelectorBuilder().withMatchLabels(match).build(),
        new EnergyBudgetSpec.Period("Calendar", "Month", null, "Europe/Berlin"),
        new EnergyBudgetSpec.Limits("10kWh", null, null),
        List.of(80),
        new EnergyBudgetSpec.Accounting(
            pue,
            grams == null ? null : new EnergyBudgetSpec.CarbonIntensityOverride(null, grams),
            price == null ? null : new EnergyBudgetSpec.Pricing("EUR", price)),
        null,
        null);
  }

  static IntensityResolver table() {
    return new IntensityResolver(CarbonIntensityTable.builtIn(), Optional.empty());
  }

  static PodCounters p(String uid, double cpuJ) {
    return new PodCounters(uid, "ns", "pod-" + uid, cpuJ, 0, 0, 100, false, false);
  }

  @Test
  void emissionsAreIntegratedPerIntervalWithTheIntensityOfThatInterval() {
    FakeCluster c = new FakeCluster();
    c.labels.put("a", Map.of("app", "x"));
    c.zones.put("n1", "FR");
    Ledger.BudgetRef b = c.add("b", spec(null, null, null, null), null);
    Ledger l = new Ledger(1.0, 6, table());
    l.ingest(report("n1", "e", 1, T0, p("a", 0)), c);
    l.ingest(report("n1", "e", 2, T0.plusSeconds(3600), p("a", 3_600_000)), c); // 1 kWh in FR
    c.zones.put("n1", "PL"); // the node's zone changes (relabelled)
    l.ingest(report("n1", "e", 3, T0.plusSeconds(7200), p("a", 7_200_000)), c); // 1 kWh in PL
    double fr = CarbonIntensityTable.builtIn().lookup("FR").orElseThrow().gramsPerKWh();
    double pl = CarbonIntensityTable.builtIn().lookup("PL").orElseThrow().gramsPerKWh();
    UsageTotals used = l.account(b, T0.plusSeconds(7200)).used();
    assertThat(used.energyWh).isCloseTo(2000, within(1e-9));
    assertThat(used.co2eGrams).isCloseTo(fr + pl, within(1e-6));
    // Never total energy times the latest intensity:
    assertThat(used.co2eGrams).isNotCloseTo(2 * pl, within(1.0));
    assertThat(l.account(b, T0.plusSeconds(7200)).zones()).containsExactly("FR", "PL");
  }

  @Test
  void eachBudgetAppliesItsOwnPueIntensityAndPrice() {
    FakeCluster c = new FakeCluster();
    c.labels.put("a", Map.of("app", "x", "team", "ml"));
    Ledger.BudgetRef b1 = c.add("a-first", spec(Map.of("app", "x"), 1.5, 100.0, "0.20"), null);
    Ledger.BudgetRef b2 = c.add("b-second", spec(Map.of("team", "ml"), null, null, null), null);
    c.add("c-other", spec(Map.of("team", "web"), null, null, null), null);
    Ledger l = new Ledger(1.2, 6, table());
    l.ingest(report("n1", "e", 1, T0, p("a", 0)), c);
    l.ingest(report("n1", "e", 2, T0.plusSeconds(3600), p("a", 3_600_000)), c); // 1 kWh IT
    UsageTotals u1 = l.account(b1, T0).used();
    UsageTotals u2 = l.account(b2, T0).used();
    assertThat(u1.energyWh).isCloseTo(1500, within(1e-9));
    assertThat(u1.co2eGrams).isCloseTo(150, within(1e-9));
    assertThat(u1.cost).isCloseTo(0.30, within(1e-9));
    assertThat(u2.energyWh).isCloseTo(1200, within(1e-9)); // operator default PUE
    assertThat(u2.co2eGrams)
        .isCloseTo(1.2 * CarbonIntensityTable.WORLD_AVERAGE.gramsPerKWh(), within(1e-6));
    assertThat(Double.isNaN(u2.cost)).isTrue();
    PodAccount pod = l.pods().get("a");
    assertThat(pod.budgets).isEqualTo("ns/a-first,ns/b-second");
    assertThat(pod.totals.energyWh).isCloseTo(1500, within(1e-9)); // first budget's PUE
    assertThat(pod.currency).isEqualTo("EUR");
    assertThat(l.existingAccount("ns/c-other")).isNull();
  }

  @Test
  void aPodWithoutLabelsKnownIsChargedToNoBudgetButKeepsItsOwnTotals() {
    FakeCluster c = new FakeCluster();
    Ledger.BudgetRef b = c.add("all", spec(null, null, null, null), null);
    Ledger l = new Ledger(1.0, 6, table());
    l.ingest(report("n1", "e", 1, T0, p("ghost", 0)), c);
    l.ingest(report("n1", "e", 2, T0.plusSeconds(60), p("ghost", 3600)), c);
    assertThat(l.pods().get("ghost").totals.energyWh).isEqualTo(1.0);
    assertThat(l.account(b, T0).used().energyWh).isZero();
  }

  @Test
  void rolloverMovesUsageIntoHistoryAndResets() {
    FakeCluster c = new FakeCluster();
    c.labels.put("a", Map.of());
    Ledger.BudgetRef b = c.add("b", spec(null, null, null, null), null);
    Ledger l = new Ledger(1.0, 2, table());
    Instant endOfSep = Instant.parse("2026-09-30T21:00:00Z");
    l.ingest(report("n1", "e", 1, endOfSep, p("a", 0)), c);
    l.ingest(report("n1", "e", 2, endOfSep.plusSeconds(1800), p("a", 3_600_000 * 9.0)), c); // 9 kWh
    l.ingest(report("n1", "e", 3, endOfSep.plusSeconds(5400), p("a", 3_600_000 * 10.0)), c); // Oct
    BudgetAccount acc = l.account(b, endOfSep.plusSeconds(5400));
    assertThat(acc.used().energyWh).isCloseTo(1000, within(1e-6));
    assertThat(acc.history()).hasSize(1);
    assertThat(acc.history().get(0).getEnergyWh()).isEqualTo(9000.0);
    assertThat(acc.history().get(0).getMaxPercentUsed()).isEqualTo(90);
    assertThat(acc.history().get(0).getExceeded()).isFalse();
    assertThat(acc.history().get(0).getStart()).isEqualTo("2026-09-01T00:00:00+02:00");
  }

  @Test
  void restartRestoresBudgetsFromStatusAndPodsFromCheckpointsWithinOneInterval() {
    FakeCluster c = new FakeCluster();
    c.labels.put("a", Map.of());
    Ledger.BudgetRef b = c.add("b", spec(null, null, null, null), null);
    Ledger l = new Ledger(1.0, 6, table());
    double watts = 100;
    long seq = 1;
    Instant t = T0;
    for (; seq <= 40; seq++, t = t.plusSeconds(15)) {
      l.ingest(report("n1", "e", seq, t, p("a", watts * 15 * (seq - 1))), c);
    }
    double truthBefore = watts * 15 * (seq - 2) / 3600.0;
    assertThat(l.account(b, t).used().energyWh).isCloseTo(truthBefore, within(1e-9));
    // What is durable: the status written now and the pod's checkpoint annotation.
    EnergyBudgetStatus stored =
        new EnergyBudgetStatus()
            .setPeriod(
                new EnergyBudgetStatus.PeriodStatus()
                    .setStart("2026-09-01T00:00:00+02:00")
                    .setEnd("2026-10-01T00:00:00+02:00"))
            .setUsed(
                new EnergyBudgetStatus.Used()
                    .setEnergyWh(l.account(b, t).used().energyWh)
                    .setCo2eGrams(1.0));
    Checkpoint cp = l.checkpoint(l.pods().get("a"));
    // One more report is processed but not persisted, then the operator dies.
    l.ingest(report("n1", "e", seq, t, p("a", watts * 15 * (seq - 1))), c);
    seq++;
    t = t.plusSeconds(15);
    Ledger fresh = new Ledger(1.0, 6, table());
    FakeCluster c2 = new FakeCluster();
    c2.labels.putAll(c.labels);
    Ledger.BudgetRef b2 = c2.add("b", spec(null, null, null, null), stored);
    fresh.restorePod("a", "ns", "pod-a", cp);
    for (int i = 0; i < 10; i++, seq++, t = t.plusSeconds(15)) {
      fresh.ingest(report("n1", "e", seq, t, p("a", watts * 15 * (seq - 1))), c2);
    }
    double truth = watts * 15 * (seq - 2) / 3600.0;
    double interval = watts * 15 / 3600.0;
    double budget = fresh.account(b2, t).used().energyWh;
    // Budget: never more than the truth, and at most one report interval (plus the report
    // processed after the last status write) short of it.
    assertThat(budget).isLessThanOrEqualTo(truth + 1e-9);
    assertThat(truth - budget).isLessThanOrEqualTo(2 * interval + 1e-9);
    // Pod totals continue exactly from the checkpoint.
    assertThat(fresh.pods().get("a").totals.energyWh).isCloseTo(truth, within(1e-9));
  }

  @Test
  void aStoredPeriodThatEndedWhileDownBecomesHistory() {
    FakeCluster c = new FakeCluster();
    EnergyBudgetStatus stored =
        new EnergyBudgetStatus()
            .setPeriod(
                new EnergyBudgetStatus.PeriodStatus()
                    .setStart("2026-08-01T00:00:00+02:00")
                    .setEnd("2026-09-01T00:00:00+02:00"))
            .setUsed(new EnergyBudgetStatus.Used().setEnergyWh(12000.0).setCo2eGrams(5.0));
    Ledger.BudgetRef b = c.add("b", spec(null, null, null, null), stored);
    BudgetAccount acc = new Ledger(1.0, 6, table()).account(b, T0);
    assertThat(acc.used().energyWh).isZero();
    assertThat(acc.history()).hasSize(1);
    assertThat(acc.history().get(0).getExceeded()).isTrue();
    assertThat(acc.history().get(0).getMaxPercentUsed()).isEqualTo(120);
  }

  static EnergyBudgetSpec rollingHour() {
    return new EnergyBudgetSpec(
        null,
        new EnergyBudgetSpec.Period("Rolling", null, "1h", null),
        new EnergyBudgetSpec.Limits("10kWh", null, null),
        List.of(80),
        null,
        null,
        null);
  }

  /** A rolling-window status as the operator wrote it at {@code at}. */
  static EnergyBudgetStatus rollingStatus(Instant at, double wh) {
    return new EnergyBudgetStatus()
        .setPeriod(
            new EnergyBudgetStatus.PeriodStatus()
                .setStart(at.minusSeconds(3600).toString())
                .setEnd(at.toString()))
        .setUsed(new EnergyBudgetStatus.Used().setEnergyWh(wh).setCo2eGrams(wh / 2));
  }

  @Test
  void aRollingWindowRestoredAfterARestartAgesOutWithTheWindow() {
    FakeCluster c = new FakeCluster();
    Ledger.BudgetRef b = c.add("b", rollingHour(), rollingStatus(T0, 120.0));
    Ledger l = new Ledger(1.0, 6, table());
    // Restart right after the write: the whole window is restored.
    assertThat(l.account(b, T0.plusSeconds(60)).used().energyWh).isCloseTo(118, within(2.0));
    // Half a window later, half of it (spread evenly) has aged out, not none of it.
    assertThat(l.account(b, T0.plusSeconds(1800)).used().energyWh).isCloseTo(60, within(2.0));
    // A window after the write, all of it has aged out.
    assertThat(l.account(b, T0.plusSeconds(3600 + 60)).used().energyWh).isZero();
  }

  @Test
  void aRollingWindowRestoredLateKeepsOnlyWhatIsStillInsideTheWindow() {
    FakeCluster c = new FakeCluster();
    Ledger.BudgetRef b = c.add("b", rollingHour(), rollingStatus(T0, 120.0));
    BudgetAccount late = new Ledger(1.0, 6, table()).account(b, T0.plusSeconds(2700));
    assertThat(late.used().energyWh).isCloseTo(30, within(2.0));
    assertThat(late.used().co2eGrams).isCloseTo(15, within(1.0));
    FakeCluster c2 = new FakeCluster();
    Ledger.BudgetRef old = c2.add("b", rollingHour(), rollingStatus(T0, 120.0));
    // Stored more than a window ago: nothing of it is inside the window any more.
    assertThat(new Ledger(1.0, 6, table()).account(old, T0.plusSeconds(7200)).used().energyWh)
        .isZero();
  }

  @Test
  void theExportAfterARestartHasARowForTheRestoredUsageSoItAddsUpToTheStatus() {
    FakeCluster c = new FakeCluster();
    c.labels.put("a", Map.of());
    EnergyBudgetStatus stored =
        new EnergyBudgetStatus()
            .setPeriod(
                new EnergyBudgetStatus.PeriodStatus()
                    .setStart("2026-09-01T00:00:00+02:00")
                    .setEnd("2026-10-01T00:00:00+02:00"))
            .setUsed(new EnergyBudgetStatus.Used().setEnergyWh(12.0).setCo2eGrams(3.0));
    Ledger.BudgetRef b = c.add("b", spec(null, null, null, null), stored);
    Ledger l = new Ledger(1.0, 6, table());
    l.ingest(report("n1", "e", 1, T0, p("a", 0)), c);
    l.ingest(report("n1", "e", 2, T0.plusSeconds(15), p("a", 3600)), c); // 1 Wh
    BudgetAccount acc = l.account(b, T0.plusSeconds(15));
    UsageSnapshot s = UsageSnapshot.of(acc);
    assertThat(s.rows()).extracting(UsageSnapshot.Row::uid).containsExactly("a", "restored");
    UsageSnapshot.Row restored = s.rows().get(1);
    assertThat(restored.name()).isEqualTo(UsageSnapshot.RESTORED_NAME);
    assertThat(restored.totals().energyWh).isEqualTo(12.0);
    assertThat(restored.first()).isEqualTo(Instant.parse("2026-08-31T22:00:00Z"));
    double sum = s.rows().stream().mapToDouble(r -> r.totals().energyWh).sum();
    assertThat(sum).isCloseTo(acc.used().energyWh, within(1e-9)).isCloseTo(13.0, within(1e-9));
    // The next period starts from zero: no restored row any more.
    BudgetAccount next = l.account(b, Instant.parse("2026-10-01T12:00:00Z"));
    assertThat(UsageSnapshot.of(next).rows()).isEmpty();
  }

  @Test
  void aReportDeletedAndRecreatedWithTheSameEpochIsNotChargedTwiceToTheBudget() {
    FakeCluster c = new FakeCluster();
    c.labels.put("a", Map.of());
    Ledger.BudgetRef b = c.add("b", spec(null, null, null, null), null);
    Ledger l = new Ledger(1.0, 6, table());
    l.ingest(report("n1", "e", 1, T0, p("a", 1_000_000)), c);
    l.warm();
    l.ingest(report("n1", "e", 2, T0.plusSeconds(15), p("a", 1_003_600)), c); // 1 Wh
    l.sweep(java.util.Set.of(), java.util.Set.of("ns/b"), c); // the report is deleted
    l.ingest(report("n1", "e", 3, T0.plusSeconds(30), p("a", 1_007_200)), c); // recreated: 1 Wh
    assertThat(l.account(b, T0.plusSeconds(30)).used().energyWh).isCloseTo(2.0, within(1e-9));
    assertThat(l.pods().get("a").totals.energyWh).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void aBudgetsFunctionalUnitProfileReachesThePodsItChargesOnly() {
    FakeCluster c = new FakeCluster();
    c.labels.put("a", Map.of("app", "llm"));
    c.labels.put("z", Map.of("app", "other"));
    EnergyBudgetSpec base = spec(Map.of("app", "llm"), null, null, null);
    c.add(
        "serving",
        new EnergyBudgetSpec(
            base.selector(),
            base.period(),
            base.limits(),
            base.warnAt(),
            base.accounting(),
            null,
            null,
            new EnergyBudgetSpec.FunctionalUnits("vllm", 8000, "/metrics", null, null, null)),
        null);
    Ledger l = new Ledger(1.0, 6, table());
    l.ingest(report("n1", "e", 1, T0, p("a", 0), p("z", 0)), c);
    assertThat(l.pods().get("a").unitsFromBudget)
        .isEqualTo(
            "{\"budget\":\"serving\",\"profile\":\"vllm\",\"port\":8000,\"path\":\"/metrics\"}");
    assertThat(l.pods().get("z").unitsFromBudget).isNull();
  }
}
