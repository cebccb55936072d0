package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A NodeEnergyReport reduced to what the ledger needs, checked once: a report the ledger cannot
 * trust (no timestamp, no counters) is refused with a log line, never half-used.
 *
 * @param sequence {@code null} when the agent sends none; duplicates are then found by timestamp
 * @param cpuMeasured RAPL rather than a model
 * @param gpuMeasured NVML energy counters rather than none/estimates
 * @param unusable uids of pod entries present but skipped (NaN or negative counters)
 * @param partial the agent writes under a byte budget and may leave pods out ({@code omitSeconds}):
 *     a pod first seen in a later report than the node's first may be an old one
 */
public record ReportSample(
    String node,
    String epoch,
    Long sequence,
    Instant timestamp,
    int intervalSeconds,
    boolean cpuMeasured,
    boolean memoryMeasured,
    boolean gpuMeasured,
    List<PodCounters> pods,
    List<String> unusable,
    boolean partial) {

  /** A report that lists every pod of its node. */
  public ReportSample(
      String node,
      String epoch,
      Long sequence,
      Instant timestamp,
      int intervalSeconds,
      boolean cpuMeasured,
      boolean memoryMeasured,
      boolean gpuMeasured,
      List<PodCounters> pods,
      List<String> unusable) {
    this(
        node,
        epoch,
        sequence,
        timestamp,
        intervalSeconds,
        cpuMeasured,
        memoryMeasured,
        gpuMeasured,
        pods,
        unusable,
        false);
  }

  /** A report whose every entry was usable. */
  public ReportSample(
      String node,
      String epoch,
      Long sequence,
      Instant timestamp,
      int intervalSeconds,
      boolean cpuMeasured,
      boolean memoryMeasured,
      boolean gpuMeasured,
      List<PodCounters> pods) {
    this(
        node,
        epoch,
        sequence,
        timestamp,
        intervalSeconds,
        cpuMeasured,
        memoryMeasured,
        gpuMeasured,
        pods,
        List.of());
  }

  private static final Logger LOG = Logger.getLogger(ReportSample.class);
  static final int DEFAULT_INTERVAL_SECONDS = 15;

  /** Empty when the report has no usable status yet (a new agent) or is malformed. */
  public static Optional<ReportSample> from(NodeEnergyReport r) {
    String node = r.getMetadata().getName();
    NodeEnergyReportStatus s = r.getStatus();
    if (s == null || s.getTimestamp() == null) {
      return Optional.empty();
    }
    Instant ts;
    try {
      ts = OffsetDateTime.parse(s.getTimestamp()).toInstant();
    } catch (DateTimeParseException e) {
      LOG.warnf(
          "NodeEnergyReport %s: status.timestamp \"%s\" is not RFC 3339; report skipped",
          node, s.getTimestamp());
      return Optional.empty();
    }
    NodeEnergyReportStatus.Agent agent = s.getAgent();
    String epoch = agent == null || agent.getCounterEpoch() == null ? "" : agent.getCounterEpoch();
    Long seq = agent == null ? null : agent.getSequence();
    NodeEnergyReportStatus.Sources src = s.getSources();
    boolean cpuMeasured = src != null && "rapl".equalsIgnoreCase(src.getCpu());
    boolean memMeasured = src != null && "rapl".equalsIgnoreCase(src.getMemory());
    boolean gpuMeasured = src != null && "nvml".equalsIgnoreCase(src.getGpu());
    List<PodCounters> pods = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    if (s.getPods() != null) {
      for (NodeEnergyReportStatus.PodEnergy p : s.getPods()) {
        if (p.getUid() == null || p.getUid().isBlank()) {
          LOG.warnf("NodeEnergyReport %s: a pod entry without uid was skipped", node);
          continue;
        }
        double cpu = joules(p.getCpuJoules());
        double mem = joules(p.getMemoryJoules());
        double gpu = joules(p.getGpuJoules());
        if (Double.isNaN(cpu) || Double.isNaN(mem) || Double.isNaN(gpu)) {
          LOG.warnf(
              "NodeEnergyReport %s: pod %s has negative or non-numeric counters; entry skipped",
              node, p.getUid());
          unusable.add(p.getUid());
          continue;
        }
        double watts = nz(p.getCpuWatts()) + nz(p.getMemoryWatts()) + nz(p.getGpuWatts());
        pods.add(
            new PodCounters(
                p.getUid(),
                p.getNamespace(),
                p.getName(),
                cpu,
                mem,
                gpu,
                watts,
                Boolean.TRUE.equals(p.getEstimated()),
                Boolean.TRUE.equals(p.getEnded()),
                PodCounters.Units.checked(p, new ArrayList<>())));
      }
    }
    int interval =
        s.getIntervalSeconds() == null || s.getIntervalSeconds() <= 0
            ? DEFAULT_INTERVAL_SECONDS
            : s.getIntervalSeconds();
    return Optional.of(
        new ReportSample(
            node,
            epoch,
            seq,
            ts,
            interval,
            cpuMeasured,
            memMeasured,
            gpuMeasured,
            pods,
            unusable,
            s.getOmitSeconds() != null && s.getOmitSeconds() > 0));
  }

  /** NaN marks an unusable counter; absent means the component is not metered (0). */
  private static double joules(Double v) {
    if (v == null) {
      return 0;
    }
    if (v.isNaN() || v.isInfinite() || v < 0) {
      return Double.NaN;
    }
    return v;
  }

  private static double nz(Double v) {
    return v == null || v.isNaN() || v < 0 ? 0 : v;
  }
}
