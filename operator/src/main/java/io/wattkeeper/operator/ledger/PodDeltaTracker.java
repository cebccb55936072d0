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
 *   <li>A pod absent from its node's report has ended or moved: its state is dropped.
 *   <li>A pod present with unusable counters (NaN) is charged nothing and keeps its base.
 *   <li>A node whose report was deleted and recreated with the same epoch continues from its last
 *       counters (kept for {@link #DROPPED_NODE_RETENTION}); with another epoch it is a new epoch.
 *   <li>First report of a node after an operator start: pods with a {@link Checkpoint} on the same
 *       node continue from it (from zero when the epoch changed since: the agent restarted); pods
 *       that provably started after the ledger's last known write count from zero; others take this
 *       report as their base.
 * </ul>
 *
 * Not thread-safe; the ledger serialises access.
 */
public final class PodDeltaTracker {

  private static final class NodeState {
    final String epoch;
    final Long sequence;
    final Instant timestamp;
    final Map<String, double[]> pods;

    NodeState(String epoch, Long sequence, Instant timestamp, Map<String, double[]> pods) {
      this.epoch = epoch;
      this.sequence = sequence;
      this.timestamp = timestamp;
      this.pods = pods;
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
    return apply(r, p -> false);
  }

  /**
   * @param fresh pods without a checkpoint that provably started after the ledger's last known
   *     write: in the first report after an operator start they count from zero, not as a base
   */
  public Result apply(ReportSample r, Predicate<PodCounters> fresh) {
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
    Instant start =
        sameEpoch ? prev.timestamp : r.timestamp().minusSeconds(Math.max(1, r.intervalSeconds()));
    Map<String, double[]> next = new HashMap<>(Math.max(16, r.pods().size() * 2));
    List<PodDelta> out = new ArrayList<>(r.pods().size());
    long anomalies = 0;
    for (PodCounters p : r.pods()) {
      double[] cur = {p.cpuJoules(), p.memoryJoules(), p.gpuJoules()};
      next.put(p.uid(), cur);
      double[] base = null;
      Checkpoint from = null;
      if (sameEpoch) {
        base = prev.pods.get(p.uid());
        if (base == null) {
          base = ZERO; // new pod on a known node: everything since it started is new
        } else if (base == UNKNOWN) {
          // Unusable in the node's first report: as if this were that first report.
          from = seedFor(p.uid(), r.node());
          base = from != null ? baseFrom(from, r) : fresh.test(p) ? ZERO : cur;
        }
      } else if (newEpoch) {
        base = ZERO; // the agent restarted: counters start again from zero
      } else {
        from = seedFor(p.uid(), r.node());
        if (from != null) {
          base = baseFrom(from, r);
        } else if (warm || fresh.test(p)) {
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
              start,
              r.timestamp(),
              from));
    }
    for (String uid : r.unusable()) {
      // Present but unusable this time (e.g. NaN counters): nothing is charged, and the pod keeps
      // its base so that its next usable counters are not charged again from zero.
      if (next.containsKey(uid)) {
        continue;
      }
      double[] base = null;
      if (sameEpoch) {
        base = prev.pods.get(uid);
      } else if (!newEpoch) {
        Checkpoint c = seeds.get(uid);
        boolean seeded = c != null && c.node().equals(r.node());
        base = !warm || seeded ? UNKNOWN : null; // a new node's pods count from zero anyway
      }
      if (base != null) {
        next.put(uid, base);
      }
    }
    nodes.put(r.node(), new NodeState(r.epoch(), r.sequence(), r.timestamp(), next));
    return new Result(false, newEpoch, out, anomalies);
  }

  private static final double[] ZERO = {0, 0, 0};

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

  /** Marks a pod present on the node whose base is not known yet (compared by identity). */
  private static final double[] UNKNOWN = {Double.NaN, Double.NaN, Double.NaN};

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
  public double[] counters(String node, String uid) {
    NodeState n = nodes.get(node);
    double[] c = n == null ? null : n.pods.get(uid);
    return c == UNKNOWN ? null : c;
  }

  public String epoch(String node) {
    NodeState n = nodes.get(node);
    return n == null ? null : n.epoch;
  }

  /** Sequence of the node's last accepted report, or null. */
  public Long sequence(String node) {
    NodeState n = nodes.get(node);
    return n == null ? null : n.sequence;
  }

  public Instant lastReport(String node) {
    NodeState n = nodes.get(node);
    return n == null ? null : n.timestamp;
  }

  public Set<String> nodes() {
    return nodes.keySet();
  }

  public boolean tracks(String node, String uid) {
    NodeState n = nodes.get(node);
    return n != null && n.pods.containsKey(uid);
  }

  public int trackedPods() {
    int n = 0;
    for (NodeState s : nodes.values()) {
      n += s.pods.size();
    }
    return n;
  }
}
