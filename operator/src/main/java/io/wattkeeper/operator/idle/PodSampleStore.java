package io.wattkeeper.operator.idle;

import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The operator's own short history of per-pod activity, fed from NodeEnergyReports. Reports only
 * carry the latest sample, so idle detection over {@code idle.after} needs this memory; after a
 * restart it refills from new reports (a workload is then not idle until a full idle.after has been
 * observed again: unknown is not idle).
 */
@ApplicationScoped
public class PodSampleStore {

  private static final Logger LOG = Logger.getLogger(PodSampleStore.class);

  private final Map<String, SampleHistory> byPodUid = new ConcurrentHashMap<>();
  private final Clock clock;
  private final IdleConfig config;
  private final java.util.concurrent.atomic.AtomicLong retention;
  private volatile Instant lastPrune;

  public PodSampleStore(Clock clock, IdleConfig config) {
    this.clock = clock;
    this.config = config;
    this.retention =
        new java.util.concurrent.atomic.AtomicLong(config.historyRetention().toMillis());
  }

  /** Adds the report's pod samples; idempotent for a report seen before. */
  public void ingest(NodeEnergyReport report) {
    ingest(report, ns -> true);
  }

  /**
   * Adds the samples of pods in namespaces {@code wanted} accepts (those with an idle or onlyIdle
   * budget): the history costs memory, so pods no budget evaluates are not kept.
   */
  public void ingest(NodeEnergyReport report, java.util.function.Predicate<String> wanted) {
    NodeEnergyReportStatus st = report.getStatus();
    if (st == null || st.getTimestamp() == null || st.getPods() == null) {
      return;
    }
    Instant at;
    try {
      at = Instant.parse(st.getTimestamp());
    } catch (DateTimeParseException e) {
      LOG.warnf(
          "NodeEnergyReport %s has an unreadable timestamp %s; its samples are ignored",
          report.getMetadata().getName(), st.getTimestamp());
      return;
    }
    Duration interval =
        st.getIntervalSeconds() != null && st.getIntervalSeconds() > 0
            ? Duration.ofSeconds(st.getIntervalSeconds())
            : config.reportInterval();
    Duration omit =
        st.getOmitSeconds() != null && st.getOmitSeconds() > 0
            ? Duration.ofSeconds(Math.min(st.getOmitSeconds(), MAX_OMIT_SECONDS))
            : null;
    for (PodEnergy p : st.getPods()) {
      if (p == null
          || p.getUid() == null
          || Boolean.TRUE.equals(p.getEnded())
          || !wanted.test(p.getNamespace())) {
        continue;
      }
      byPodUid
          .computeIfAbsent(p.getUid(), k -> new SampleHistory())
          .add(sample(p, at, window(p, interval), omit));
    }
  }

  /**
   * The longest omission believed: beyond it a pod's last sample is stale whatever the agent says.
   */
  static final int MAX_OMIT_SECONDS = 3600;

  /**
   * The time an entry's rates cover: its own window (it was left out of reports), or the report's.
   */
  private static Duration window(PodEnergy p, Duration interval) {
    Integer w = p.getWindowSeconds();
    return w != null && w > 0 && w <= MAX_OMIT_SECONDS ? Duration.ofSeconds(w) : interval;
  }

  static PodSample sample(PodEnergy p, Instant at, Duration interval) {
    return sample(p, at, interval, null);
  }

  static PodSample sample(PodEnergy p, Instant at, Duration interval, Duration omit) {
    Double gpu = p.getGpuUtilizationPercent();
    // A pod without GPUs uses none; a pod holding a GPU, or drawing GPU power from a shared one,
    // with no utilisation figure is unknown (the agent leaves the field unset when NVML gave none).
    boolean holdsGpu = p.getGpus() != null && !p.getGpus().isEmpty();
    boolean drawsGpuPower = p.getGpuWatts() != null && p.getGpuWatts() > 0;
    if (gpu == null && !holdsGpu && !drawsGpuPower) {
      gpu = 0.0;
    }
    Double watts = null;
    if (p.getCpuWatts() != null || p.getGpuWatts() != null || p.getMemoryWatts() != null) {
      watts = nz(p.getCpuWatts()) + nz(p.getGpuWatts()) + nz(p.getMemoryWatts());
    }
    Double requests = p.getRequests();
    if (requests != null && (!Double.isFinite(requests) || requests < 0)) {
      requests = null;
    }
    return new PodSample(
        at,
        interval,
        p.getCpuCores(),
        gpu,
        p.getNetworkReceiveBytesPerSecond(),
        watts,
        omit,
        requests,
        null);
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }

  /** The pod's samples, oldest first; empty when none are known. */
  public List<PodSample> samples(String podUid) {
    SampleHistory h = byPodUid.get(podUid);
    return h == null ? List.of() : h.snapshot();
  }

  /**
   * Keeps at least {@code window} of history from now on: an idle.after longer than the configured
   * retention could otherwise never be observed in full.
   */
  public void require(Duration window) {
    Duration want = window.plus(config.reportInterval().multipliedBy(4));
    retention.accumulateAndGet(want.toMillis(), Math::max);
  }

  public Duration retention() {
    return Duration.ofMillis(retention.get());
  }

  /** Drops samples older than the retention and pods no report mentioned within it. */
  public void prune() {
    Instant now = clock.instant();
    Instant last = lastPrune;
    // O(tracked pods): at most once a minute of operator time.
    if (last != null && now.isBefore(last.plusSeconds(60)) && !now.isBefore(last)) {
      return;
    }
    lastPrune = now;
    Instant cutoff = now.minus(retention());
    byPodUid
        .entrySet()
        .removeIf(
            e -> {
              Instant newest = e.getValue().newest();
              return newest == null || newest.isBefore(cutoff);
            });
    byPodUid.values().forEach(h -> h.pruneBefore(cutoff));
  }

  public int trackedPods() {
    return byPodUid.size();
  }
}
