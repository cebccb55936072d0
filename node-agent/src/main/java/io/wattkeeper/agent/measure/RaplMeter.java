package io.wattkeeper.agent.measure;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.util.List;

/**
 * Reads the RAPL energy counters and turns them into joules per interval, handling each zone's wrap
 * at max_energy_range_uj. Several sockets are summed.
 */
public final class RaplMeter {
  /** Joules since the previous read. */
  public record Delta(double packageJoules, double dramJoules, boolean hasDram) {}

  private final List<RaplZone> zones;
  private final java.nio.file.Path[] energyFiles; // resolved once: read at every sample
  private final boolean hasDram;
  private final long[] last;
  private boolean primed;

  public RaplMeter(List<RaplZone> zones) {
    if (zones.stream().noneMatch(z -> !z.dram())) {
      throw new IllegalArgumentException("RAPL without a package zone");
    }
    this.zones = zones;
    this.energyFiles =
        zones.stream().map(z -> z.dir().resolve("energy_uj")).toArray(java.nio.file.Path[]::new);
    this.hasDram = zones.stream().anyMatch(RaplZone::dram);
    this.last = new long[zones.size()];
  }

  public List<RaplZone> zones() {
    return zones;
  }

  public boolean hasDram() {
    return hasDram;
  }

  /**
   * Reads every zone. The first call, and the first after a failed read, only primes the counters
   * and returns null.
   *
   * @throws IOException when any energy_uj cannot be read or holds garbage (root-only since
   *     CVE-2020-8694); the caller falls back to the model for that interval
   */
  public Delta read() throws IOException {
    long[] now = new long[zones.size()];
    try {
      for (int i = 0; i < now.length; i++) {
        now[i] = SmallFiles.readLong(energyFiles[i]);
      }
    } catch (IOException e) {
      // The caller models the failed interval; a delta from the old baseline would span it too
      // and count it twice. The next good read only takes a new baseline.
      primed = false;
      throw e;
    }
    Delta delta = null;
    if (primed) {
      double pkg = 0;
      double dram = 0;
      for (int i = 0; i < now.length; i++) {
        double joules = deltaMicrojoules(last[i], now[i], zones.get(i).maxEnergyRangeUj()) / 1e6;
        if (zones.get(i).dram()) {
          dram += joules;
        } else {
          pkg += joules;
        }
      }
      delta = new Delta(pkg, dram, hasDram);
    }
    System.arraycopy(now, 0, last, 0, now.length);
    primed = true;
    return delta;
  }

  /** Counter delta with wrap: when the counter went down it passed max_energy_range_uj. */
  static long deltaMicrojoules(long previous, long now, long range) {
    if (now >= previous) {
      return now - previous;
    }
    if (range <= 0 || previous > range) {
      return 0; // cannot tell how far it went: count nothing rather than invent energy
    }
    return (range - previous) + now;
  }
}
