package io.wattkeeper.agent.state;

import io.wattkeeper.agent.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;

/**
 * Keeps the ledger in a small JSON file on a hostPath, written atomically (temp file + rename) so a
 * crash mid-write leaves the previous state intact.
 */
public final class StateStore {
  private final Path file;
  private final Clock clock;

  /** What loading found. */
  public record Loaded(EnergyLedger ledger, String warning) {}

  public StateStore(Path dir, String nodeName, Clock clock) {
    this.file = dir.resolve("ledger-" + (nodeName == null ? "local" : nodeName) + ".json");
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  /** The saved ledger, or a new epoch (with a warning when a file existed but was unusable). */
  public Loaded load(String nodeName) {
    try {
      LedgerState s = fromJson(Json.parse(Files.readAllBytes(file)));
      if (s.counterEpoch == null || (nodeName != null && !nodeName.equals(s.nodeName))) {
        return new Loaded(
            EnergyLedger.newEpoch(clock, nodeName),
            "state file " + file + " is for another node or has no epoch: new counter epoch");
      }
      return new Loaded(EnergyLedger.restore(clock, s), null);
    } catch (NoSuchFileException e) {
      return new Loaded(EnergyLedger.newEpoch(clock, nodeName), null);
    } catch (IOException | RuntimeException e) {
      return new Loaded(
          EnergyLedger.newEpoch(clock, nodeName),
          "state file " + file + " unreadable (" + e.getMessage() + "): new counter epoch");
    }
  }

  public void save(EnergyLedger ledger) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, Json.write(ledger.snapshot()));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The state file's JSON (the fields of {@link LedgerState}; unknown members are ignored). */
  static LedgerState fromJson(Object json) {
    Map<String, Object> o = Json.object(json);
    if (o.isEmpty()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    LedgerState s = new LedgerState();
    s.formatVersion = (int) number(o, "formatVersion", 1);
    s.nodeName = Json.string(o.get("nodeName"));
    s.counterEpoch = Json.string(o.get("counterEpoch"));
    s.sequence = (long) number(o, "sequence", 0);
    s.nodeCpuJoules = number(o, "nodeCpuJoules", 0);
    s.nodeMemoryJoules = number(o, "nodeMemoryJoules", 0);
    s.nodeGpuJoules = number(o, "nodeGpuJoules", 0);
    s.systemCpuJoules = number(o, "systemCpuJoules", 0);
    s.systemMemoryJoules = number(o, "systemMemoryJoules", 0);
    s.systemGpuJoules = number(o, "systemGpuJoules", 0);
    for (Object g : Json.array(o.get("gpus"))) {
      Map<String, Object> m = Json.object(g);
      s.gpus.add(new LedgerState.GpuCounter(Json.string(m.get("uuid")), number(m, "joules", 0)));
    }
    for (Object g : Json.array(o.get("gpuCaps"))) {
      Map<String, Object> m = Json.object(g);
      String uuid = Json.string(m.get("uuid"));
      if (uuid != null) {
        s.gpuCaps.add(new LedgerState.GpuCap(uuid, number(m, "watts", Double.NaN)));
      }
    }
    for (Object p : Json.array(o.get("pods"))) {
      Map<String, Object> m = Json.object(p);
      PodCounters c = new PodCounters();
      c.uid = Json.string(m.get("uid"));
      c.namespace = Json.string(m.get("namespace"));
      c.name = Json.string(m.get("name"));
      c.cpuJoules = number(m, "cpuJoules", 0);
      c.memoryJoules = number(m, "memoryJoules", 0);
      c.gpuJoules = number(m, "gpuJoules", 0);
      c.firstSeen = Json.string(m.get("firstSeen"));
      c.endedAt = Json.string(m.get("endedAt"));
      c.reportsSinceEnded = (int) number(m, "reportsSinceEnded", 0);
      c.requests = optional(m, "requests");
      c.promptTokens = optional(m, "promptTokens");
      c.generatedTokens = optional(m, "generatedTokens");
      c.rawRequests = optional(m, "rawRequests");
      c.rawPromptTokens = optional(m, "rawPromptTokens");
      c.rawGeneratedTokens = optional(m, "rawGeneratedTokens");
      c.serverStartSeconds = optional(m, "serverStartSeconds");
      if (c.uid == null) {
        throw new IllegalArgumentException("a pod without uid");
      }
      s.pods.add(c);
    }
    return s;
  }

  private static Double optional(Map<String, Object> o, String key) {
    double v = number(o, key, Double.NaN);
    return Double.isNaN(v) ? null : v;
  }

  private static double number(Map<String, Object> o, String key, double absent) {
    Object v = o.get(key);
    if (v == null) {
      return absent;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(key + " is not a number: " + v);
    }
    return n.doubleValue();
  }
}
