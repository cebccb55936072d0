package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.carbon.GridIntensity;
import java.time.Instant;
import java.util.List;
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

  /**
   * IT joules (cpu, memory, gpu, measured) charged since the last durable checkpoint: the next
   * checkpoint carries them so that a budget whose status predates it can be completed.
   */
  final double[] sinceCheckpoint = new double[4];

  /** The ledger stamp of the last durable checkpoint; null when none was written yet. */
  Instant checkpointAt;

  /** Keys of the budgets holding charges of this pod not yet covered by a durable checkpoint. */
  List<String> pendingIn;

  /** Per budget key, the pending charges when the checkpoint being written was taken. */
  Map<String, UsageTotals> pendingAtCheckpoint;

  /** The checkpoint {@link #pendingAtCheckpoint} belongs to. */
  Checkpoint markedCheckpoint;

  /** Energy matched to requests and to generated tokens over the same windows. */
  public final UnitWindow requestWindow = new UnitWindow();

  public final UnitWindow tokenWindow = new UnitWindow();

  /** Energy per unit over the pod's life (as far as this operator saw it). */
  public final UnitTotals units = new UnitTotals();

  /** The same since the last annotation write (the annotation interval). */
  public final UnitTotals unitsSinceWrite = new UnitTotals();

  /** The server profile the counts came from, or null when the pod reports none. */
  public String unitsProfile;

  /** The functional-unit profile a budget names for this pod (annotation JSON), or null. */
  public String unitsFromBudget;

  public String writtenUnitsFromBudget;

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

  /** When the last write of this pod's annotations landed (set by the writer's thread). */
  public volatile Instant confirmedAt;

  public PodAccount(String uid, String namespace, String name) {
    this.uid = uid;
    this.namespace = namespace;
    this.name = name;
  }
}
