package io.wattkeeper.operator.ledger;

import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.api.validation.Echo;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides what of a NodeEnergyReport the ledger may believe. A report is written by whoever can
 * write that object, so nothing in it is taken on trust: the report must be named after a Node the
 * operator knows, each entry must name a pod that the operator's own pod cache places on that node,
 * the timestamp must agree with the operator's clock, the sequence must not leap, and no counter
 * may grow faster than the node's hardware can draw. What fails is refused with a {@link Refusal}
 * (the caller says it: Event, metric, log); one bad entry never costs the rest of the report.
 *
 * <p>Pure: the cluster and the ledger's memory of the node come in through interfaces, time as
 * {@code now}.
 */
public final class ReportChecks {

  private ReportChecks() {}

  /** Why something was refused; {@link #label()} is the metric's {@code reason}. */
  public enum Reason {
    UNKNOWN_NODE,
    UNREADABLE,
    MALFORMED_REPORT,
    CLOCK_SKEW,
    SEQUENCE,
    MALFORMED_ENTRY,
    POD_NOT_ON_NODE,
    IMPOSSIBLE_DELTA;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param uid the refused entry's pod uid, or null when the whole report is refused
   */
  public record Refusal(Reason reason, String uid, String message) {
    public boolean wholeReport() {
      return uid == null;
    }
  }

  /**
   * @param maxClockSkew how far in the future a report may be stamped (clamped to now within it)
   * @param maxNodeWatts the most one node can draw: no delta may exceed it over its interval
   * @param defaultInterval the interval assumed when a report states none
   */
  public record Limits(Duration maxClockSkew, double maxNodeWatts, int defaultInterval) {}

  /** Where the operator's pod cache places a pod. */
  public record Placement(String uid, String node, Instant startedAt) {}

  /** What the operator's caches say about the cluster. */
  public interface Cluster {
    boolean nodeExists(String node);

    /** The cached pod of that namespace and name, if any. */
    Optional<Placement> pod(String namespace, String name);
  }

  /** What the ledger remembers of the node's last accepted report. */
  public interface Known {
    String epoch(String node);

    Long sequence(String node);

    Instant lastReport(String node);

    /** The pod's last counters on that node, or null. */
    double[] counters(String node, String uid);

    /** Whether the pod's entries on that node were accepted before (it may be deleted since). */
    boolean tracks(String node, String uid);

    /**
     * Report time of the pod's last accepted entry on that node (an agent under a byte budget
     * leaves pods out of reports), or null; by default the node's last report.
     */
    default Instant lastEntry(String node, String uid) {
      return lastReport(node);
    }
  }

  /**
   * @param sample what the ledger may use, or null when nothing is (no status yet, or refused)
   */
  public record Outcome(ReportSample sample, List<Refusal> refusals) {
    public boolean refused() {
      return refusals.stream().anyMatch(Refusal::wholeReport);
    }
  }

  /**
   * A sequence may run ahead of the last accepted one by at most this plus one per second of report
   * time: the agent writes at most once a second, so a larger leap is a forgery (2^63-1 would
   * otherwise make every later report a "duplicate").
   */
  static final long SEQUENCE_SLACK = 1000;

  public static Outcome check(
      NodeEnergyReport r, Instant now, Limits limits, Cluster cluster, Known known) {
    String node = r.getMetadata().getName();
    NodeEnergyReportStatus s = r.getStatus();
    List<Refusal> out = new ArrayList<>();
    if (r.getUnreadable() != null && s == null) {
      return refuse(out, Reason.UNREADABLE, "status cannot be read: " + r.getUnreadable());
    }
    if (s == null || s.getTimestamp() == null) {
      return new Outcome(null, out); // a new agent has not written yet: nothing to say
    }
    if (!cluster.nodeExists(node)) {
      return refuse(
          out, Reason.UNKNOWN_NODE, "no Node " + Echo.value(node) + " exists; report not used");
    }
    Instant ts;
    try {
      ts = OffsetDateTime.parse(s.getTimestamp()).toInstant();
    } catch (DateTimeParseException e) {
      return refuse(
          out,
          Reason.MALFORMED_REPORT,
          "status.timestamp " + Echo.value(s.getTimestamp()) + " is not RFC 3339; report not used");
    }
    if (ts.isAfter(now.plus(limits.maxClockSkew()))) {
      return refuse(
          out,
          Reason.CLOCK_SKEW,
          "status.timestamp "
              + ts
              + " is more than "
              + limits.maxClockSkew().toSeconds()
              + " s ahead of the operator's clock ("
              + now
              + "); report not used");
    }
    if (ts.isAfter(now)) {
      ts = now; // within the tolerated skew: periods follow the operator's clock
    }
    NodeEnergyReportStatus.Agent agent = s.getAgent();
    String epoch = agent == null || agent.getCounterEpoch() == null ? "" : agent.getCounterEpoch();
    Long seq = agent == null ? null : agent.getSequence();
    boolean sameEpoch = known.lastReport(node) != null && Objects.equals(known.epoch(node), epoch);
    Instant last = sameEpoch ? known.lastReport(node) : null;
    if (sameEpoch && seq != null && known.sequence(node) != null) {
      long prev = known.sequence(node);
      long allowed = SEQUENCE_SLACK + Math.max(0, Duration.between(last, ts).toSeconds());
      // Subtracted, not added: prev + allowed could overflow near 2^63.
      if (seq > prev && seq - prev > allowed) {
        return refuse(
            out,
            Reason.SEQUENCE,
            "sequence "
                + seq
                + " leaps "
                + (seq - prev)
                + " past the last accepted "
                + prev
                + " (at most "
                + allowed
                + " here); report not used");
      }
      if (seq > prev && ts.isBefore(last)) {
        return refuse(
            out,
            Reason.CLOCK_SKEW,
            "status.timestamp " + ts + " is older than the node's last report " + last);
      }
    }
    int interval =
        s.getIntervalSeconds() == null || s.getIntervalSeconds() <= 0
            ? limits.defaultInterval()
            : s.getIntervalSeconds();
    NodeEnergyReportStatus.Sources src = s.getSources();
    List<PodCounters> pods = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    if (s.getPods() != null) {
      for (PodEnergy p : s.getPods()) {
        entry(node, p, ts, last, interval, limits, cluster, known, sameEpoch, pods, unusable, out);
      }
    }
    ReportSample sample =
        new ReportSample(
            node,
            epoch,
            seq,
            ts,
            interval,
            src != null && "rapl".equalsIgnoreCase(src.getCpu()),
            src != null && "rapl".equalsIgnoreCase(src.getMemory()),
            src != null && "nvml".equalsIgnoreCase(src.getGpu()),
            List.copyOf(pods),
            List.copyOf(unusable),
            s.getOmitSeconds() != null && s.getOmitSeconds() > 0);
    return new Outcome(sample, out);
  }

  private static void entry(
      String node,
      PodEnergy p,
      Instant ts,
      Instant last,
      int interval,
      Limits limits,
      Cluster cluster,
      Known known,
      boolean sameEpoch,
      List<PodCounters> pods,
      List<String> unusable,
      List<Refusal> out) {
    if (p == null || blank(p.getUid()) || blank(p.getNamespace()) || blank(p.getName())) {
      String missing =
          p == null
              ? "the entry"
              : blank(p.getUid()) ? "uid" : blank(p.getNamespace()) ? "namespace" : "name";
      String uid = p == null || blank(p.getUid()) ? "(no uid)" : Echo.value(p.getUid());
      out.add(new Refusal(Reason.MALFORMED_ENTRY, uid, "pod entry " + uid + " has no " + missing));
      return;
    }
    String uid = p.getUid();
    String who = Echo.value(p.getNamespace()) + "/" + Echo.value(p.getName());
    Optional<Placement> at = cluster.pod(p.getNamespace(), p.getName());
    boolean placed = at.isPresent() && uid.equals(at.get().uid()) && node.equals(at.get().node());
    // A pod accepted on this node before may be deleted since: its final counters still count.
    if (!placed && !known.tracks(node, uid)) {
      String where =
          at.isEmpty() || !uid.equals(at.get().uid())
              ? "is not in the operator's pod cache"
              : at.get().node() == null
                  ? "is not scheduled"
                  : "runs on node " + Echo.value(at.get().node());
      out.add(
          new Refusal(
              Reason.POD_NOT_ON_NODE,
              uid,
              "pod " + who + " (" + Echo.value(uid) + ") " + where + ", not on " + node));
      return;
    }
    double[] cur = {p.getCpuJoules() == null ? 0 : p.getCpuJoules(), 0, 0};
    cur[1] = p.getMemoryJoules() == null ? 0 : p.getMemoryJoules();
    cur[2] = p.getGpuJoules() == null ? 0 : p.getGpuJoules();
    double watts = nz(p.getCpuWatts()) + nz(p.getMemoryWatts()) + nz(p.getGpuWatts());
    String bad = impossible(cur, watts, limits);
    if (bad == null) {
      double[] base = sameEpoch ? known.counters(node, uid) : null;
      // A pod left out of reports grew since its own last entry, not since the node's last report.
      Instant since = base == null ? last : known.lastEntry(node, uid);
      double window = window(base != null, ts, since == null ? last : since, at, interval);
      double delta = 0;
      for (int i = 0; i < 3; i++) {
        delta += Math.max(0, cur[i] - (base == null ? 0 : base[i]));
      }
      double max = limits.maxNodeWatts() * window;
      if (delta > max) {
        bad =
            String.format(
                Locale.ROOT,
                "grew %.4g J in %.0f s, more than %.4g W can draw",
                delta,
                window,
                limits.maxNodeWatts());
      }
    }
    if (bad != null) {
      unusable.add(uid); // present, not believed: its base stays, nothing is charged
      out.add(new Refusal(Reason.IMPOSSIBLE_DELTA, uid, "pod " + who + " " + bad));
      return;
    }
    // Request and token counts are claims too: an impossible one is dropped to unknown (the
    // energy still counts); a decrease is refused later, by the ledger's unit windows.
    List<String> unitProblems = new ArrayList<>(0);
    PodCounters.Units units = PodCounters.Units.checked(p, unitProblems);
    for (String problem : unitProblems) {
      out.add(
          new Refusal(
              Reason.IMPOSSIBLE_DELTA, uid, "pod " + who + " " + problem + ": count ignored"));
    }
    pods.add(
        new PodCounters(
            uid,
            p.getNamespace(),
            p.getName(),
            cur[0],
            cur[1],
            cur[2],
            watts,
            Boolean.TRUE.equals(p.getEstimated()),
            Boolean.TRUE.equals(p.getEnded()),
            units));
  }

  /** Null when every number is possible, else what is wrong. */
  private static String impossible(double[] cur, double watts, Limits limits) {
    String[] names = {"cpuJoules", "memoryJoules", "gpuJoules"};
    for (int i = 0; i < 3; i++) {
      if (!Double.isFinite(cur[i]) || cur[i] < 0) {
        return "has " + names[i] + " " + cur[i];
      }
    }
    if (!Double.isFinite(watts) || watts < 0 || watts > limits.maxNodeWatts()) {
      return "draws " + watts + " W, more than the node maximum " + limits.maxNodeWatts() + " W";
    }
    return null;
  }

  /**
   * Seconds the counters may have grown in: since the node's last report for a pod with a known
   * base; for one counted from zero, since the pod started (when the cache says so and that is
   * before the report), at least since the last report or one interval.
   */
  private static double window(
      boolean knownBase, Instant ts, Instant last, Optional<Placement> at, int interval) {
    double w = last == null ? interval : Math.max(1, Duration.between(last, ts).toMillis() / 1e3);
    if (knownBase) {
      return w;
    }
    Instant started = at.map(Placement::startedAt).orElse(null);
    if (started != null && started.isBefore(ts)) {
      w = Math.max(w, Duration.between(started, ts).toMillis() / 1e3);
    }
    return Math.max(w, interval);
  }

  private static Outcome refuse(List<Refusal> out, Reason reason, String message) {
    out.add(new Refusal(reason, null, message));
    return new Outcome(null, out);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static double nz(Double v) {
    return v == null ? 0 : v;
  }
}
