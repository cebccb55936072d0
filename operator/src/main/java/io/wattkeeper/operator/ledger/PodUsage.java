package io.wattkeeper.operator.ledger;

import java.time.Instant;

/** One pod's usage within one budget's current period (the CSV export's rows). */
public final class PodUsage {
  public final String uid;
  public final String namespace;
  public final String name;
  public String node;
  public String zone;
  public final UsageTotals totals = new UsageTotals();
  public Instant first;
  public Instant last;

  /** Requests and generated tokens counted in windows matched to energy; null until known. */
  public Double requests;

  public Double generatedTokens;

  PodUsage(String uid, String namespace, String name) {
    this.uid = uid;
    this.namespace = namespace;
    this.name = name;
  }
}
