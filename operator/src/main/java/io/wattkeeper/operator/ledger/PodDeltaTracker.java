package io.wattkeeper.operator.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Turns each node's cumulative per-pod counters into per-interval deltas.
 *
 * <ul>
 *   <li>Same epoch, sequence not newer than the last one: a duplicate or late report; ignored.
 *   <li>Same epoch, sequence gap: the counters are cumulative, so the delta still covers the gap.
 *   <li>New epoch (agent restarted and lost its counters): the new counters are fresh energy from
 *       zero, never a negative delta.
 *   <li>A pod new on a known node: its counters are all new energy (since it started there).
 *   <li>A counter going backwards within an epoch is an agent bug: nothing is charged and the new
 *       value becomes the base, so nothing is ever counted twice.
 *   <li>A pod absent from its node's report is "no news": an agent under a byte budget leaves pods
 *       out of a report, and their next entry carries everything since (cumulative counters). Its
 *       state is kept until its entry says {@code ended} and for {@link #SILENCE} after its last
 *       entry (the agent includes every pod at least every 10 minutes), then dropped.
 *   <li>A pod present with unusable counters (NaN) is charged nothing and keeps its base.
 *   <li>A node whose report was deleted and recreated with the same epoch continues from its last
 *       counters (kept for {@link #DROPPED_NODE_RETENTION}); with another epoch it is a new epoch.
 *   <li>First report of a node after an operator start: pods with a {@link Checkpoint} on the same
 *       node continue from it (from zero when the epoch changed since: the agent restarted); pods
 *       that provably started after the ledger's last known write count from zero; others take this
 *       report as their base. When the reports are partial (the agent may leave pods out), the same
 *       holds for a pod first seen in a later report of the same epoch.
 * </ul>
 *
 * Not thread-safe; the ledger serialises access.
 */
public final class PodDeltaTracker implements ReportChecks.Known {

  private static final class NodeState {
    final String epoch;
    final Long sequence;
    final Instant timestamp;
    final Map<String, Base> pods;
    // Report time of the first report after an operator start that knew nothing of the node (null:
    // none, or long enough ago): a pod first seen later in the epoch that started before it may
    // hold energy charged before that start.
    final Instant cold;

    NodeState(
        String epoch, Long sequence, Instant timestamp, Map<String, Base> pods, Instant cold) {
      this.epoch = epoch;
      this.sequence = sequence;
      this.timestamp = timestamp;
      this.pods = pods;
      this.cold = cold;
    }
  }

  /** A pod's last counters on its node, when its entry was last seen, whether it said ended. */
  private static final class Base {
    final double cpu;
    final double memory;
    final double gpu;
    final Instant seen;
    final boolean ended;

    Base(double cpu, double memory, double gpu, Instant seen, boolean ended) {
      this.cpu = cpu;
      this.memory = memory;
      this.gpu = gpu;
      this.seen = seen;
      this.ended = ended;
    }

    /** Counters not known yet: present, but unusable in the node's first report. */
    boolean unknown() {
      return Double.isNaN(cpu);
    }
  }

  /** What one report produced. */
  public record Result(
      boolean duplicate, boolean newEpoch, List<PodDelta> deltas, long anomalies) {}

  /**
   * How long the last state of a node whose report was deleted is kept (in report time): the agent
   * recreates a missing report with the same epoch, and its counters must continue, not start
   * again. Only bounds memory; a node back after this is treated as new.
   */
  static final Duration DROPPED_NODE_RETENTION = Duration.ofHours(24);

  /**
   * How long a pod's state is kept after its last entry in its node's report (report time): three
   * times the longest the agent leaves a pod out (10 minutes), so a pod included again is never
   * charged its whole cumulative counter a second time; a pod silent longer has ended.
   */
  static final Duration SILENCE = Duration.ofMinutes(30);

  private final Map<String, NodeState> nodes = new HashMap<>();
  private final Map<String, NodeState> dropped = new HashMap<>();
  private Instant latest;
  private final Map<String, Checkpoint> seeds = new HashMap<>();
  private boolean warm;

  /**
   * After the first pass over the reports present at start, a node seen for the first time is a new
   * node (or a new agent): its counters are all new energy, like a new epoch.
   */
  public void warm() {
    warm = true;
  }

  /** Remembers a restored checkpoint until the pod's node reports for the first time. */
  public void seed(String uid, Checkpoint c) {
    seeds.put(uid, c);
  }

  public Result apply(ReportSample r) {
    return apply(r, p -> false, p -> null);
  }

  public Result apply(ReportSample r, Predicate<PodCounters> fresh) {
    return apply(r, fresh, p -> null);
  }

  /**
   * @param fresh pods without a checkpoint that provably started after the ledger's last known
   *     write: in the first report after an operator start they count from zero, not as a base
   * @param startOf when the pod started (null: unknown): a pod left out of a partial first report
   *     after an operator start and seen later counts from zero when it started after that report
   */
  public Result apply(
      ReportSample r, Predicate<PodCounters> fresh, Function<PodCounters, Instant> startOf) {
    if (latest == null || r.timestamp().isAfter(latest)) {
      latest = r.timestamp();
    }
    NodeState prev = nodes.get(r.node());
    if (prev == null) {
      prev = dropped.remove(r.node());
      if (prev != null) {
        nodes.put(r.node(), prev); // its report was recreated: known again, even if a duplicate
      }
    }
    boolean known = prev != null;
    boolean sameEpoch = known && Objects.equals(prev.epoch, r.epoch());
    if (sameEpoch && !newer(prev, r)) {
      return new Result(true, false, List.of(), 0);
    }
    boolean newEpoch = known && !sameEpoch;
    Instant cold = sameEpoch ? prev.cold : !known && !warm && r.partial() ? r.timestamp() : null;
    if (cold != null && cold.isBefore(r.timestamp().minus(SILENCE))) {
      cold = null; // every pod present then has been included since: a pod first seen now is new
    }
    Instant start =
        sameEpoch ? prev.timestamp : r.timestamp().minusSeconds(Math.max(1, r.intervalSeconds()));
    Map<String, Base> next =
        new HashMap<>(Math.max(16, (sameEpoch ? prev.pods.size() : r.pods().size()) * 2));
    if (sameEpoch) {
      next.putAll(prev.pods); // pods left out of this report keep their state: no news, not ended
    }
    List<PodDelta> out = new ArrayList<>(r.pods().size());
    long anomalies = 0;
    for (PodCounters p : r.pods()) {
      double[] cur = {p.cpuJoules(), p.memoryJoules(), p.gpuJoules()};
      Base had = next.put(p.uid(), new Base(cur[0], cur[1], cur[2], r.timestamp(), p.ended()));
      double[] base;
      Checkpoint from = null;
      if (sameEpoch && had != null && !had.unknown()) {
        base = new double[] {had.cpu, had.memory, had.gpu};
      } else if (newEpoch || (sameEpoch && had == null && cold == null)) {
        // The agent restarted (counters start again from zero), or a new pod on a node known
        // since before it started: everything it reports is new.
        base = ZERO;
      } else {
        // First sight of the pod since an operator start: its first report after the start, an
        // entry unusable there, or a pod left out of it.
        from = seedFor(p.uid(), r.node());
        if (from != null) {
          base = baseFrom(from, r);
        } else if ((warm && !sameEpoch) || fresh.test(p) || startedAfter(startOf.apply(p), cold)) {
          // A node that joined after the start, or a pod that started after the ledger's last
          // known write: everything it reports is new.
          base = ZERO;
        } else {
          base = cur; // operator just started, nothing known: this report is the base
        }
      }
      double dc = cur[0] - base[0];
      double dm = cur[1] - base[1];
      double dg = cur[2] - base[2];
      if (dc < 0 || dm < 0 || dg < 0) {
        anomalies++;
        dc = Math.max(0, dc);
        dm = Math.max(0, dm);
        dg = Math.max(0, dg);
      }
      double measured =
          p.estimated()
              ? (r.cpuMeasured() ? dc : 0)
                  + (r.memoryMeasured() ? dm : 0)
                  + (r.gpuMeasured() ? dg : 0)
              : dc + dm + dg;
      // A pod left out of earlier reports: its delta covers the time since it was last seen.
      Instant podStart = sameEpoch && had != null && had.seen.isBefore(start) ? had.seen : start;
      out.add(
          new PodDelta(
              p.uid(),
              p.namespace(),
              p.name(),
              r.node(),
              dc,
              dm,
              dg,
              measured,
              p.watts(),
              podStart,
              r.timestamp(),
              from));
    }
    for (String uid : r.unusable()) {
      // Present but unusable this time (e.g. NaN counters): nothing is charged, and the pod keeps
      // its base so that its next usable counters are not charged again from zero.
      if (next.containsKey(uid)) {
        continue; // known (kept above) or usable in this very report
      }
      Checkpoint c = seeds.get(uid);
      boolean seeded = c != null && c.node().equals(r.node());
      if ((sameEpoch && cold != null) || (!sameEpoch && !newEpoch && (!warm || seeded))) {
        next.put(uid, new Base(Double.NaN, Double.NaN, Double.NaN, r.timestamp(), false));
      }
      // Otherwise a new node's or a new epoch's pods count from zero anyway.
    }
    // Silent too long (never the pods of this very report): ended without saying so.
    Instant silentSince = r.timestamp().minus(SILENCE);
    next.values().removeIf(b -> b.seen.isBefore(silentSince));
    nodes.put(r.node(), new NodeState(r.epoch(), r.sequence(), r.timestamp(), next, cold));
    return new Result(false, newEpoch, out, anomalies);
  }

  private static final double[] ZERO = {0, 0, 0};

  private static boolean startedAfter(Instant podStart, Instant cold) {
    return podStart != null && cold != null && podStart.isAfter(cold);
  }

  private Checkpoint seedFor(String uid, String node) {
    Checkpoint c = seeds.remove(uid);
    return c != null && c.node().equals(node) ? c : null;
  }

  /**
   * The counters a restored pod continues from: its checkpoint's, or zero when the agent's epoch
   * changed since the checkpoint (the agent restarted and its counters started again from zero;
   * what the pod used between the checkpoint and that restart is unknown).
   */
  private static double[] baseFrom(Checkpoint c, ReportSample r) {
    return c.epoch().equals(r.epoch())
        ? new double[] {c.cpuJoules(), c.memoryJoules(), c.gpuJoules()}
        : ZERO;
  }

  private static boolean newer(NodeState prev, ReportSample r) {
    if (prev.sequence != null && r.sequence() != null) {
      return r.sequence() > prev.sequence;
    }
    return r.timestamp().isAfter(prev.timestamp);
  }

  /**
   * A node whose report was deleted stops being tracked (its pods are gone with it), but its last
   * state is kept for {@link #DROPPED_NODE_RETENTION} in case the report comes back.
   */
  public void dropNodesExcept(Set<String> present) {
    for (Iterator<Map.Entry<String, NodeState>> it = nodes.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, NodeState> e = it.next();
      if (!present.contains(e.getKey())) {
        dropped.put(e.getKey(), e.getValue());
        it.remove();
      }
    }
    if (latest != null) {
      Instant cutoff = latest.minus(DROPPED_NODE_RETENTION);
      dropped.values().removeIf(n -> n.timestamp.isBefore(cutoff));
    }
  }

  int droppedNodes() {
    return dropped.size();
  }

  /** Counters last seen for the pod on that node, or null. */
  @Override
  public double[] counters(String node, String uid) {
    NodeState n = nodes.get(node);
    Base b = n == null ? null : n.pods.get(uid);
    return b == null || b.unknown() ? null : new double[] {b.cpu, b.memory, b.gpu};
  }

  @Override
  public String epoch(String node) {
    NodeState n = nodes.get(node);
    return n == null ? null : n.epoch;
  }

  /** Sequence of the node's last accepted report, or null. */
  @Override
  public Long sequence(String node) {
    NodeState n = nodes.get(node);
    return n == null ? null : n.sequence;
  }

  @Override
  public Instant lastReport(String node) {
    NodeState n = nodes.get(node);
    return n == null ? null : n.timestamp;
  }

  public Set<String> nodes() {
    return nodes.keySet();
  }

  /** Whether the pod's entries on that node were accepted (it may have ended since). */
  @Override
  public boolean tracks(String node, String uid) {
    NodeState n = nodes.get(node);
    return n != null && n.pods.containsKey(uid);
  }

  /** Whether the pod's energy may still grow on that node: tracked there, and not ended. */
  public boolean running(String node, String uid) {
    NodeState n = nodes.get(node);
    Base b = n == null ? null : n.pods.get(uid);
    return b != null && !b.ended;
  }

  /**
   * Report time of the pod's last entry on that node (it may have been left out since), or null.
   */
  @Override
  public Instant lastEntry(String node, String uid) {
    NodeState n = nodes.get(node);
    Base b = n == null ? null : n.pods.get(uid);
    return b == null ? null : b.seen;
  }

  public int trackedPods() {
    int n = 0;
    for (NodeState s : nodes.values()) {
      n += s.pods.size();
    }
    return n;
  }
}
