package io.wattkeeper.agent.measure;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the RAPL zones in /sys/class/powercap. Counts package-N zones and dram sub-zones only: core
 * and uncore are inside package, psys covers the platform and would double count, and
 * intel-rapl-mmio duplicates package-0.
 */
public final class RaplDiscovery {
  private static final Pattern ZONE_ID = Pattern.compile("intel-rapl:[0-9a-f]+(:[0-9a-f]+)?");

  /** Zones found and what was noticed on the way. */
  public record Result(List<RaplZone> zones, List<String> warnings) {}

  private RaplDiscovery() {}

  public static Result discover(Path powercap) {
    List<RaplZone> zones = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(powercap)) {
      for (Path entry : entries) {
        String id = entry.getFileName().toString();
        if (!ZONE_ID.matcher(id).matches()) {
          continue;
        }
        String name;
        try {
          name = SmallFiles.read(entry.resolve("name")).trim();
        } catch (IOException e) {
          warnings.add("RAPL zone " + id + ": cannot read its name (" + e.getMessage() + ")");
          continue;
        }
        boolean pkg = name.startsWith("package-");
        boolean dram = name.equals("dram");
        if (!pkg && !dram) {
          continue; // core, uncore, psys: never summed with package
        }
        long range = 0;
        try {
          range = SmallFiles.readLong(entry.resolve("max_energy_range_uj"));
        } catch (IOException e) {
          warnings.add(
              "RAPL zone "
                  + id
                  + ": max_energy_range_uj unreadable, counter wraps are not"
                  + " corrected ("
                  + e.getMessage()
                  + ")");
        }
        zones.add(new RaplZone(id, name, dram, entry, range));
      }
    } catch (NoSuchFileException e) {
      return new Result(List.of(), List.of());
    } catch (IOException e) {
      warnings.add("cannot list " + powercap + ": " + e.getMessage());
    }
    zones.sort(Comparator.comparing(RaplZone::id));
    return new Result(List.copyOf(zones), List.copyOf(warnings));
  }
}
