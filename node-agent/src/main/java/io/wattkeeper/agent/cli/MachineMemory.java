package io.wattkeeper.agent.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * The machine's memory in use, as CodeCarbon writes {@code ram_used_gb} and {@code
 * ram_utilization_percent}: psutil's {@code virtual_memory()} on Linux, {@code used} = MemTotal −
 * MemFree − Buffers − (Cached + SReclaimable) (MemTotal − MemFree when that is negative), {@code
 * percent} = (MemTotal − MemAvailable) / MemTotal.
 */
record MachineMemory(long totalBytes, long usedBytes, double percent) {

  /** From the text of /proc/meminfo; null when it lacks MemTotal or MemFree. */
  static MachineMemory parse(String meminfo) {
    Map<String, Long> kb = new HashMap<>();
    for (String line : meminfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String[] v = line.substring(colon + 1).trim().split("\\s+");
      try {
        kb.put(line.substring(0, colon), Long.parseLong(v[0]));
      } catch (NumberFormatException e) {
        // a line we do not use, or garbage: the figures below say unknown if they need it
      }
    }
    Long total = kb.get("MemTotal");
    Long free = kb.get("MemFree");
    if (total == null || free == null || total <= 0) {
      return null;
    }
    long cached = kb.getOrDefault("Cached", 0L) + kb.getOrDefault("SReclaimable", 0L);
    long used = total - free - kb.getOrDefault("Buffers", 0L) - cached;
    if (used < 0) {
      used = total - free;
    }
    long available = kb.getOrDefault("MemAvailable", free);
    return new MachineMemory(total * 1024, used * 1024, 100.0 * (total - available) / total);
  }
}
