package io.wattkeeper.agent.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What a wrapper must do with SIGINT, SIGTERM and SIGHUP: instead of the JVM's default (exit at
 * once, no row, no report, the command left running), pass the signal on to the command and let
 * measure go on waiting for it, so the report and the emissions.csv row are written for what was
 * measured and measure exits with the command's status.
 *
 * <p>A terminal's Ctrl-C (or hang-up) is sent by the kernel to the whole foreground process group,
 * the command included: when measure is in the terminal's foreground group, SIGINT and SIGHUP are
 * therefore not sent a second time (many programs take a second SIGINT as "quit now, skip the
 * clean-up"). SIGTERM, which no terminal sends, is always passed on. Signals that arrive before the
 * command has started are passed on once it has.
 */
final class SignalForwarder implements AutoCloseable {
  static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");

  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private final CountDownLatch received = new CountDownLatch(1);
  private final PrintStream err;
  private volatile int firstSignal;
  private volatile long target = -1;
  private volatile Signal pending;

  private SignalForwarder(PrintStream err) {
    this.err = err;
  }

  /** Takes over SIGINT, SIGTERM and SIGHUP until {@link #close()}. */
  static SignalForwarder install(PrintStream err) {
    SignalForwarder f = new SignalForwarder(err);
    for (String name : SIGNALS) {
      try {
        Signal s = new Signal(name);
        f.previous.put(s, Signal.handle(s, f::handle));
      } catch (IllegalArgumentException e) {
        // The JVM was started with -Xrs or the signal is reserved here: keep its default.
      }
    }
    return f;
  }

  /** The command's PID: signals from now on (and one that came before) are passed to it. */
  void forwardTo(long pid) {
    target = pid;
    Signal early = pending;
    if (early != null) {
      pending = null;
      pass(early);
    }
  }

  /** Waits up to {@code millis} for a signal; true when one has come. */
  boolean await(long millis) throws InterruptedException {
    return received.await(millis, TimeUnit.MILLISECONDS);
  }

  /** The number of the first signal received, 0 when none. */
  int firstSignal() {
    return firstSignal;
  }

  private void handle(Signal s) {
    if (firstSignal == 0) {
      firstSignal = s.getNumber();
    }
    received.countDown();
    if (target < 0) {
      pending = s;
      return;
    }
    pass(s);
  }

  private void pass(Signal s) {
    if (!s.getName().equals("TERM") && inTerminalForeground(readSelfStat())) {
      err.println(
          "wattkeeper measure: SIG"
              + s.getName()
              + " from the terminal reached the command too; waiting for it to end");
      return;
    }
    err.println("wattkeeper measure: passing SIG" + s.getName() + " on to the command");
    if (!kill(target, s)) {
      err.println("wattkeeper measure: could not pass SIG" + s.getName() + " on to " + target);
    }
  }

  /**
   * True when this process is in the foreground process group of a controlling terminal: fields
   * pgrp (5), tty_nr (7) and tpgid (8) of /proc/self/stat. False when unknown.
   */
  static boolean inTerminalForeground(String stat) {
    if (stat == null || stat.lastIndexOf(')') < 0) {
      return false;
    }
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    try {
      long pgrp = Long.parseLong(f[2]);
      long ttyNr = Long.parseLong(f[4]);
      long tpgid = Long.parseLong(f[5]);
      return ttyNr != 0 && tpgid == pgrp;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String readSelfStat() {
    try {
      return Files.readString(Path.of("/proc/self/stat"));
    } catch (IOException e) {
      return null;
    }
  }

  /** kill(2) through libc; the kill command where JNA cannot load. */
  private static boolean kill(long pid, Signal s) {
    try {
      int rc = LibC.INSTANCE.kill((int) pid, s.getNumber());
      // ESRCH (the command has just ended) is not a failure: there is nothing left to signal.
      return rc == 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (LinkageError e) {
      try {
        Process p = new ProcessBuilder("kill", "-s", s.getName(), Long.toString(pid)).start();
        return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException | InterruptedException ex) {
        if (ex instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return false;
      }
    }
  }

  /** Puts the JVM's own handlers back. */
  @Override
  public void close() {
    previous.forEach(Signal::handle);
    previous.clear();
  }

  /** Loaded at the first signal only: a run without one never touches JNA. */
  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int kill(int pid, int sig);
  }
}
