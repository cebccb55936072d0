package io.wattkeeper.agent.measure;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the estimation model, in this order: configured idle/max watts; a TDP (configured, or the
 * CPU model found in the CodeCarbon table) with the Teads/Boavizta ratios 0.12 x TDP at idle and
 * 1.02 x TDP at full load per socket (the table only on bare metal: a VM has a slice of the chip);
 * else Cloud Carbon Footprint's per-vCPU min/max watts (by EPYC generation when recognisable, else
 * CCF's AWS average).
 */
public final class PowerModelResolver {
  static final double IDLE_PER_TDP = 0.12;
  static final double MAX_PER_TDP = 1.02;
  static final double CCF_MEMORY_WATTS_PER_GB = 0.392;
  static final double CCF_AVERAGE_MIN = 0.74;
  static final double CCF_AVERAGE_MAX = 3.5;
  private static final Pattern EPYC = Pattern.compile("epyc\\s+([0-9])[0-9]{2}([0-9])");

  private final CpuTdpTable table;

  public PowerModelResolver(CpuTdpTable table) {
    this.table = table;
  }

  public PowerModel resolve(CpuInfo cpu, ModelOverrides o) {
    double memPerGb = o.memoryWattsPerGb().orElse(CCF_MEMORY_WATTS_PER_GB);
    String memSource =
        o.memoryWattsPerGb().isPresent()
            ? "memory " + memPerGb + " W/GB configured"
            : "memory 0.392 W/GB (Cloud Carbon Footprint)";
    if (o.cpuIdleWatts().isPresent() && o.cpuMaxWatts().isPresent()) {
      return new PowerModel(
          "configured",
          o.cpuIdleWatts().getAsDouble(),
          o.cpuMaxWatts().getAsDouble(),
          memPerGb,
          "CPU idle/max watts configured (wattkeeper.agent.model.cpu-idle-watts/cpu-max-watts); "
              + memSource);
    }
    // A VM's cpuinfo names the host's chip, but the VM has only a slice of it: the chip's TDP
    // would charge a 2-vCPU VM for the whole package. A configured TDP is taken as meant.
    Optional<CpuTdpTable.Match> tdp =
        o.tdpWatts().isPresent()
            ? Optional.of(new CpuTdpTable.Match(cpu.modelName(), o.tdpWatts().getAsDouble()))
            : cpu.virtualized() ? Optional.empty() : table.lookup(cpu.modelName());
    if (tdp.isPresent()) {
      double watts = tdp.get().tdpWatts() * cpu.sockets();
      String origin =
          o.tdpWatts().isPresent()
              ? "TDP " + fmt(tdp.get().tdpWatts()) + " W configured"
              : String.format(
                  Locale.ROOT,
                  "TDP %s W of '%s' (CodeCarbon cpu_power.csv)",
                  fmt(tdp.get().tdpWatts()),
                  tdp.get().model());
      return new PowerModel(
          "tdp-linear",
          IDLE_PER_TDP * watts,
          MAX_PER_TDP * watts,
          memPerGb,
          String.format(
              Locale.ROOT,
              "%s x %d socket(s), idle 0.12 x TDP and max 1.02 x TDP (Teads/Boavizta); %s",
              origin,
              cpu.sockets(),
              memSource));
    }
    double[] perVcpu = ccfCoefficients(cpu.modelName());
    String family =
        perVcpu == null ? "CCF AWS average (CPU model '" + cpu.modelName() + "' unknown)" : null;
    if (perVcpu == null) {
      perVcpu = new double[] {CCF_AVERAGE_MIN, CCF_AVERAGE_MAX};
    } else {
      family = "CCF " + epycGeneration(cpu.modelName());
    }
    if (cpu.virtualized()) {
      family = "virtual machine (hypervisor CPU flag), chip TDP not used; " + family;
    }
    int n = cpu.logicalCpus();
    // String.format rather than one long concatenation: each new shape of the latter costs the
    // JVM a few milliseconds of generated code at first use, and measure starts often.
    return new PowerModel(
        "ccf-vcpu",
        perVcpu[0] * n,
        perVcpu[1] * n,
        memPerGb,
        String.format(
            Locale.ROOT,
            "%s: %s-%s W per vCPU x %d vCPUs (Cloud Carbon Footprint linear model); %s",
            family,
            fmt(perVcpu[0]),
            fmt(perVcpu[1]),
            n,
            memSource));
  }

  static double[] ccfCoefficients(String model) {
    return switch (epycGeneration(model)) {
      case "EPYC 1st gen" -> new double[] {0.82, 2.55};
      case "EPYC 2nd gen" -> new double[] {0.47, 1.69};
      case "EPYC 3rd gen" -> new double[] {0.45, 2.02};
      case "EPYC 4th gen (Genoa)" -> new double[] {0.34, 1.89};
      default -> null;
    };
  }

  static String epycGeneration(String model) {
    Matcher m = EPYC.matcher(model.toLowerCase(Locale.ROOT));
    if (!m.find()) {
      return "";
    }
    String series = m.group(1);
    String gen = m.group(2);
    if (series.equals("7")) {
      return switch (gen) {
        case "1" -> "EPYC 1st gen";
        case "2" -> "EPYC 2nd gen";
        case "3" -> "EPYC 3rd gen";
        default -> "";
      };
    }
    return series.equals("9") && gen.equals("4") ? "EPYC 4th gen (Genoa)" : "";
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
