package io.wattkeeper.sandbox.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Ending process trees, and finding processes by a marker in their environment. */
public final class Processes {
  /** The environment marker of every process the sandbox's kubelet starts: the pod's UID. */
  public static final String POD_UID_ENV = "WATTKEEPER_SANDBOX_POD_UID";

  /** The environment marker of every process the sandbox starts: its directory. */
  public static final String DIR_ENV = "WATTKEEPER_SANDBOX_DIR";

  private Processes() {}

  /** SIGTERM to the process and its descendants, SIGKILL to what is left after {@code graceMs}. */
  public static void endTree(ProcessHandle root, long graceMs) {
    List<ProcessHandle> all = new ArrayList<>();
    root.descendants().forEach(all::add);
    all.add(root);
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
    for (ProcessHandle p : all) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          p.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception e) {
        // still alive: killed below
      }
    }
    // Descendants may have forked again meanwhile: collect once more before SIGKILL.
    root.descendants().forEach(all::add);
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** Kills (SIGKILL) every process whose environment has {@code name=value}. Returns how many. */
  public static int killMarked(Path proc, String name, String value) {
    int n = 0;
    for (long pid : marked(proc, name, value)) {
      if (pid == ProcessHandle.current().pid()) {
        continue;
      }
      n += ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false) ? 1 : 0;
    }
    return n;
  }

  /** PIDs whose environment holds {@code name=value} (readable ones: ours, or all as root). */
  public static List<Long> marked(Path proc, String name, String value) {
    byte[] needle = ("\0" + name + "=" + value + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] first = (name + "=" + value + "\0").getBytes(StandardCharsets.UTF_8);
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path d : dirs) {
        byte[] env;
        try {
          env = Files.readAllBytes(d.resolve("environ"));
        } catch (IOException | SecurityException e) {
          continue;
        }
        if (startsWith(env, first) || indexOf(env, needle) >= 0) {
          out.add(Long.parseLong(d.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      // no /proc: nothing found
    }
    return out;
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    if (a.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] a, byte[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (a[i + j] != b[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
