package io.wattkeeper.agent.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Problems the agent met: standing ones (found at start) and those of the current report period
 * (cleared after each report). Bounded so a flood of bad files cannot grow the report.
 */
public final class Warnings {
  static final int MAX = 20;
  private final Set<String> standing = new LinkedHashSet<>();
  private final Set<String> recent = new LinkedHashSet<>();
  private final Set<Integer> dropped = new java.util.HashSet<>();

  public synchronized void standing(String warning) {
    standing.add(warning);
  }

  public synchronized void add(String warning) {
    if (standing.size() + recent.size() < MAX) {
      recent.add(warning);
    } else if (!recent.contains(warning) && dropped.size() < 10_000) {
      dropped.add(warning.hashCode()); // counts distinct warnings left out, not repeats
    }
  }

  /** Current warnings; with {@code clear}, starts a new period. */
  public synchronized List<String> current(boolean clear) {
    List<String> out = new ArrayList<>(standing);
    out.addAll(recent);
    if (!dropped.isEmpty()) {
      out.add(dropped.size() + " more warnings not shown");
    }
    if (clear) {
      recent.clear();
      dropped.clear();
    }
    return out;
  }
}
