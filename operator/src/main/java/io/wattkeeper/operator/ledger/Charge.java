package io.wattkeeper.operator.ledger;

import java.math.BigDecimal;

/**
 * One interval's usage after accounting: energy with PUE, emissions at the intensity valid for that
 * interval and node, cost at the price per kWh. {@code cost} is NaN when there is no price.
 */
public record Charge(
    double cpuWh,
    double memoryWh,
    double gpuWh,
    double energyWh,
    double co2eGrams,
    double cost,
    double measuredWh) {

  /** E_i x PUE, then emissions E_i x I_i and cost E_i x price: per interval, never in bulk. */
  public static Charge of(PodDelta d, double pue, double gramsPerKWh, BigDecimal pricePerKWh) {
    double cpu = d.cpuJoules() / 3600.0 * pue;
    double mem = d.memoryJoules() / 3600.0 * pue;
    double gpu = d.gpuJoules() / 3600.0 * pue;
    double wh = cpu + mem + gpu;
    double co2 = wh / 1000.0 * gramsPerKWh;
    double cost = pricePerKWh == null ? Double.NaN : wh / 1000.0 * pricePerKWh.doubleValue();
    return new Charge(cpu, mem, gpu, wh, co2, cost, d.measuredJoules() / 3600.0 * pue);
  }
}
