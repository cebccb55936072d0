package io.wattkeeper.agent.report;

import io.wattkeeper.agent.json.Json;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the report channel within a byte budget per node (docs/architecture.md, "Report channel"):
 * a token bucket of bytes refilled at {@code bytesPerSecond}. Every entry carries cumulative
 * counters, so any pod may be left out of a write without losing energy: its next entry carries
 * everything since. A write carries the header and the pod entries by priority:
 *
 * <ol>
 *   <li>always: pods never written, ended pods (their final counters), pods whose power, cores or
 *       receive rate changed by more than a quarter (each of these may bring a write forward;
 *       floors of 1 W, 0.05 cores and 1 KiB/s keep noise out), pods whose last entry would be
 *       {@link #maxOmission} old by the next scheduled write;
 *   <li>then by unreported energy × seconds since the last entry, while the bucket lasts.
 * </ol>
 *
 * When every pod fits, every pod is written at every report, as without a budget. When not, a write
 * is made at most every {@link #minGap}, unless a pod must be written. An entry's rates cover the
 * time since its last entry ({@code windowSeconds}): mean watts, the highest cores, GPU utilisation
 * and receive rate seen at the report ticks between, so that idle detection never misses activity
 * in a pod that was left out. Pure: no I/O, no clock; not thread-safe.
 */
public final class ReportBudget {

  /** Largest share of a write the pod entries may take: no object comes near 256 KiB. */
  static final int MAX_ENTRY_BYTES = 200 * 1024;

  /** What the stored object holds beside its status (metadata, spec), as written by the agent. */
  static final int OBJECT_BYTES = 400;

  private final double bytesPerSecond;
  private final double capacity;
  private final Duration maxOmission;
  private final Duration minGap;

  private double tokens;
  private Instant refilledAt;
  private Instant lastWrite;
  private final Map<String, Seen> pods = new HashMap<>();

  /** What was last written of a pod, and its rates seen at report ticks since. */
  private static final class Seen {
    Instant writtenAt;
    double joulesWritten;
    double wattsWritten = Double.NaN;
    double coresWritten = Double.NaN;
    double rxWritten = Double.NaN;
    // Since the last entry.
    double wattSum;
    int ticks;
    double maxCores = Double.NaN;
    double maxGpu = Double.NaN;
    double maxRx = Double.NaN;
    boolean unknownCores;
    boolean unknownGpu;
    boolean unknownRx;
  }

  /** The write to make, or none. */
  public record Selection(NodeEnergyReportStatus status, int bytes, int omitted) {}

  /**
   * @param bytesPerSecond average bytes the node may write, the whole stored object counted
   * @param maxOmission the longest any pod is left out (10 minutes)
   * @param minGap the shortest time between writes while the budget binds (60 s)
   */
  public ReportBudget(double bytesPerSecond, Duration maxOmission, Duration minGap) {
    if (!(bytesPerSecond > 0)) {
      throw new IllegalArgumentException("bytesPerSecond must be > 0");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.capacity = bytesPerSecond * 600;
    this.maxOmission = maxOmission;
    this.minGap = minGap;
    this.tokens = capacity;
  }

  /**
   * Chooses what to write of the full status built now (which it rewrites: pods left out, rates
   * over each entry's window, {@code omitSeconds}); empty when nothing should be written now. Call
   * {@link #written} once the write succeeded.
   */
  public java.util.Optional<Selection> select(NodeEnergyReportStatus full, Instant now) {
    refill(now);
    List<PodEnergy> all = full.getPods() == null ? List.of() : full.getPods();
    Set<String> present = new HashSet<>();
    for (PodEnergy p : all) {
      present.add(p.getUid());
      observe(p);
    }
    pods.keySet().retainAll(present);
    full.setOmitSeconds((int) maxOmission.toSeconds());
    full.setPods(List.of());
    full.setPodCount(all.size());
    int header = size(full) + OBJECT_BYTES;

    List<PodEnergy> must = new ArrayList<>();
    boolean urgent = false;
    List<PodEnergy> may = new ArrayList<>();
    Map<PodEnergy, Integer> sizes = new HashMap<>();
    int allBytes = header;
    for (PodEnergy p : all) {
      PodEnergy entry = windowed(p, now);
      int bytes = size(entry) + 1;
      sizes.put(entry, bytes);
      allBytes += bytes;
      boolean now1 = urgent(p);
      urgent |= now1;
      (now1 || aging(p, now) ? must : may).add(entry);
    }
    boolean fitsAll = allBytes <= tokens && allBytes - header <= MAX_ENTRY_BYTES;
    boolean due = lastWrite == null || !now.isBefore(lastWrite.plus(minGap));
    if (!fitsAll && !due && !urgent) {
      return java.util.Optional.empty();
    }
    List<PodEnergy> chosen = new ArrayList<>();
    int bytes = header;
    if (fitsAll) {
      chosen.addAll(must);
      chosen.addAll(may);
      bytes = allBytes;
    } else {
      for (PodEnergy e : must) {
        if (bytes - header + sizes.get(e) > MAX_ENTRY_BYTES) {
          break; // the rest waits for the next write (cumulative counters: nothing lost)
        }
        chosen.add(e);
        bytes += sizes.get(e);
      }
      may.sort(Comparator.comparingDouble((PodEnergy e) -> priority(e, now)).reversed());
      for (PodEnergy e : may) {
        int b = sizes.get(e);
        if (bytes + b > tokens || bytes - header + b > MAX_ENTRY_BYTES) {
          continue; // a smaller entry may still fit
        }
        chosen.add(e);
        bytes += b;
      }
    }
    chosen.sort(Comparator.comparing(PodEnergy::getNamespace).thenComparing(PodEnergy::getName));
    full.setPods(chosen);
    full.setPodCount(chosen.size());
    // What is charged is what is written (the estimate above left out the count and commas).
    return java.util.Optional.of(
        new Selection(full, size(full) + OBJECT_BYTES, all.size() - chosen.size()));
  }

  /** The selection was written: its bytes are spent and its pods' windows start again. */
  public void written(Selection s, Instant now) {
    tokens -= s.bytes();
    lastWrite = now;
    for (PodEnergy p : s.status().getPods()) {
      if (!pods.containsKey(p.getUid())) {
        continue;
      }
      // A fresh window: only what was written stays.
      Seen seen = new Seen();
      seen.writtenAt = now;
      seen.joulesWritten = joules(p);
      seen.wattsWritten = watts(p);
      seen.coresWritten = orNaN(p.getCpuCores());
      seen.rxWritten = orNaN(p.getNetworkReceiveBytesPerSecond());
      pods.put(p.getUid(), seen);
    }
  }

  /** Bytes the bucket holds now (tests, metrics). */
  public double tokens() {
    return tokens;
  }

  private void refill(Instant now) {
    if (refilledAt != null && now.isAfter(refilledAt)) {
      double seconds = Duration.between(refilledAt, now).toMillis() / 1000.0;
      tokens = Math.min(capacity, tokens + seconds * bytesPerSecond);
    }
    if (refilledAt == null || now.isAfter(refilledAt)) {
      refilledAt = now;
    }
  }

  private void observe(PodEnergy p) {
    Seen s = pods.computeIfAbsent(p.getUid(), k -> new Seen());
    double w = watts(p);
    if (!Double.isNaN(w)) {
      s.wattSum += w;
      s.ticks++;
    }
    if (p.getCpuCores() == null) {
      s.unknownCores = true;
    } else {
      s.maxCores = max(s.maxCores, p.getCpuCores());
    }
    if (p.getGpuUtilizationPercent() == null) {
      s.unknownGpu = true;
    } else {
      s.maxGpu = max(s.maxGpu, p.getGpuUtilizationPercent());
    }
    if (p.getNetworkReceiveBytesPerSecond() == null) {
      s.unknownRx = true;
    } else {
      s.maxRx = max(s.maxRx, p.getNetworkReceiveBytesPerSecond());
    }
  }

  /** New, ended, or its activity changed by more than a quarter: worth a write of its own. */
  private boolean urgent(PodEnergy p) {
    Seen s = pods.get(p.getUid());
    if (s.writtenAt == null || Boolean.TRUE.equals(p.getEnded())) {
      return true;
    }
    // Power, cores or receive rate changed by more than a quarter (beyond a floor of noise):
    // idle detection and budgets should see it in the next write, not ten minutes later.
    return changed(watts(p), s.wattsWritten, 1.0)
        || changed(orNaN(p.getCpuCores()), s.coresWritten, 0.05)
        || changed(orNaN(p.getNetworkReceiveBytesPerSecond()), s.rxWritten, 1024);
  }

  private static boolean changed(double now, double was, double floor) {
    if (Double.isNaN(now) != Double.isNaN(was)) {
      return true;
    }
    return !Double.isNaN(now) && Math.abs(now - was) > 0.25 * Math.max(was, floor);
  }

  /**
   * Would pass maxOmission before the next scheduled write (writes are due every minGap, and made
   * then whatever the bucket holds): it goes in whatever write comes now.
   */
  private boolean aging(PodEnergy p, Instant now) {
    Seen s = pods.get(p.getUid());
    return !now.plus(minGap).isBefore(s.writtenAt.plus(maxOmission));
  }

  /** The entry with its rates over the time since the pod's last entry. */
  private PodEnergy windowed(PodEnergy p, Instant now) {
    Seen s = pods.get(p.getUid());
    if (s.writtenAt == null || Boolean.TRUE.equals(p.getEnded()) || s.ticks <= 1) {
      if (s.writtenAt != null) {
        p.setWindowSeconds((int) Math.max(1, Duration.between(s.writtenAt, now).toSeconds()));
      }
      return p;
    }
    // Mean watts, split as in the latest sample; the highest activity seen (unknown if ever so).
    double w = watts(p);
    double mean = s.wattSum / s.ticks;
    if (w > 0) {
      double k = mean / w;
      p.setCpuWatts(scaled(p.getCpuWatts(), k))
          .setMemoryWatts(scaled(p.getMemoryWatts(), k))
          .setGpuWatts(scaled(p.getGpuWatts(), k));
    }
    p.setCpuCores(s.unknownCores ? null : StatusBuilder.round(s.maxCores));
    p.setGpuUtilizationPercent(s.unknownGpu ? null : StatusBuilder.round(s.maxGpu));
    p.setNetworkReceiveBytesPerSecond(s.unknownRx ? null : StatusBuilder.round(s.maxRx));
    p.setWindowSeconds((int) Math.max(1, Duration.between(s.writtenAt, now).toSeconds()));
    return p;
  }

  private double priority(PodEnergy e, Instant now) {
    Seen s = pods.get(e.getUid());
    double unreported = Math.max(0, joules(e) - s.joulesWritten);
    double seconds = Math.max(1, Duration.between(s.writtenAt, now).toSeconds());
    return unreported * seconds + seconds; // a pod that draws nothing still ages
  }

  private static Double scaled(Double v, double k) {
    return v == null ? null : StatusBuilder.round(v * k);
  }

  private static double max(double a, double b) {
    return Double.isNaN(a) ? b : Math.max(a, b);
  }

  private static double joules(PodEnergy p) {
    return nz(p.getCpuJoules()) + nz(p.getMemoryJoules()) + nz(p.getGpuJoules());
  }

  private static double watts(PodEnergy p) {
    if (p.getCpuWatts() == null && p.getMemoryWatts() == null && p.getGpuWatts() == null) {
      return Double.NaN;
    }
    return nz(p.getCpuWatts()) + nz(p.getMemoryWatts()) + nz(p.getGpuWatts());
  }

  private static double orNaN(Double d) {
    return d == null ? Double.NaN : d;
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }

  private static int size(Object o) {
    return Json.write(o).length;
  }
}
