package io.wattkeeper.operator.ledger;

import io.wattkeeper.operator.budget.Period;
import java.time.Instant;
import java.util.List;

/** One budget's per-pod usage in its current period, copied out of the ledger. */
public record UsageSnapshot(
    String namespace, String budget, Period period, double pue, List<Row> rows) {

  public record Row(
      String uid,
      String namespace,
      String name,
      String node,
      String zone,
      UsageTotals totals,
      Instant first,
      Instant last) {}
}
