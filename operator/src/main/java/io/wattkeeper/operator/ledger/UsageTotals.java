package io.wattkeeper.operator.ledger;

/** Running sums of {@link Charge}s. Cost stays NaN until a priced charge arrives. */
public final class UsageTotals {
  public double cpuWh;
  public double memoryWh;
  public double gpuWh;
  public double energyWh;
  public double co2eGrams;
  public double cost = Double.NaN;
  public double measuredWh;

  public void add(Charge c) {
    cpuWh += c.cpuWh();
    memoryWh += c.memoryWh();
    gpuWh += c.gpuWh();
    energyWh += c.energyWh();
    co2eGrams += c.co2eGrams();
    if (!Double.isNaN(c.cost())) {
      cost = Double.isNaN(cost) ? c.cost() : cost + c.cost();
    }
    measuredWh += c.measuredWh();
  }

  public void add(UsageTotals o) {
    cpuWh += o.cpuWh;
    memoryWh += o.memoryWh;
    gpuWh += o.gpuWh;
    energyWh += o.energyWh;
    co2eGrams += o.co2eGrams;
    if (!Double.isNaN(o.cost)) {
      cost = Double.isNaN(cost) ? o.cost : cost + o.cost;
    }
    measuredWh += o.measuredWh;
  }

  /** Takes {@code o} (a part of these totals) away again. */
  public void subtract(UsageTotals o) {
    cpuWh -= o.cpuWh;
    memoryWh -= o.memoryWh;
    gpuWh -= o.gpuWh;
    energyWh -= o.energyWh;
    co2eGrams -= o.co2eGrams;
    if (!Double.isNaN(o.cost)) {
      cost = Double.isNaN(cost) ? -o.cost : cost - o.cost;
    }
    measuredWh -= o.measuredWh;
  }

  /** Measured share of the energy; NaN when there is no energy yet (unknown, not 0 or 1). */
  public double measuredFraction() {
    return energyWh > 0 ? Math.min(1.0, measuredWh / energyWh) : Double.NaN;
  }

  public UsageTotals copy() {
    UsageTotals t = new UsageTotals();
    t.add(this);
    return t;
  }

  /** These totals times {@code f} (a share of them); an unknown cost stays unknown. */
  public UsageTotals scaled(double f) {
    UsageTotals t = new UsageTotals();
    t.cpuWh = cpuWh * f;
    t.memoryWh = memoryWh * f;
    t.gpuWh = gpuWh * f;
    t.energyWh = energyWh * f;
    t.co2eGrams = co2eGrams * f;
    t.cost = cost * f;
    t.measuredWh = measuredWh * f;
    return t;
  }
}
