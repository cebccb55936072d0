package io.wattkeeper.agent.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How this node's cgroups are laid out: v1 or v2, and kubelet's cgroup driver (systemd or
 * cgroupfs), detected from the tree itself.
 *
 * @param cpuRoot v2: the unified root; v1: the cpuacct hierarchy
 * @param memoryRoot v2: the unified root; v1: the memory hierarchy (may be absent)
 * @param kubepods the kubepods directory name ("kubepods.slice" or "kubepods") under the roots
 */
public record CgroupLayout(
    boolean v2, boolean systemd, Path cpuRoot, Path memoryRoot, String kubepods) {

  /** Detects the layout; empty when there is no kubepods cgroup (not a Kubernetes node). */
  public static Optional<CgroupLayout> detect(Path cgroupRoot) {
    boolean v2 = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
    Path cpu;
    Path memory;
    if (v2) {
      cpu = cgroupRoot;
      memory = cgroupRoot;
    } else {
      cpu = firstExisting(cgroupRoot, "cpu,cpuacct", "cpuacct,cpu", "cpuacct");
      memory = cgroupRoot.resolve("memory");
      if (cpu == null) {
        return Optional.empty();
      }
    }
    if (Files.isDirectory(cpu.resolve("kubepods.slice"))) {
      return Optional.of(new CgroupLayout(v2, true, cpu, memory, "kubepods.slice"));
    }
    if (Files.isDirectory(cpu.resolve("kubepods"))) {
      return Optional.of(new CgroupLayout(v2, false, cpu, memory, "kubepods"));
    }
    return Optional.empty();
  }

  /** "cgroup v2, systemd driver" for logs and docs. */
  public String describe() {
    return (v2 ? "cgroup v2" : "cgroup v1") + ", " + (systemd ? "systemd" : "cgroupfs") + " driver";
  }

  private static Path firstExisting(Path root, String... names) {
    for (String name : names) {
      Path p = root.resolve(name);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }
}
