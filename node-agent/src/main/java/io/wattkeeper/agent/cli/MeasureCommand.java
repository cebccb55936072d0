package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.host.HostPaths;
import io.wattkeeper.api.carbon.GridIntensity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code wattkeeper measure}: the energy and CO2e of a command (or of the whole machine for a
 * while), without Kubernetes. Exit code: the command's; 2 for bad arguments; 127 when the command
 * cannot start; 1 when measuring failed.
 */
public final class MeasureCommand {
  static final double JOULES_PER_KWH = 3.6e6;

  private MeasureCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, SimpleConfig.system(), null);
  }

  static int run(
      String[] args, PrintStream out, PrintStream err, SimpleConfig config, GpuMeter gpu) {
    MeasureOptions o;
    try {
      o = MeasureOptions.parse(args, config);
    } catch (IllegalArgumentException e) {
      err.println("wattkeeper measure: " + e.getMessage());
      err.print(MeasureOptions.USAGE);
      return 2;
    }
    GpuMeter meter = gpu != null ? gpu : MachineContext.loadGpuMeter(err);
    try (meter) {
      MachineContext m = new MachineContext(new HostPaths(o.hostRoot()), config, meter);
      Carbon.Resolved carbon = Carbon.resolve(o.zone());
      Map<String, Object> report;
      if (o.duration().isPresent()) {
        MachineWatch.Result r = MachineWatch.run(m, o.duration().get(), o.interval(), o.top());
        report = machineReport(m, r, carbon);
        appendCsv(
            o,
            m,
            carbon,
            r.machine(),
            r.machine().seconds,
            r.machine().cpuJoules,
            r.machine().memoryJoules,
            r.machine().gpuJoules,
            "machine",
            report,
            err);
        print(o, report, out, err, false);
        return 0;
      }
      CommandRun.Result r;
      try {
        r = CommandRun.run(m, o.command(), o.interval(), o.json());
      } catch (IOException e) {
        err.println("wattkeeper measure: cannot run " + o.command().get(0) + ": " + e.getMessage());
        return 127;
      }
      report = commandReport(m, o, r, carbon);
      appendCsv(
          o,
          m,
          carbon,
          r.machine(),
          r.seconds(),
          r.cpuJoules(),
          r.memoryJoules(),
          r.gpuJoules(),
          "process",
          report,
          err);
      print(o, report, out, err, true);
      return r.exitCode();
    } catch (IOException | RuntimeException e) {
      err.println("wattkeeper measure: measuring failed: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("wattkeeper measure: interrupted");
      return 130;
    }
  }

  static Map<String, Object> commandReport(
      MachineContext m, MeasureOptions o, CommandRun.Result r, Carbon.Resolved carbon) {
    Map<String, Object> rep = new LinkedHashMap<>();
    rep.put("command", o.command());
    rep.put("exitCode", r.exitCode());
    rep.put("durationSeconds", round(r.seconds(), 3));
    rep.put("cpuSeconds", round(r.cpuSeconds(), 3));
    rep.put("cpuJoules", round(r.cpuJoules(), 3));
    rep.put("memoryJoules", round(r.memoryJoules(), 3));
    rep.put("gpuJoules", round(r.gpuJoules(), 3));
    double joules = r.cpuJoules() + r.memoryJoules() + r.gpuJoules();
    energyAndCarbon(rep, joules, carbon);
    rep.put("meanRssBytes", Math.round(r.meanRssBytes()));
    common(rep, m, r.machine());
    return rep;
  }

  static Map<String, Object> machineReport(
      MachineContext m, MachineWatch.Result r, Carbon.Resolved carbon) {
    Map<String, Object> rep = new LinkedHashMap<>();
    MachineIntegrator x = r.machine();
    rep.put("durationSeconds", round(x.seconds, 3));
    rep.put("cpuJoules", round(x.cpuJoules, 3));
    rep.put("memoryJoules", round(x.memoryJoules, 3));
    rep.put("gpuJoules", round(x.gpuJoules, 3));
    energyAndCarbon(rep, x.cpuJoules + x.memoryJoules + x.gpuJoules, carbon);
    rep.put("processes", rows(r.processes()));
    rep.put("cgroups", rows(r.cgroups()));
    common(rep, m, x);
    return rep;
  }

  private static void energyAndCarbon(Map<String, Object> rep, double joules, Carbon.Resolved c) {
    double kwh = joules / JOULES_PER_KWH;
    GridIntensity g = c.intensity();
    rep.put("energyJoules", round(joules, 3));
    rep.put("energyKWh", kwh);
    rep.put("co2eKg", kwh * g.gramsPerKWh() / 1000);
    Map<String, Object> ci = new LinkedHashMap<>();
    ci.put("gramsPerKWh", g.gramsPerKWh());
    ci.put("zone", g.zone());
    ci.put("kind", g.kind());
    ci.put("source", g.sourceWithYear());
    if (c.requestedZone() != null) {
      ci.put("requestedZone", c.requestedZone());
    }
    rep.put("carbonIntensity", ci);
    if (c.warning() != null) {
      rep.put("carbonWarning", c.warning());
    }
  }

  private static void common(Map<String, Object> rep, MachineContext m, MachineIntegrator x) {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cpuJoules", round(x.cpuJoules, 3));
    machine.put("cpuIdleJoules", round(x.cpuIdleJoules, 3));
    machine.put("memoryJoules", round(x.memoryJoules, 3));
    machine.put("gpuJoules", round(x.gpuJoules, 3));
    machine.put("cpuUtilizationPercent", round(x.utilizationPercent(), 2));
    machine.put("cpuModel", m.cpu.modelName());
    machine.put("cpus", m.cpu.logicalCpus());
    machine.put("memoryBytes", m.cpu.memoryBytes());
    rep.put("machine", machine);
    Map<String, Object> sources = new LinkedHashMap<>();
    sources.put("cpu", m.power.cpuSource());
    sources.put("memory", m.power.memorySource());
    sources.put("gpu", m.gpu.source());
    rep.put("sources", sources);
    rep.put("estimated", m.estimated());
    if (m.estimated()) {
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("name", m.model.name());
      model.put("cpuIdleWatts", round(m.model.cpuIdleWatts(), 3));
      model.put("cpuMaxWatts", round(m.model.cpuMaxWatts(), 3));
      model.put("memoryWattsPerGB", m.model.memoryWattsPerGb());
      model.put("source", m.model.source());
      rep.put("model", model);
    }
    rep.put("warnings", new ArrayList<>(x.warnings));
  }

  private static List<Map<String, Object>> rows(List<MachineWatch.Row> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (MachineWatch.Row r : rows) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", r.id());
      row.put("name", r.name());
      row.put("cpuSeconds", round(r.cpuSeconds(), 3));
      row.put("joules", round(r.joules(), 3));
      row.put("watts", round(r.watts(), 3));
      out.add(row);
    }
    return out;
  }

  private static void appendCsv(
      MeasureOptions o,
      MachineContext m,
      Carbon.Resolved carbon,
      MachineIntegrator x,
      double seconds,
      double cpuJ,
      double memJ,
      double gpuJ,
      String mode,
      Map<String, Object> report,
      PrintStream err) {
    double kwhCpu = cpuJ / JOULES_PER_KWH;
    double kwhMem = memJ / JOULES_PER_KWH;
    double kwhGpu = gpuJ / JOULES_PER_KWH;
    double kwh = kwhCpu + kwhMem + kwhGpu;
    double kg = kwh * carbon.intensity().gramsPerKWh() / 1000;
    GridIntensity g = carbon.intensity();
    boolean country = g.kind().equals("country");
    boolean cloud = List.of("aws", "gcp", "azure").contains(g.kind());
    double s = Math.max(seconds, 1e-9);
    List<String> v =
        List.of(
            LocalDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")),
            o.projectName(),
            RunId.random().toString(),
            "",
            num(seconds),
            num(kg),
            num(kg / s),
            num(cpuJ / s),
            num(gpuJ / s),
            num(memJ / s),
            num(kwhCpu),
            num(kwhGpu),
            num(kwhMem),
            num(kwh),
            "0.0",
            "",
            country ? g.zone() : "",
            "",
            cloud ? g.kind() : "",
            cloud ? g.zone() : "",
            System.getProperty("os.name") + "-" + System.getProperty("os.version"),
            "",
            "",
            Integer.toString(m.cpu.logicalCpus()),
            m.cpu.modelName(),
            Integer.toString(x.gpuCount),
            String.join(" ", x.gpuNames),
            "",
            "",
            num(m.cpu.memoryBytes() / 1e9),
            mode,
            num(x.utilizationPercent()),
            "",
            "",
            report.containsKey("meanRssBytes")
                ? num(((Number) report.get("meanRssBytes")).doubleValue() / 1e9)
                : "",
            cloud ? "Y" : "N",
            "1.0",
            "0.0");
    try {
      Path file = EmissionsCsv.append(o.outputDir(), v);
      report.put("emissionsCsv", file.toString());
    } catch (IOException e) {
      err.println("wattkeeper measure: cannot write emissions.csv: " + e.getMessage());
    }
  }

  private static void print(
      MeasureOptions o, Map<String, Object> r, PrintStream out, PrintStream err, boolean command) {
    if (o.json()) {
      out.println(PrettyJson.write(r));
      return;
    }
    // Text goes to stderr so it never mixes with the command's own stdout.
    PrintStream p = command ? err : out;
    p.println();
    p.println("wattkeeper measure" + (command ? ": " + String.join(" ", o.command()) : ""));
    if (command) {
      p.printf(Locale.ROOT, "  exit code        %s%n", r.get("exitCode"));
    }
    p.printf(Locale.ROOT, "  duration         %.2f s%n", (Double) r.get("durationSeconds"));
    if (command) {
      p.printf(
          Locale.ROOT,
          "  CPU              %.3f s of CPU time, %.2f J%n",
          r.get("cpuSeconds"),
          r.get("cpuJoules"));
      p.printf(
          Locale.ROOT,
          "  memory           %.2f J (mean RSS %.1f MB)%n",
          r.get("memoryJoules"),
          ((Number) r.get("meanRssBytes")).doubleValue() / 1e6);
      p.printf(Locale.ROOT, "  GPU              %.2f J%n", r.get("gpuJoules"));
    } else {
      printRows(p, "busiest processes", "PID", (List<?>) r.get("processes"));
      printRows(p, "busiest cgroups", "CGROUP", (List<?>) r.get("cgroups"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> ci = (Map<String, Object>) r.get("carbonIntensity");
    p.printf(
        Locale.ROOT,
        "  energy           %.9f kWh (%.2f J)%n",
        r.get("energyKWh"),
        r.get("energyJoules"));
    p.printf(Locale.ROOT, "  CO2e             %.9f kg%n", r.get("co2eKg"));
    p.printf(
        Locale.ROOT,
        "  intensity        %.1f g/kWh, zone %s (%s)%n",
        ci.get("gramsPerKWh"),
        ci.get("zone"),
        ci.get("source"));
    if (r.containsKey("carbonWarning")) {
      p.println("  warning          " + r.get("carbonWarning"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> mach = (Map<String, Object>) r.get("machine");
    p.printf(
        Locale.ROOT,
        "  machine          CPU %.2f J (idle %.2f J), memory %.2f J, GPU %.2f J, CPU %.1f%% busy%n",
        mach.get("cpuJoules"),
        mach.get("cpuIdleJoules"),
        mach.get("memoryJoules"),
        mach.get("gpuJoules"),
        mach.get("cpuUtilizationPercent"));
    @SuppressWarnings("unchecked")
    Map<String, Object> src = (Map<String, Object>) r.get("sources");
    p.printf(
        "  sources          cpu=%s memory=%s gpu=%s%s%n",
        src.get("cpu"),
        src.get("memory"),
        src.get("gpu"),
        Boolean.TRUE.equals(r.get("estimated")) ? " (estimated)" : " (measured)");
    if (r.containsKey("model")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> model = (Map<String, Object>) r.get("model");
      p.printf(
          Locale.ROOT,
          "  model            %s: CPU %.2f-%.2f W, memory %.3f W/GB; %s%n",
          model.get("name"),
          model.get("cpuIdleWatts"),
          model.get("cpuMaxWatts"),
          model.get("memoryWattsPerGB"),
          model.get("source"));
    }
    for (Object w : (List<?>) r.get("warnings")) {
      p.println("  warning          " + w);
    }
    if (r.containsKey("emissionsCsv")) {
      p.println("  emissions.csv    " + r.get("emissionsCsv"));
    }
  }

  private static void printRows(PrintStream p, String title, String idHeader, List<?> rows) {
    p.println("  " + title + ":");
    p.printf(
        Locale.ROOT,
        "    %-8s %-40s %10s %10s %10s%n",
        idHeader.equals("PID") ? "PID" : "",
        idHeader.equals("PID") ? "COMMAND" : "CGROUP",
        "CPU s",
        "W",
        "J");
    for (Object o : rows) {
      Map<?, ?> row = (Map<?, ?>) o;
      String id = idHeader.equals("PID") ? String.valueOf(row.get("id")) : "";
      p.printf(
          Locale.ROOT,
          "    %-8s %-40s %10.2f %10.2f %10.2f%n",
          id,
          abbreviate(String.valueOf(row.get("name")), 40),
          row.get("cpuSeconds"),
          row.get("watts"),
          row.get("joules"));
    }
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }

  static String num(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
