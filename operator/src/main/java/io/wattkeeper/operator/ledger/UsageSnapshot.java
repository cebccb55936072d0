package io.wattkeeper.operator.ledger;

import io.wattkeeper.operator.period.Period;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One budget's per-pod usage in its current period, copied out of the ledger. */
public record UsageSnapshot(
    String namespace, String budget, Period period, double pue, List<Row> rows) {

  /** Name of the row holding the usage restored from status after an operator restart. */
  public static final String RESTORED_NAME = "restored-before-operator-restart";

  public record Row(
      String uid,
      String namespace,
      String name,
      String node,
      String zone,
      UsageTotals totals,
      Instant first,
      Instant last,
      Double requests,
      Double generatedTokens) {

    public Row(
        String uid,
        String namespace,
        String name,
        String node,
        String zone,
        UsageTotals totals,
        Instant first,
        Instant last) {
      this(uid, namespace, name, node, zone, totals, first, last, null, null);
    }
  }

  /** Copies the account's rows, sorted by namespace and name. */
  public static UsageSnapshot of(BudgetAccount acc) {
    List<Row> rows = new ArrayList<>();
    for (PodUsage u : acc.pods().values()) {
      rows.add(
          new Row(
              u.uid,
              u.namespace,
              u.name,
              u.node,
              u.zone,
              u.totals.copy(),
              u.first,
              u.last,
              u.requests,
              u.generatedTokens));
    }
    rows.sort(Comparator.comparing(Row::namespace).thenComparing(Row::name));
    UsageTotals restored = acc.restored();
    if (restored.energyWh > 0) {
      // Usage before an operator restart is in status as one total, not per pod: one row for it,
      // so that the rows still add up to status.used.
      rows.add(
          new Row(
              "restored",
              acc.namespace,
              RESTORED_NAME,
              null,
              null,
              restored,
              acc.period().start(),
              acc.restoredAt()));
    }
    return new UsageSnapshot(acc.namespace, acc.name, acc.period(), acc.pue, rows);
  }
}
