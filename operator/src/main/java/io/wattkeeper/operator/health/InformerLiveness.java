package io.wattkeeper.operator.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether the operator is alive from its informers: one that has stopped for good is dead
 * at once (Fabric8 gives a watch up after errors it cannot recover from), one that has not been
 * watching for longer than {@code grace} is dead too (a reconnect that never succeeds); a short
 * reconnect is not. Pure: the caller hands in what each informer says and the time.
 */
public final class InformerLiveness {

  /** What one informer says now. */
  public record Informer(String name, boolean running, boolean watching) {}

  /** Null when alive; else which informers are dead and why. */
  public record Verdict(List<String> dead) {
    public boolean alive() {
      return dead.isEmpty();
    }
  }

  private final Duration grace;
  private final Map<String, Instant> notWatchingSince = new HashMap<>();

  public InformerLiveness(Duration grace) {
    this.grace = grace;
  }

  public synchronized Verdict check(List<Informer> informers, Instant now) {
    List<String> dead = new ArrayList<>();
    Map<String, Instant> seen = new HashMap<>();
    for (Informer i : informers) {
      if (!i.running()) {
        dead.add(i.name() + ": stopped");
        continue;
      }
      if (i.watching()) {
        continue;
      }
      Instant since = notWatchingSince.getOrDefault(i.name(), now);
      seen.put(i.name(), since);
      if (!now.isBefore(since.plus(grace))) {
        dead.add(i.name() + ": not watching since " + since);
      }
    }
    notWatchingSince.clear();
    notWatchingSince.putAll(seen);
    return new Verdict(dead);
  }
}
