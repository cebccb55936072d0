package io.wattkeeper.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Parsed arguments of {@code measure}. */
public record MeasureOptions(
    Optional<Duration> duration,
    List<String> command,
    boolean json,
    Path outputDir,
    Optional<String> zone,
    Path hostRoot,
    Duration interval,
    int top,
    String projectName) {

  static final String USAGE =
      """
      usage: wattkeeper measure [options] -- <command> [args...]
             wattkeeper measure [options] --duration 30s
        --duration D      watch the whole machine for D (e.g. 30s, 5m) and list the busiest
                          processes and cgroups
        --format F        text (default) or json
        --output-dir DIR  where emissions.csv is appended (default: the current directory)
        --zone Z          grid zone: ISO 3166 country code (FR, DE, US) or cloud region
                          (us-east-1, europe-west4); default: wattkeeper.agent.zone, else the
                          world average
        --interval D      sampling interval (default 2s; each sample scans /proc)
        --top N           rows in the --duration tables (default 10)
        --project-name P  project_name column of emissions.csv (default wattkeeper)
      """;

  static MeasureOptions parse(String[] args, SimpleConfig config) {
    Optional<Duration> duration = Optional.empty();
    List<String> command = new ArrayList<>();
    boolean json = false;
    Path outputDir = Path.of(".");
    Optional<String> zone = config.get("wattkeeper.agent.zone");
    Path hostRoot = Path.of(config.get("wattkeeper.agent.host-root").orElse("/"));
    Duration interval = Duration.ofSeconds(2);
    int top = 10;
    String project = "wattkeeper";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        for (int j = i + 1; j < args.length; j++) {
          command.add(args[j]);
        }
        break;
      }
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--duration" -> duration = Optional.of(parseDuration(need(a, value)));
        case "--format" -> {
          String f = need(a, value).toLowerCase(Locale.ROOT);
          if (!f.equals("json") && !f.equals("text")) {
            throw new IllegalArgumentException("--format must be text or json, got '" + f + "'");
          }
          json = f.equals("json");
        }
        case "--output-dir" -> outputDir = Path.of(need(a, value));
        case "--zone" -> zone = Optional.of(need(a, value));
        case "--host-root" -> hostRoot = Path.of(need(a, value));
        case "--interval" -> interval = parseDuration(need(a, value));
        case "--top" -> top = Integer.parseInt(need(a, value));
        case "--project-name" -> project = need(a, value);
        default -> throw new IllegalArgumentException("unknown option '" + a + "'");
      }
      i++;
    }
    if (duration.isPresent() == !command.isEmpty()) {
      throw new IllegalArgumentException("give either --duration D or -- <command> [args...]");
    }
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("--interval must be positive");
    }
    return new MeasureOptions(
        duration, List.copyOf(command), json, outputDir, zone, hostRoot, interval, top, project);
  }

  private static String need(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** 30s, 5m, 1h, 500ms, or ISO-8601 (PT30S). */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt")) {
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
