package io.wattkeeper.agent.measure;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * What the power model needs to know about the machine, from /proc/cpuinfo and /proc/meminfo.
 *
 * @param virtualized the "hypervisor" CPU flag is set (a VM: no RAPL, a slice of a package)
 */
public record CpuInfo(
    String modelName, int logicalCpus, int sockets, boolean virtualized, long memoryBytes) {

  public static CpuInfo read(Path procDir) throws IOException {
    return parse(
        SmallFiles.read(procDir.resolve("cpuinfo")), SmallFiles.read(procDir.resolve("meminfo")));
  }

  static CpuInfo parse(String cpuinfo, String meminfo) throws IOException {
    String model = null;
    int cpus = 0;
    Set<String> packages = new HashSet<>();
    boolean hypervisor = false;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "processor" -> cpus++;
        case "model name" -> model = model == null ? value : model;
        case "physical id" -> packages.add(value);
        case "flags" -> hypervisor |= (" " + value + " ").contains(" hypervisor ");
        default -> {}
      }
    }
    if (cpus == 0) {
      throw new IOException("cpuinfo: no processor entries");
    }
    long memKb = -1;
    for (String line : meminfo.split("\n")) {
      if (line.startsWith("MemTotal:")) {
        String[] f = line.substring(9).trim().split("\\s+");
        try {
          memKb = Long.parseLong(f[0]);
        } catch (NumberFormatException e) {
          throw new IOException("meminfo: garbage MemTotal '" + line + "'");
        }
      }
    }
    if (memKb < 0) {
      throw new IOException("meminfo: no MemTotal line");
    }
    return new CpuInfo(
        model == null ? "unknown" : model,
        cpus,
        Math.max(1, packages.size()),
        hypervisor,
        memKb * 1024);
  }
}
