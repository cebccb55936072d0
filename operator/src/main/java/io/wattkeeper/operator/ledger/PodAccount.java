package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.carbon.GridIntensity;
import java.time.Instant;
import java.util.Map;

/**
 * One pod's cumulative usage (all periods, PUE included) plus what was last written to its
 * annotations, so the writer can tell whether a value moved enough to be worth a write.
 */
public final class PodAccount {
  public final String uid;
  public final String namespace;
  public final String name;
  public String node;

  /** Labels when last seen; kept so a pod deleted before its final report is still matched. */
  public Map<String, String> labels;

  public final UsageTotals totals = new UsageTotals();
  public String currency;
  public double watts;
  public GridIntensity intensity;
  public Instant updatedAt;

  /** Budgets charging the pod: "ns/a,ns/b", sorted. */
  public String budgets = "";

  /** True when totals changed since the last annotation write. */
  public boolean dirty;

  // What the annotations say now (null writtenAt: never written by this process).
  public Instant writtenAt;

  /** The report time of the figures last written. */
  public Instant writtenUpdatedAt;

  public double writtenEnergyWh;
  public double writtenCo2eGrams;
  public double writtenCost = Double.NaN;
  public double writtenWatts;
  public double writtenMeasured = Double.NaN;
  public String writtenBudgets;
  public String writtenState;

  public PodAccount(String uid, String namespace, String name) {
    this.uid = uid;
    this.namespace = namespace;
    this.name = name;
  }
}
