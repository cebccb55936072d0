package io.wattkeeper.agent.state;

import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.attribution.Shares;
import io.wattkeeper.agent.functionalunit.CounterResets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Cumulative joules per pod and component since the pod started on this node, plus node, GPU and
 * system totals, within one counter epoch. Pods that end stay until their final counters were
 * reported twice. Not thread-safe: the agent serialises sample and report.
 */
public final class EnergyLedger {
  private final Clock clock;
  private final LedgerState state;
  private final Map<String, PodCounters> pods = new LinkedHashMap<>();
  private final Map<String, Double> gpus = new LinkedHashMap<>();
  private final Map<String, Double> caps = new LinkedHashMap<>();

  private EnergyLedger(Clock clock, LedgerState state) {
    this.clock = clock;
    this.state = state;
    state.pods.forEach(p -> pods.put(p.uid, p));
    state.gpus.forEach(g -> gpus.put(g.uuid, g.joules));
    if (state.gpuCaps != null) {
      state.gpuCaps.forEach(c -> caps.put(c.uuid, c.watts));
    }
  }

  /** GPU caps in force as last recorded (watts by UUID): set by this agent, not yet undone. */
  public Map<String, Double> recordedCaps() {
    return Map.copyOf(caps);
  }

  /** Records the caps in force now; saved with the counters. */
  public void recordCaps(Map<String, Double> inForce) {
    caps.clear();
    caps.putAll(inForce);
  }

  /** A fresh ledger with a new counter epoch (first start, or the state file was lost). */
  public static EnergyLedger newEpoch(Clock clock, String nodeName) {
    LedgerState s = new LedgerState();
    s.nodeName = nodeName;
    s.counterEpoch =
        clock.instant().toString() + "/" + UUID.randomUUID().toString().substring(0, 8);
    return new EnergyLedger(clock, s);
  }

  /** Continues from a saved state (same epoch, same sequence). */
  public static EnergyLedger restore(Clock clock, LedgerState state) {
    return new EnergyLedger(clock, state);
  }

  public String counterEpoch() {
    return state.counterEpoch;
  }

  public long sequence() {
    return state.sequence;
  }

  public LedgerState state() {
    return state;
  }

  /** Adds one interval. Pods in {@code running} are alive; others still here are marked ended. */
  public void add(IntervalAttribution interval, Set<String> running) {
    String now = clock.instant().toString();
    for (Map.Entry<String, Shares> e : interval.pods().entrySet()) {
      PodCounters c = pods.computeIfAbsent(e.getKey(), uid -> new PodCounters(uid, now));
      Shares s = e.getValue();
      c.cpuJoules += s.cpuJoules();
      c.memoryJoules += s.memoryJoules();
      c.gpuJoules += s.gpuJoules();
      state.nodeCpuJoules += s.cpuJoules();
      state.nodeMemoryJoules += s.memoryJoules();
      state.nodeGpuJoules += s.gpuJoules();
    }
    Shares sys = interval.system();
    state.systemCpuJoules += sys.cpuJoules();
    state.systemMemoryJoules += sys.memoryJoules();
    state.systemGpuJoules += sys.gpuJoules();
    state.nodeCpuJoules += sys.cpuJoules();
    state.nodeMemoryJoules += sys.memoryJoules();
    state.nodeGpuJoules += sys.gpuJoules();
    interval.gpuJoulesByGpu().forEach((uuid, j) -> gpus.merge(uuid, j, Double::sum));
    for (PodCounters c : pods.values()) {
      boolean alive = running.contains(c.uid) || interval.pods().containsKey(c.uid);
      if (!alive && c.endedAt == null) {
        c.endedAt = now;
      } else if (alive && c.endedAt != null) {
        c.endedAt = null; // seen again (a cgroup read that failed once)
        c.reportsSinceEnded = 0;
      }
    }
  }

  /** Names a pod (from the pod list); names stay after the pod ends. */
  public void name(String uid, String namespace, String name) {
    PodCounters c = pods.get(uid);
    if (c != null) {
      c.namespace = namespace;
      c.name = name;
    }
  }

  /**
   * Adds one scrape of a pod's inference server (see {@link
   * io.wattkeeper.agent.functionalunit.CounterResets}). A counter the scrape could not read keeps
   * its count and raw baseline: the next good scrape adds what was served meanwhile. A pod not in
   * the ledger (no energy yet) starts counting at its next scrape.
   */
  public void recordUnits(String uid, io.wattkeeper.agent.functionalunit.UnitReading r) {
    PodCounters c = pods.get(uid);
    if (c == null) {
      return;
    }
    boolean restarted =
        r.startTimeSeconds() != null
            && c.serverStartSeconds != null
            && r.startTimeSeconds() > c.serverStartSeconds;
    if (r.requests() != null) {
      c.requests = CounterResets.advance(c.requests, c.rawRequests, r.requests(), restarted);
      c.rawRequests = r.requests();
    }
    if (r.promptTokens() != null) {
      c.promptTokens =
          CounterResets.advance(c.promptTokens, c.rawPromptTokens, r.promptTokens(), restarted);
      c.rawPromptTokens = r.promptTokens();
    }
    if (r.generatedTokens() != null) {
      c.generatedTokens =
          CounterResets.advance(
              c.generatedTokens, c.rawGeneratedTokens, r.generatedTokens(), restarted);
      c.rawGeneratedTokens = r.generatedTokens();
    }
    if (r.startTimeSeconds() != null) {
      c.serverStartSeconds = r.startTimeSeconds();
    }
  }

  public Collection<PodCounters> pods() {
    return Collections.unmodifiableCollection(pods.values());
  }

  public PodCounters pod(String uid) {
    return pods.get(uid);
  }

  public Map<String, Double> gpuJoules() {
    return Collections.unmodifiableMap(gpus);
  }

  /**
   * Call after a report was written: increments the sequence and forgets ended pods whose final
   * counters have now been reported twice. Returns the forgotten UIDs.
   */
  public List<String> reported() {
    return reported(null);
  }

  /**
   * As {@link #reported()}, counting only the ended pods that the written report showed as ended
   * (null: all): a pod that ended while the report was on its way has not had its final counters
   * reported yet.
   */
  public List<String> reported(java.util.Set<String> endedInReport) {
    state.sequence++;
    List<String> dropped = new ArrayList<>();
    for (PodCounters c : List.copyOf(pods.values())) {
      if (c.ended() && (endedInReport == null || endedInReport.contains(c.uid))) {
        c.reportsSinceEnded++;
        if (c.reportsSinceEnded >= 2) {
          pods.remove(c.uid);
          dropped.add(c.uid);
        }
      }
    }
    return dropped;
  }

  /** The state to save, with the current pods and GPUs. */
  public LedgerState snapshot() {
    state.pods = new ArrayList<>(pods.values());
    state.gpus = new ArrayList<>();
    gpus.forEach((uuid, j) -> state.gpus.add(new LedgerState.GpuCounter(uuid, j)));
    state.gpuCaps = new ArrayList<>();
    caps.forEach((uuid, w) -> state.gpuCaps.add(new LedgerState.GpuCap(uuid, w)));
    return state;
  }
}
