package io.wattkeeper.agent.cli;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One emissions.csv row with CodeCarbon's meaning for each column (codecarbon emissions_tracker.py
 * {@code _prepare_emissions_data}, EmissionsData):
 *
 * <ul>
 *   <li>{@code timestamp}: local time without zone at the end of the run, {@code
 *       %Y-%m-%dT%H:%M:%S}, as CodeCarbon's {@code datetime.now().strftime(...)};
 *   <li>energies in kWh, multiplied by the PUE (CodeCarbon multiplies each component's energy);
 *       {@code emissions} kg = energy × intensity; {@code emissions_rate} kg/s;
 *   <li>{@code cpu_power}/{@code gpu_power}/{@code ram_power}: mean watts over the run, exactly
 *       energy ÷ duration before the PUE (CodeCarbon: the mean of its power readings, also without
 *       the PUE);
 *   <li>{@code country_iso_code} ISO 3166 alpha-3, {@code country_name}, {@code region} of the
 *       zone, cloud regions included ({@link ZoneCountries}); WLD / World for the world average;
 *   <li>{@code ram_total_size} and {@code ram_used_gb} in GiB (psutil bytes / 1024³); {@code
 *       ram_used_gb} and {@code ram_utilization_percent} are the machine's (psutil's {@code used}
 *       and {@code percent}), {@code cpu_utilization_percent} the machine's CPU, {@code
 *       gpu_utilization_percent} the mean of the GPUs (0 without a GPU, as CodeCarbon);
 *   <li>empty where CodeCarbon writes nothing offline ({@code longitude}, {@code latitude}, {@code
 *       region} of a country, the cloud columns off the cloud) and for {@code python_version} and
 *       {@code codecarbon_version}, which do not apply; zero where CodeCarbon writes zero ({@code
 *       water_consumed} and {@code wue} without --wue).
 * </ul>
 */
record EmissionsRow(
    LocalDateTime endedAt,
    String projectName,
    String runId,
    String experimentId,
    double seconds,
    double cpuJoules,
    double gpuJoules,
    double ramJoules,
    double pue,
    double wue,
    double gramsPerKWh,
    Carbon.Resolved carbon,
    String os,
    int cpuCount,
    String cpuModel,
    int gpuCount,
    String gpuModel,
    long ramTotalBytes,
    String trackingMode,
    double cpuUtilizationPercent,
    double gpuUtilizationPercent,
    double ramUtilizationPercent,
    double ramUsedBytes) {

  static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  static final double JOULES_PER_KWH = 3.6e6;
  static final double BYTES_PER_GIB = 1024.0 * 1024 * 1024;

  /** Energy with the PUE, kWh. */
  double kwh() {
    return (cpuJoules + gpuJoules + ramJoules) * pue / JOULES_PER_KWH;
  }

  /** Litres of water: WUE x kWh with the PUE, as CodeCarbon's _do_measurements. */
  double waterLitres() {
    return wue * kwh();
  }

  /** kg CO2e. */
  double emissionsKg() {
    return kwh() * gramsPerKWh / 1000;
  }

  /** The values in {@link EmissionsCsv#HEADER} order. */
  List<String> values() {
    double s = seconds > 0 ? seconds : Double.NaN;
    double kwhCpu = cpuJoules * pue / JOULES_PER_KWH;
    double kwhGpu = gpuJoules * pue / JOULES_PER_KWH;
    double kwhRam = ramJoules * pue / JOULES_PER_KWH;
    double kg = emissionsKg();
    ZoneCountries.Country c = carbon.country();
    String provider = carbon.cloudProvider();
    List<String> v = new ArrayList<>(EmissionsCsv.HEADER.size());
    v.add(endedAt.format(TIMESTAMP));
    v.add(projectName);
    v.add(runId);
    v.add(experimentId);
    v.add(num(seconds));
    v.add(num(kg));
    v.add(num(seconds > 0 ? kg / s : 0));
    v.add(num(seconds > 0 ? cpuJoules / s : 0));
    v.add(num(seconds > 0 ? gpuJoules / s : 0));
    v.add(num(seconds > 0 ? ramJoules / s : 0));
    v.add(num(kwhCpu));
    v.add(num(kwhGpu));
    v.add(num(kwhRam));
    v.add(num(kwh()));
    v.add(num(waterLitres()));
    v.add(c.name());
    v.add(c.alpha3());
    v.add(c.region());
    v.add(provider);
    v.add(carbon.cloudRegion());
    v.add(os);
    v.add(""); // python_version
    v.add(""); // codecarbon_version
    v.add(Integer.toString(cpuCount));
    v.add(cpuModel);
    v.add(Integer.toString(gpuCount));
    v.add(gpuModel);
    v.add(""); // longitude: CodeCarbon offline writes none
    v.add(""); // latitude
    v.add(num(ramTotalBytes / BYTES_PER_GIB));
    v.add(trackingMode);
    v.add(num(cpuUtilizationPercent));
    v.add(num(gpuUtilizationPercent));
    v.add(num(ramUtilizationPercent));
    v.add(num(ramUsedBytes / BYTES_PER_GIB));
    v.add(provider.isEmpty() ? "N" : "Y");
    v.add(num(pue));
    v.add(num(wue));
    return v;
  }

  /** A float as Python's float() reads it; unknown (NaN) is an empty cell, as pandas writes it. */
  static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }
}
