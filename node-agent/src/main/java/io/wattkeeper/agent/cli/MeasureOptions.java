package io.wattkeeper.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Parsed arguments of {@code measure}. Each value comes from its option, else the CodeCarbon set-up
 * ({@link CodeCarbonConfig}), else the agent's configuration (zone), else the default; every number
 * and duration is checked, and a wrong one is refused with the option (or setting) named.
 */
public record MeasureOptions(
    Optional<Duration> duration,
    List<String> command,
    boolean json,
    Path outputFile,
    Optional<String> zone,
    Path hostRoot,
    Duration interval,
    int top,
    String projectName,
    String experimentId,
    String trackingMode,
    double pue,
    double wue,
    List<String> gpuIds,
    OptionalDouble cpuPowerWatts,
    OptionalDouble ramPowerWatts,
    boolean help) {

  static final String USAGE =
      """
      usage: wattkeeper measure [options] -- <command> [args...]
             wattkeeper measure [options] --duration 30s
        -h, --help           this text
        --duration D         watch the whole machine for D (e.g. 30s, 5m) and list the busiest
                             processes and cgroups
        --format F           text (default) or json
        --output-dir DIR     where the csv is appended (default: the current directory)
        --output-file NAME   the csv's name in DIR (default emissions.csv)
        --zone Z             grid zone: ISO 3166 country, alpha-2 or alpha-3 (FR, FRA, US, USA),
                             or cloud region (us-east-1, europe-west4); default:
                             wattkeeper.agent.zone, else the world average
        --tracking-mode M    process (default with a command: the command's share) or machine
                             (the whole machine's energy while it runs, idle included)
        --pue X              power usage effectiveness of the data centre, >= 1 (default 1.0):
                             energies and CO2e are multiplied by it, watts are not
        --wue X              water usage effectiveness, litres per kWh, >= 0 (default 0):
                             water_consumed = X x energy_consumed (with the PUE)
        --experiment-id ID   experiment_id column
        --project-name P     project_name column (default wattkeeper)
        --gpu-ids IDS        only these GPUs: NVML indexes or UUIDs, comma-separated
        --cpu-power W        the machine's CPU power at full load in watts, instead of RAPL and
                             the model (CodeCarbon's force_cpu_power)
        --ram-power W        memory power in watts, constant (CodeCarbon's force_ram_power)
        --interval D         sampling interval (default 2s; each sample scans /proc)
        --top N              rows in the --duration tables (default 10)
      CodeCarbon's .codecarbon.config ([codecarbon] in ~ and .) and CODECARBON_* variables are
      read too (project_name, experiment_id, country_iso_code, cloud_provider + cloud_region,
      output_dir, output_file, tracking_mode, pue, wue, gpu_ids, force_cpu_power, force_ram_power,
      measure_power_secs); options win.
      Exit status: the command's (128+N when it died of signal N); 74 when it succeeded but the
      csv row could not be written; 2 bad arguments; 127 the command cannot start.
      """;

  static MeasureOptions parse(String[] args, SimpleConfig config) {
    return parse(args, config, CodeCarbonConfig.NONE);
  }

  static MeasureOptions parse(String[] args, SimpleConfig config, CodeCarbonConfig cc) {
    Optional<Duration> duration = Optional.empty();
    List<String> command = new ArrayList<>();
    boolean json = false;
    String outputDir = orElse(cc.get("output_dir"), ".");
    String outputFile = orElse(cc.get("output_file"), "emissions.csv");
    Optional<String> zone =
        Optional.ofNullable(cc.zone()).or(() -> config.get("wattkeeper.agent.zone"));
    Path hostRoot = Path.of(config.get("wattkeeper.agent.host-root").orElse("/"));
    Duration interval =
        cc.get("measure_power_secs") == null
            ? Duration.ofSeconds(2)
            : secondsSetting(cc.label("measure_power_secs"), cc.get("measure_power_secs"));
    int top = 10;
    String project = orElse(cc.get("project_name"), "wattkeeper");
    String experiment = orElse(cc.get("experiment_id"), "");
    String mode =
        cc.get("tracking_mode") == null
            ? null
            : trackingMode(cc.label("tracking_mode"), cc.get("tracking_mode"));
    double pue = cc.get("pue") == null ? 1.0 : pue(cc.label("pue"), cc.get("pue"));
    double wue = cc.get("wue") == null ? 0.0 : wue(cc.label("wue"), cc.get("wue"));
    List<String> gpuIds =
        cc.get("gpu_ids") == null
            ? List.of()
            : gpuIdsSetting(cc.label("gpu_ids"), cc.get("gpu_ids"));
    OptionalDouble cpuPower =
        cc.get("force_cpu_power") == null
            ? OptionalDouble.empty()
            : OptionalDouble.of(
                watts(cc.label("force_cpu_power"), cc.get("force_cpu_power"), false));
    OptionalDouble ramPower =
        cc.get("force_ram_power") == null
            ? OptionalDouble.empty()
            : OptionalDouble.of(
                watts(cc.label("force_ram_power"), cc.get("force_ram_power"), true));
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        for (int j = i + 1; j < args.length; j++) {
          command.add(args[j]);
        }
        break;
      }
      if (a.equals("-h") || a.equals("--help")) {
        help = true;
        continue;
      }
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      } else {
        value = i + 1 < args.length ? args[++i] : null;
      }
      switch (a) {
        case "--duration" -> duration = Optional.of(positive(a, need(a, value)));
        case "--format" -> {
          String f = need(a, value).toLowerCase(Locale.ROOT);
          if (!f.equals("json") && !f.equals("text")) {
            throw new IllegalArgumentException("--format must be text or json, got '" + f + "'");
          }
          json = f.equals("json");
        }
        case "--output-dir" -> outputDir = nonBlank(a, value);
        case "--output-file" -> outputFile = nonBlank(a, value);
        case "--zone" -> zone = Optional.of(nonBlank(a, value));
        case "--host-root" -> hostRoot = Path.of(nonBlank(a, value));
        case "--interval" -> interval = interval(a, positive(a, need(a, value)));
        case "--top" -> top = positiveInt(a, need(a, value));
        case "--project-name" -> project = need(a, value);
        case "--experiment-id" -> experiment = need(a, value);
        case "--tracking-mode" -> mode = trackingMode(a, need(a, value));
        case "--pue" -> pue = pue(a, need(a, value));
        case "--wue" -> wue = wue(a, need(a, value));
        case "--gpu-ids" -> gpuIds = gpuIds(a, need(a, value));
        case "--cpu-power" -> cpuPower = OptionalDouble.of(watts(a, need(a, value), false));
        case "--ram-power" -> ramPower = OptionalDouble.of(watts(a, need(a, value), true));
        default ->
            throw new IllegalArgumentException(
                "unknown option '" + a + "' (a command goes after --; see --help)");
      }
    }
    if (!help && duration.isPresent() == !command.isEmpty()) {
      throw new IllegalArgumentException("give either --duration D or -- <command> [args...]");
    }
    if (duration.isPresent() && "process".equals(mode)) {
      throw new IllegalArgumentException(
          "--tracking-mode process needs a command (-- <command>); --duration watches the machine");
    }
    return new MeasureOptions(
        duration,
        List.copyOf(command),
        json,
        Path.of(outputDir).resolve(outputFile),
        zone,
        hostRoot,
        interval,
        top,
        project,
        experiment,
        mode != null ? mode : duration.isPresent() ? "machine" : "process",
        pue,
        wue,
        List.copyOf(gpuIds),
        cpuPower,
        ramPower,
        help);
  }

  private static String orElse(String v, String fallback) {
    return v != null ? v : fallback;
  }

  private static String need(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private static String nonBlank(String option, String value) {
    if (need(option, value).isBlank()) {
      throw new IllegalArgumentException(option + " needs a value, got an empty one");
    }
    return value;
  }

  private static Duration positive(String option, String text) {
    Duration d;
    try {
      d = parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(
          option + " must be a positive duration (30s, 5m, 1h), got '" + text + "'");
    }
    return d;
  }

  private static Duration interval(String option, Duration d) {
    if (d.toMillis() < 10) {
      throw new IllegalArgumentException(
          option + " must be at least 10ms (each sample scans /proc), got " + d.toMillis() + "ms");
    }
    return d;
  }

  /** CodeCarbon's measure_power_secs: a number of seconds. */
  private static Duration secondsSetting(String label, String text) {
    double s = number(label, text);
    if (!(s > 0)) {
      throw new IllegalArgumentException(
          label + " must be a positive number of seconds, got '" + text + "'");
    }
    return interval(label, Duration.ofMillis(Math.round(s * 1000)));
  }

  private static int positiveInt(String option, String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        option + " must be a whole number of at least 1, got '" + text + "'");
  }

  private static double number(String option, String text) {
    try {
      double v = Double.parseDouble(text.trim());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(option + " must be a number, got '" + text + "'");
  }

  private static double pue(String option, String text) {
    double v = number(option, text);
    if (v < 1) {
      throw new IllegalArgumentException(
          option
              + " must be at least 1 (power usage effectiveness: facility / IT energy), got '"
              + text
              + "'");
    }
    return v;
  }

  private static double wue(String option, String text) {
    double v = number(option, text);
    if (v < 0) {
      throw new IllegalArgumentException(
          option + " must be at least 0 (litres of water per kWh), got '" + text + "'");
    }
    return v;
  }

  private static double watts(String option, String text, boolean zeroAllowed) {
    double v = number(option, text);
    if (v < 0 || (v == 0 && !zeroAllowed) || v > 100_000) {
      throw new IllegalArgumentException(
          option
              + " must be watts, "
              + (zeroAllowed ? "0" : "above 0")
              + " to 100000, got '"
              + text
              + "'");
    }
    return v;
  }

  private static String trackingMode(String option, String text) {
    String m = text.trim().toLowerCase(Locale.ROOT);
    if (!m.equals("machine") && !m.equals("process")) {
      throw new IllegalArgumentException(
          option + " must be machine or process, got '" + text + "'");
    }
    return m;
  }

  /** NVML indexes or UUIDs (letters, digits, '-'), comma-separated, as CodeCarbon's gpu_ids. */
  private static List<String> gpuIds(String option, String text) {
    List<String> ids = new ArrayList<>();
    for (String id : text.split(",", -1)) {
      String t = id.strip();
      if (t.isEmpty() || !t.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
        throw new IllegalArgumentException(
            option
                + " must be GPU indexes or UUIDs separated by commas (0,1 or GPU-5fd4...), got '"
                + text
                + "'");
      }
      ids.add(t);
    }
    return ids;
  }

  /**
   * CodeCarbon's gpu_ids setting as its core/config.py {@code parse_gpu_ids} reads it: only
   * letters, digits, '-' and ',' are kept (so {@code [0, 1]} is 0 and 1), empty ids are dropped.
   */
  private static List<String> gpuIdsSetting(String label, String text) {
    StringBuilder kept = new StringBuilder();
    text.codePoints()
        .filter(c -> Character.isLetterOrDigit(c) || c == '-' || c == ',')
        .forEach(kept::appendCodePoint);
    List<String> ids = new ArrayList<>();
    for (String id : kept.toString().split(",")) {
      if (!id.isEmpty()) {
        ids.add(id);
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(
          label + " names no GPU (indexes or UUIDs, 0,1 or GPU-5fd4...), got '" + text + "'");
    }
    return ids;
  }

  /** 30s, 5m, 1h, 500ms, or ISO-8601 (PT30S). */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("-pt")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (use 30s, 5m, 1h)");
    }
  }
}
