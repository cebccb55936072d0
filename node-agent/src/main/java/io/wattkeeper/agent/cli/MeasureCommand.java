package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.host.HostPaths;
import io.wattkeeper.api.carbon.GridIntensity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.LocalDateTime;
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
    SimpleConfig config = SimpleConfig.system();
    return run(args, out, err, config, userCodeCarbonConfig(config), null);
  }

  static int run(
      String[] args, PrintStream out, PrintStream err, SimpleConfig config, GpuMeter gpu) {
    return run(args, out, err, config, userCodeCarbonConfig(config), gpu);
  }

  /** ~/.codecarbon.config, ./.codecarbon.config and CODECARBON_* of the environment. */
  static CodeCarbonConfig userCodeCarbonConfig(SimpleConfig config) {
    return CodeCarbonConfig.load(
        Path.of(System.getProperty("user.home", "/")), Path.of("").toAbsolutePath(), config.env());
  }

  static int run(
      String[] args,
      PrintStream out,
      PrintStream err,
      SimpleConfig config,
      CodeCarbonConfig codecarbon,
      GpuMeter gpu) {
    MeasureOptions o;
    try {
      o = MeasureOptions.parse(args, config, codecarbon);
    } catch (IllegalArgumentException e) {
      err.println("wattkeeper measure: " + e.getMessage());
      err.println("(wattkeeper measure --help lists the options)");
      return 2;
    }
    if (o.help()) {
      out.print(MeasureOptions.USAGE);
      return 0;
    }
    for (String note : codecarbon.notes()) {
      err.println("wattkeeper measure: note: " + note);
    }
    GpuMeter meter = gpu != null ? gpu : MachineContext.loadGpuMeter(err);
    try (meter;
        SignalForwarder signals = SignalForwarder.install(err)) {
      MachineContext m =
          new MachineContext(
              new HostPaths(o.hostRoot()),
              config,
              meter,
              o.cpuPowerWatts(),
              o.ramPowerWatts(),
              o.gpuIds());
      Carbon.Resolved carbon = Carbon.resolve(o.zone());
      Map<String, Object> report;
      if (o.duration().isPresent()) {
        err.println(
            "wattkeeper measure: watching the whole machine for "
                + o.duration().get().toString().substring(2).toLowerCase(Locale.ROOT)
                + " (Ctrl-C ends it early, with the report so far)");
        MachineWatch.Result r =
            MachineWatch.run(m, o.duration().get(), o.interval(), o.top(), signals);
        MachineIntegrator x = r.machine();
        EmissionsRow row =
            row(o, m, carbon, x, x.seconds, x.cpuJoules, x.memoryJoules, x.gpuJoules);
        report = machineReport(m, r, carbon, row);
        boolean written = appendCsv(o, row, report, err);
        print(o, report, out, err, false);
        int signal = signals.firstSignal();
        return exitStatus(signal == 0 ? 0 : 128 + signal, written);
      }
      CommandRun.Result r;
      try {
        r = CommandRun.run(m, o.command(), o.interval(), o.json(), signals);
      } catch (IOException e) {
        err.println("wattkeeper measure: cannot run " + o.command().get(0) + ": " + e.getMessage());
        return 127;
      }
      MachineIntegrator x = r.machine();
      boolean machine = o.trackingMode().equals("machine");
      EmissionsRow row =
          machine
              ? row(o, m, carbon, x, r.seconds(), x.cpuJoules, x.memoryJoules, x.gpuJoules)
              : row(o, m, carbon, x, r.seconds(), r.cpuJoules(), r.memoryJoules(), r.gpuJoules());
      report = commandReport(m, o, r, carbon, row);
      boolean written = appendCsv(o, row, report, err);
      print(o, report, out, err, true);
      return exitStatus(r.exitCode(), written);
    } catch (IOException | RuntimeException e) {
      err.println("wattkeeper measure: measuring failed: " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("wattkeeper measure: interrupted");
      return 130;
    }
  }

  private static EmissionsRow row(
      MeasureOptions o,
      MachineContext m,
      Carbon.Resolved carbon,
      MachineIntegrator x,
      double seconds,
      double cpuJ,
      double memJ,
      double gpuJ) {
    return new EmissionsRow(
        LocalDateTime.now(),
        o.projectName(),
        RunId.random().toString(),
        o.experimentId(),
        seconds,
        cpuJ,
        gpuJ,
        memJ,
        o.pue(),
        o.wue(),
        carbon.intensity().gramsPerKWh(),
        carbon,
        System.getProperty("os.name") + "-" + System.getProperty("os.version"),
        m.cpu.logicalCpus(),
        m.cpu.modelName(),
        x.gpuCount,
        String.join(" ", x.gpuNames),
        m.cpu.memoryBytes(),
        o.trackingMode(),
        x.utilizationPercent(),
        x.meanGpuUtilizationPercent(),
        x.meanMemoryPercent(),
        x.meanMemoryUsedBytes());
  }

  /** EX_IOERR of sysexits.h: the command succeeded but its emissions.csv row was lost. */
  static final int ROW_NOT_WRITTEN = 74;

  /**
   * The exit status: the command's own (128 + N when it, or a --duration watch, ended on signal N);
   * when the row could not be written, 74 instead of a 0, so a script sees the loss, while a failed
   * command's own status is never hidden (stderr says the row is lost either way).
   */
  static int exitStatus(int status, boolean rowWritten) {
    return !rowWritten && status == 0 ? ROW_NOT_WRITTEN : status;
  }

  static Map<String, Object> commandReport(
      MachineContext m,
      MeasureOptions o,
      CommandRun.Result r,
      Carbon.Resolved carbon,
      EmissionsRow row) {
    Map<String, Object> rep = new LinkedHashMap<>();
    rep.put("command", o.command());
    rep.put("exitCode", r.exitCode());
    rep.put("trackingMode", row.trackingMode());
    rep.put("durationSeconds", round(r.seconds(), 3));
    rep.put("cpuSeconds", round(r.cpuSeconds(), 3));
    rep.put("cpuJoules", round(row.cpuJoules(), 3));
    rep.put("memoryJoules", round(row.ramJoules(), 3));
    rep.put("gpuJoules", round(row.gpuJoules(), 3));
    energyAndCarbon(rep, row, carbon);
    // The command's own memory; emissions.csv's ram_used_gb is the machine's, as CodeCarbon's.
    rep.put("meanRssBytes", Math.round(r.meanRssBytes()));
    common(rep, m, r.machine());
    return rep;
  }

  static Map<String, Object> machineReport(
      MachineContext m, MachineWatch.Result r, Carbon.Resolved carbon, EmissionsRow row) {
    Map<String, Object> rep = new LinkedHashMap<>();
    MachineIntegrator x = r.machine();
    rep.put("trackingMode", "machine");
    rep.put("durationSeconds", round(x.seconds, 3));
    rep.put("cpuJoules", round(x.cpuJoules, 3));
    rep.put("memoryJoules", round(x.memoryJoules, 3));
    rep.put("gpuJoules", round(x.gpuJoules, 3));
    energyAndCarbon(rep, row, carbon);
    rep.put("processes", rows(r.processes()));
    rep.put("cgroups", rows(r.cgroups()));
    common(rep, m, x);
    return rep;
  }

  /** Energy (kWh with the PUE, joules without) and CO2e, as the csv row has them. */
  private static void energyAndCarbon(
      Map<String, Object> rep, EmissionsRow row, Carbon.Resolved c) {
    GridIntensity g = c.intensity();
    rep.put("energyJoules", round(row.cpuJoules() + row.ramJoules() + row.gpuJoules(), 3));
    rep.put("pue", row.pue());
    rep.put("energyKWh", row.kwh());
    rep.put("co2eKg", row.emissionsKg());
    rep.put("wue", row.wue());
    rep.put("waterLitres", row.waterLitres());
    Map<String, Object> ci = new LinkedHashMap<>();
    ci.put("gramsPerKWh", g.gramsPerKWh());
    ci.put("zone", g.zone());
    ci.put("countryIsoCode", c.country().alpha3());
    ci.put("countryName", c.country().name());
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

  /** Appends the row; false (said on stderr and in the report) when it could not be written. */
  private static boolean appendCsv(
      MeasureOptions o, EmissionsRow row, Map<String, Object> report, PrintStream err) {
    Path file = o.outputFile();
    try {
      EmissionsCsv.appendTo(file, row.values());
      report.put("emissionsCsv", file.toString());
      return true;
    } catch (IOException | RuntimeException e) {
      String why = reason(e);
      err.println(
          "wattkeeper measure: ERROR: the emissions.csv row was NOT written to "
              + file
              + ": "
              + why);
      report.put("emissionsCsvError", file + ": " + why);
      return false;
    }
  }

  /**
   * Why a write failed. The JDK's file-system exceptions carry only the path as their message, so
   * the kind of failure is said in words (the reason the OS gave, else the exception's kind).
   */
  static String reason(Exception e) {
    if (e instanceof FileSystemException f) {
      String kind = f.getClass().getSimpleName();
      if (f instanceof NoSuchFileException) {
        kind = "no such file or directory";
      } else if (f instanceof AccessDeniedException) {
        kind = "permission denied";
      } else if (f instanceof FileAlreadyExistsException) {
        kind = "exists and is not a directory";
      } else if (f instanceof NotDirectoryException) {
        kind = "not a directory";
      }
      String file = f.getFile() != null ? f.getFile() : "";
      String other = f.getOtherFile() != null ? " -> " + f.getOtherFile() : "";
      return (f.getReason() != null ? f.getReason() : kind) + ": " + file + other;
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
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
    double pue = (Double) r.get("pue");
    p.printf(
        Locale.ROOT,
        "  energy           %.9f kWh (%.2f J%s), tracking mode %s%n",
        r.get("energyKWh"),
        r.get("energyJoules"),
        pue == 1.0 ? "" : String.format(Locale.ROOT, " x PUE %s", pue),
        r.get("trackingMode"));
    p.printf(Locale.ROOT, "  CO2e             %.9f kg%n", r.get("co2eKg"));
    if ((Double) r.get("wue") > 0) {
      p.printf(
          Locale.ROOT,
          "  water            %.9f L (WUE %s L/kWh)%n",
          r.get("waterLitres"),
          r.get("wue"));
    }
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

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
