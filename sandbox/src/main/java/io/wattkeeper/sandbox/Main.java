package io.wattkeeper.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code wattkeeper sandbox ...}: parses options, runs the sandbox until --for or a signal. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // One line per log record, like the sandbox's own lines.
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
    List<String> a = Arrays.asList(args);
    if (!a.isEmpty() && a.get(0).equals("sandbox")) {
      a = a.subList(1, a.size());
    }
    System.exit(run(a, home(), System.out, System.err));
  }

  /** The project root: -Dwattkeeper.home (the launcher sets it), else the current directory. */
  static Path home() {
    String h = System.getProperty("wattkeeper.home");
    return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
  }

  /** Runs the sandbox; returns the exit code. */
  public static int run(List<String> args, Path home, PrintStream out, PrintStream err) {
    if (args.contains("-h") || args.contains("--help")) {
      out.print(Options.USAGE);
      return 0;
    }
    Options options;
    try {
      options = Options.parse(args, home);
    } catch (IllegalArgumentException e) {
      err.println("wattkeeper sandbox: " + e.getMessage());
      err.print(Options.USAGE);
      return 2;
    }
    return run(options, out, err);
  }

  static int run(Options options, PrintStream out, PrintStream err) {
    return run(options, out, err, new CountDownLatch(1));
  }

  /** Runs until --for, a signal, or {@code stop} (for tests); returns the exit code. */
  public static int run(Options options, PrintStream out, PrintStream err, CountDownLatch stop) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      err.println(
          "wattkeeper sandbox: Linux only (pods are local processes measured through /proc and"
              + " cgroups); this is "
              + System.getProperty("os.name"));
      return 2;
    }
    Sandbox sandbox = new Sandbox(options, out);
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              sandbox.close();
              done.countDown();
            },
            "sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      sandbox.start();
    } catch (IOException | RuntimeException e) {
      err.println("wattkeeper sandbox: " + e.getMessage());
      sandbox.close();
      removeHook(hook);
      return 1;
    }
    Duration runFor = options.runFor();
    sandbox.log(
        runFor == null
            ? "running; Ctrl-C stops everything"
            : "running for " + runFor.toSeconds() + " s, then stopping everything");
    long deadline = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (done.await(
            Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
            TimeUnit.MILLISECONDS)) {
          return 0;
        }
        if (stop.getCount() == 0) {
          break;
        }
        var dead = sandbox.deadChild();
        if (dead.isPresent()) {
          err.println("wattkeeper sandbox: " + dead.get());
          sandbox.close();
          removeHook(hook);
          return 1;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sandbox.close();
    removeHook(hook);
    return 0;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
  }
}
