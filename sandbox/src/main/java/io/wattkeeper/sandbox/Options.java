package io.wattkeeper.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code wattkeeper sandbox} options.
 *
 * @param dir kubeconfig, logs and pod working directories
 * @param runFor stop by itself after this long; null: until SIGINT/SIGTERM
 * @param demo start the demo in namespace demo
 * @param port API port; 0: any free port
 * @param home the project's root (where node-agent/ and operator/ were built)
 * @param timing demo timings (default, or shortened for tests)
 * @param operators operator replicas (2 or 3: leader election, as the chart's two)
 */
public record Options(
    Path dir,
    Duration runFor,
    boolean demo,
    int port,
    Path home,
    DemoTiming timing,
    int operators) {

  static final String USAGE =
      """
      Usage: wattkeeper sandbox [--dir DIR] [--for DURATION] [--no-demo] [--port N]
                                [--operators N]

      Starts the whole system on this machine: an embedded Kubernetes API that the real kubectl
      talks to, a local node that runs pods as processes, the real node agent and operator, and
      a demo in namespace demo (docs/sandbox.md). Linux only.

        --dir DIR        kubeconfig (DIR/kubeconfig), logs and pod directories
                         (default: .wattkeeper-sandbox in the current directory)
        --for DURATION   stop by itself after DURATION (e.g. 300s, 5m) and exit 0;
                         without it, Ctrl-C stops everything
        --no-demo        start the system without the demo workloads and budgets
        --port N         API server port (default: any free port)
        --operators N    operator replicas, 1 to 3 (default 1); with 2 or 3 they elect a
                         leader on a Lease, as the chart's two do, and one that exits is
                         restarted (a standby takes over)
        -h, --help       this help
      """;

  /** Timings of the demo: the defaults, or shortened ones for the automated test. */
  public record DemoTiming(
      String idleAfter, String teamLimit, int modelLoadSeconds, int requestSeconds) {
    /**
     * The demo client sends requests to inference for its first 40 s (energy per request and per 1k
     * tokens), then stops, so the idle rule puts it to sleep a minute later.
     */
    public static final DemoTiming DEFAULT = new DemoTiming("60s", "0.02Wh", 3, 40);

    public DemoTiming(String idleAfter, String teamLimit, int modelLoadSeconds) {
      this(idleAfter, teamLimit, modelLoadSeconds, 0);
    }
  }

  public static Options parse(List<String> args, Path home) {
    Path dir = Path.of(".wattkeeper-sandbox");
    Duration runFor = null;
    boolean demo = true;
    int port = 0;
    int operators = 1;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--dir" -> dir = Path.of(value(args, ++i, a));
        case "--for" -> runFor = duration(value(args, ++i, a));
        case "--no-demo" -> demo = false;
        case "--operators" -> operators = replicas(value(args, ++i, a));
        case "--port" -> {
          String v = value(args, ++i, a);
          try {
            port = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port: not a number: " + v);
          }
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port: out of range: " + v);
          }
        }
        default -> {
          if (a.startsWith("--dir=")) {
            dir = Path.of(a.substring(6));
          } else if (a.startsWith("--for=")) {
            runFor = duration(a.substring(6));
          } else if (a.startsWith("--operators=")) {
            operators = replicas(a.substring(12));
          } else if (a.startsWith("--port=")) {
            port = Integer.parseInt(a.substring(7));
          } else {
            throw new IllegalArgumentException("unknown option " + a);
          }
        }
      }
    }
    return new Options(
        dir.toAbsolutePath().normalize(), runFor, demo, port, home, DemoTiming.DEFAULT, operators);
  }

  private static int replicas(String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 3) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("--operators: 1, 2 or 3, not " + v);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }

  /** 300s, 5m, 1h, 1m30s, or plain seconds. */
  static Duration duration(String text) {
    String t = text.trim();
    if (t.matches("[0-9]+")) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    if (!t.matches("([0-9]+(ms|s|m|h))+")) {
      throw new IllegalArgumentException("not a duration: " + text + " (e.g. 300s, 5m, 1h)");
    }
    Duration d = Duration.ZERO;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)").matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return d;
  }

  public Options withTiming(DemoTiming t) {
    return new Options(dir, runFor, demo, port, home, t, operators);
  }

  public Options withOperators(int n) {
    return new Options(dir, runFor, demo, port, home, timing, n);
  }
}
