package io.wattkeeper.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Builds a host tree shaped like the real one under a temp dir: /proc (stat, cpuinfo, meminfo, pid
 * dirs with stat, cgroup and net/dev), /sys/class/powercap and /sys/fs/cgroup (v1 or v2, systemd or
 * cgroupfs driver).
 */
public final class HostFixture {
  public final Path root;
  private boolean v2 = true;
  private boolean systemd = true;

  public HostFixture(Path root) {
    this.root = root;
  }

  public Path proc() {
    return root.resolve("proc");
  }

  public Path sys() {
    return root.resolve("sys");
  }

  public Path cgroup() {
    return root.resolve("sys/fs/cgroup");
  }

  public Path powercap() {
    return root.resolve("sys/class/powercap");
  }

  /** A basic machine: 4 CPUs, 16 GiB, /proc/stat. */
  public HostFixture machine(String cpuModel, int cpus, boolean hypervisor) {
    StringBuilder info = new StringBuilder();
    for (int i = 0; i < cpus; i++) {
      info.append("processor\t: ").append(i).append('\n');
      info.append("vendor_id\t: GenuineIntel\n");
      info.append("model name\t: ").append(cpuModel).append('\n');
      info.append("physical id\t: 0\n");
      info.append("flags\t\t: fpu vme de pse")
          .append(hypervisor ? " hypervisor" : "")
          .append(" avx2\n\n");
    }
    write(proc().resolve("cpuinfo"), info.toString());
    write(
        proc().resolve("meminfo"),
        "MemTotal:       16384000 kB\nMemFree:         8000000 kB\nMemAvailable:   12000000 kB\n");
    write(proc().resolve("sys/kernel/pid_max"), "4194304\n");
    procStat(1000, 9000);
    return this;
  }

  /** Writes /proc/stat with the given busy (all in user) and idle ticks. */
  public HostFixture procStat(long busyTicks, long idleTicks) {
    write(
        proc().resolve("stat"),
        String.format(
            Locale.ROOT,
            "cpu  %d 0 0 %d 0 0 0 0 0 0\ncpu0 %d 0 0 %d 0 0 0 0 0 0\nintr 1 2 3\nctxt 42\n",
            busyTicks,
            idleTicks,
            busyTicks,
            idleTicks));
    return this;
  }

  /** A process with /proc/&lt;pid&gt;/stat, cgroup and (optionally) net/dev. */
  public HostFixture process(int pid, int ppid, String comm, long cpuTicks, String cgroupPath) {
    long utime = cpuTicks / 2;
    long stime = cpuTicks - utime;
    // Fields 3..52 of proc(5); comm may hold spaces and parentheses.
    String stat =
        pid
            + " ("
            + comm
            + ") S "
            + ppid
            + " "
            + pid
            + " "
            + pid
            + " 0 -1 4194560 100 0 0 0 "
            + utime
            + " "
            + stime
            + " 0 0 20 0 1 0 12345 100000000 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1"
            + " 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    write(proc().resolve(pid + "/stat"), stat);
    write(
        proc().resolve(pid + "/cgroup"),
        v2
            ? "0::" + cgroupPath + "\n"
            : "12:memory:" + cgroupPath + "\n4:cpu,cpuacct:" + cgroupPath + "\n1:name=systemd:/\n");
    return this;
  }

  public HostFixture netDev(int pid, long eth0Rx, long loRx) {
    write(
        proc().resolve(pid + "/net/dev"),
        "Inter-|   Receive                                                |  Transmit\n"
            + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets"
            + " errs drop fifo colls carrier compressed\n"
            + "    lo: "
            + loRx
            + "     100    0    0    0     0          0         0 "
            + loRx
            + "     100    0    0    0     0       0          0\n"
            + "  eth0: "
            + eth0Rx
            + "    2000    0    0    0     0          0         0   777    20    0    0    0     0"
            + "       0          0\n");
    return this;
  }

  /** /proc/&lt;pid&gt;/ns/net as the kernel shows it: a symlink to "net:[inode]". */
  public HostFixture netNamespace(int pid, long inode) {
    Path link = proc().resolve(pid + "/ns/net");
    try {
      Files.createDirectories(link.getParent());
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of("net:[" + inode + "]"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Chooses the cgroup layout; call before adding pods. */
  public HostFixture cgroups(boolean v2, boolean systemd) {
    this.v2 = v2;
    this.systemd = systemd;
    if (v2) {
      write(
          cgroup().resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
      write(cgroup().resolve("cpu.stat"), "usage_usec 1\nuser_usec 1\nsystem_usec 0\n");
    }
    mkdirs(cpuBase().resolve(systemd ? "kubepods.slice" : "kubepods"));
    if (!v2) {
      mkdirs(cgroup().resolve("memory").resolve(systemd ? "kubepods.slice" : "kubepods"));
    }
    return this;
  }

  /** The pod's cgroup directory relative to the hierarchy root, as kubelet names it. */
  public String podPath(String uid, String qos) {
    if (systemd) {
      String u = uid.replace('-', '_');
      return switch (qos) {
        case "guaranteed" -> "kubepods.slice/kubepods-pod" + u + ".slice";
        default ->
            "kubepods.slice/kubepods-" + qos + ".slice/kubepods-" + qos + "-pod" + u + ".slice";
      };
    }
    return qos.equals("guaranteed") ? "kubepods/pod" + uid : "kubepods/" + qos + "/pod" + uid;
  }

  /**
   * A pod cgroup with its CPU counter and memory, and one container cgroup holding {@code pid} (0:
   * no process).
   */
  public HostFixture pod(String uid, String qos, long cpuUsageUsec, long memoryBytes, int pid) {
    String rel = podPath(uid, qos);
    Path cpuDir = cpuBase().resolve(rel);
    Path memDir = v2 ? cpuDir : cgroup().resolve("memory").resolve(rel);
    podCpu(uid, qos, cpuUsageUsec);
    write(memDir.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"), memoryBytes + "\n");
    String container =
        systemd
            ? "cri-containerd-" + "a".repeat(63) + pid % 10 + ".scope"
            : "a".repeat(63) + pid % 10;
    Path containerDir = cpuDir.resolve(container);
    mkdirs(containerDir);
    write(cpuDir.resolve("cgroup.procs"), "");
    write(containerDir.resolve("cgroup.procs"), pid > 0 ? pid + "\n" : "");
    if (pid > 0) {
      process(pid, 1, "app-" + pid, 100, "/" + rel + "/" + container);
    }
    return this;
  }

  /** Sets a pod's cumulative CPU counter (v2 usage_usec; v1 cpuacct.usage in ns). */
  public HostFixture podCpu(String uid, String qos, long cpuUsageUsec) {
    Path dir = cpuBase().resolve(podPath(uid, qos));
    if (v2) {
      write(
          dir.resolve("cpu.stat"),
          "usage_usec "
              + cpuUsageUsec
              + "\nuser_usec "
              + cpuUsageUsec / 2
              + "\nsystem_usec "
              + cpuUsageUsec / 2
              + "\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
    } else {
      write(dir.resolve("cpuacct.usage"), cpuUsageUsec * 1000 + "\n");
    }
    return this;
  }

  public Path cpuBase() {
    return v2 ? cgroup() : cgroup().resolve("cpu,cpuacct");
  }

  /** A RAPL zone as /sys/class/powercap/&lt;id&gt; with name, energy_uj, max_energy_range_uj. */
  public HostFixture raplZone(String id, String name, long energyUj, long maxRangeUj) {
    Path dir = powercap().resolve(id);
    write(dir.resolve("name"), name + "\n");
    write(dir.resolve("energy_uj"), energyUj + "\n");
    if (maxRangeUj > 0) {
      write(dir.resolve("max_energy_range_uj"), maxRangeUj + "\n");
    }
    write(dir.resolve("enabled"), "1\n");
    return this;
  }

  public HostFixture raplEnergy(String id, String value) {
    write(powercap().resolve(id).resolve("energy_uj"), value + "\n");
    return this;
  }

  public static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes a file unreadable in a way that also holds for root (tests may run as root, which ignores
   * chmod 000): replaces it with a directory, so open/read fails with an I/O error.
   */
  public static void makeUnreadable(Path file) {
    try {
      Files.deleteIfExists(file);
      Files.createDirectories(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when permission bits are enforced for this user (not root). */
  public static boolean permissionsEnforced(Path probeDir) {
    try {
      Path f = Files.createTempFile(probeDir, "perm", ".txt");
      Files.setPosixFilePermissions(f, java.util.Set.of());
      boolean enforced = !Files.isReadable(f);
      Files.delete(f);
      return enforced;
    } catch (IOException e) {
      return false;
    }
  }
}
