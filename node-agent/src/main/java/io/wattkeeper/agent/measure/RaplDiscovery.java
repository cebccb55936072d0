package io.wattkeeper.agent.measure;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the RAPL zones in /sys/class/powercap. Counts package-N zones and dram sub-zones only: core
 * and uncore are inside package, psys covers the platform and would double count, and
 * intel-rapl-mmio duplicates package-0.
 */
public final class RaplDiscovery {
  private static final Pattern DIE_NAME = Pattern.compile("package-([0-9]+)-die-[0-9]+");
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
    return new Result(List.copyOf(withoutMirroredDies(zones, warnings)), List.copyOf(warnings));
  }

  /**
   * On AMD Zen 1/2 the kernel lists one package-N-die-M zone per die, each mirroring the socket's
   * one counter: summing them counts the socket once per die. A die zone is dropped when its
   * counter reads the same as the package's first die zone (read before and after it, so an update
   * between the reads cannot hide a mirror). Intel multi-die packages have a counter per die: kept.
   */
  static List<RaplZone> withoutMirroredDies(List<RaplZone> zones, List<String> warnings) {
    Map<String, RaplZone> firstDie = new HashMap<>();
    List<RaplZone> kept = new ArrayList<>();
    for (RaplZone z : zones) {
      Matcher m = DIE_NAME.matcher(z.name());
      if (z.dram() || !m.matches()) {
        kept.add(z);
        continue;
      }
      RaplZone first = firstDie.putIfAbsent(m.group(1), z);
      if (first == null) {
        kept.add(z);
        continue;
      }
      try {
        long before = energy(first);
        long value = energy(z);
        long after = energy(first);
        if (value >= before && value <= after) {
          warnings.add(
              "RAPL zone "
                  + z.id()
                  + " ("
                  + z.name()
                  + ") mirrors "
                  + first.id()
                  + " ("
                  + first.name()
                  + "): one socket counter, counted once");
          continue;
        }
      } catch (IOException e) {
        // unreadable now: keep it; the meter reports the read failure
      }
      kept.add(z);
    }
    return kept;
  }

  private static long energy(RaplZone z) throws IOException {
    return SmallFiles.readLong(z.dir().resolve("energy_uj"));
  }
}
