package io.wattkeeper.sandbox.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Pod cgroups in kubelet's own layout with the cgroupfs driver ({@code kubepods/<qos>/pod<uid>/
 * <container>}, Guaranteed pods directly under kubepods), in every v1 hierarchy the node agent
 * reads (cpuacct, memory) or in the v2 unified tree. Available only where the sandbox may create
 * cgroups (root with a writable /sys/fs/cgroup); otherwise {@link #detect} says why not and the
 * kubelet marks processes through their environment instead.
 */
public final class PodCgroups {
  private final boolean v2;
  private final List<Path> roots;

  private PodCgroups(boolean v2, List<Path> roots) {
    this.v2 = v2;
    this.roots = roots;
  }

  /** The cgroup layout to use, or a reason in {@code why} when there is none. */
  public static Optional<PodCgroups> detect(Path cgroupRoot, StringBuilder why) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      why.append("not Linux");
      return Optional.empty();
    }
    List<Path> roots = new ArrayList<>();
    boolean v2 = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
    if (v2) {
      roots.add(cgroupRoot);
    } else {
      Path cpu = null;
      for (String n : List.of("cpu,cpuacct", "cpuacct,cpu", "cpuacct")) {
        if (Files.isDirectory(cgroupRoot.resolve(n))) {
          cpu = cgroupRoot.resolve(n);
          break;
        }
      }
      if (cpu == null) {
        why.append("no cpuacct cgroup hierarchy under ").append(cgroupRoot);
        return Optional.empty();
      }
      roots.add(cpu);
      if (Files.isDirectory(cgroupRoot.resolve("memory"))) {
        roots.add(cgroupRoot.resolve("memory"));
      }
    }
    for (Path r : roots) {
      Path probe = r.resolve("kubepods");
      try {
        Files.createDirectories(probe);
        if (!Files.isWritable(probe.resolve("cgroup.procs"))) {
          why.append(probe).append("/cgroup.procs is not writable");
          return Optional.empty();
        }
      } catch (IOException | SecurityException e) {
        why.append("cannot create ").append(probe).append(": ").append(e.getMessage());
        return Optional.empty();
      }
    }
    if (v2) {
      // memory.current and cpu.stat below kubepods need the controllers enabled on the way down.
      enable(cgroupRoot.resolve("cgroup.subtree_control"));
      enable(cgroupRoot.resolve("kubepods/cgroup.subtree_control"));
    }
    return Optional.of(new PodCgroups(v2, List.copyOf(roots)));
  }

  private static void enable(Path subtreeControl) {
    for (String c : List.of("+cpu", "+memory")) {
      try {
        Files.writeString(subtreeControl, c);
      } catch (IOException e) {
        // a controller that cannot be enabled leaves its files out; the agent says so
      }
    }
  }

  public String describe() {
    return (v2 ? "cgroup v2" : "cgroup v1") + ", cgroupfs driver, kubepods under " + roots;
  }

  /** The pod's cgroup path relative to a hierarchy root. */
  static String podPath(String qos, String uid) {
    return "Guaranteed".equals(qos)
        ? "kubepods/pod" + uid
        : "kubepods/" + qos.toLowerCase(Locale.ROOT) + "/pod" + uid;
  }

  /** Creates the container's cgroup in every hierarchy; returns the cgroup.procs files to join. */
  public List<Path> create(String qos, String uid, String containerId) throws IOException {
    List<Path> procs = new ArrayList<>();
    for (Path r : roots) {
      Path qosDir = r.resolve(podPath(qos, uid)).getParent();
      Files.createDirectories(qosDir);
      if (v2 && !"Guaranteed".equals(qos)) {
        enable(qosDir.resolve("cgroup.subtree_control"));
      }
      Path pod = r.resolve(podPath(qos, uid));
      Files.createDirectories(pod);
      if (v2) {
        enable(pod.resolve("cgroup.subtree_control"));
      }
      Path c = pod.resolve(containerId);
      Files.createDirectories(c);
      procs.add(c.resolve("cgroup.procs"));
    }
    return procs;
  }

  /** PIDs still in the pod's cgroups (to kill what escaped the process tree). */
  public List<Long> pids(String qos, String uid) {
    List<Long> out = new ArrayList<>();
    for (Path r : roots) {
      Path pod = r.resolve(podPath(qos, uid));
      if (!Files.isDirectory(pod)) {
        continue;
      }
      try (var walk = Files.walk(pod)) {
        walk.filter(p -> p.getFileName().toString().equals("cgroup.procs"))
            .forEach(
                p -> {
                  try {
                    for (String line : Files.readAllLines(p)) {
                      if (!line.isBlank()) {
                        out.add(Long.parseLong(line.trim()));
                      }
                    }
                  } catch (IOException | NumberFormatException e) {
                    // gone meanwhile
                  }
                });
      } catch (IOException e) {
        // gone meanwhile
      }
    }
    return out;
  }

  /** Removes the pod's cgroups (containers first); a cgroup with processes left stays. */
  public void remove(String qos, String uid) {
    for (Path r : roots) {
      Path pod = r.resolve(podPath(qos, uid));
      if (!Files.isDirectory(pod)) {
        continue;
      }
      try (var list = Files.list(pod)) {
        list.filter(Files::isDirectory).forEach(PodCgroups::rmdir);
      } catch (IOException e) {
        // gone meanwhile
      }
      rmdir(pod);
    }
  }

  private static void rmdir(Path p) {
    for (int i = 0; i < 20; i++) {
      try {
        Files.deleteIfExists(p);
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50); // the kernel frees a cgroup shortly after its last process exits
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
