package io.wattkeeper.agent.functionalunit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Scrapes one pod's endpoint and reads its profile's counters. */
public final class UnitReader {
  static final String START_TIME = "process_start_time_seconds";
  private final MetricsFetcher fetcher;

  public UnitReader(MetricsFetcher fetcher) {
    this.fetcher = fetcher;
  }

  public UnitReading read(String host, ScrapeTarget target) {
    if (target.problem() != null) {
      return UnitReading.failed(target.problem());
    }
    String where = host + ":" + target.port() + target.path();
    String body;
    try {
      body = fetcher.get(host, target.port(), target.path());
    } catch (IOException | RuntimeException e) {
      return UnitReading.failed("scrape of " + where + " failed: " + e.getMessage());
    }
    return fromBody(body, target.profile(), where);
  }

  /** The counters of a profile in an exposition body. */
  public static UnitReading fromBody(String body, ServerProfile profile, String where) {
    Set<String> names = new LinkedHashSet<>(profile.names());
    names.add(START_TIME);
    Exposition e = PromTextParser.parse(body, names, profile.replicaLabels());
    List<String> problems = new ArrayList<>();
    Double requests = counter(e, profile.requests(), problems);
    Double prompt = counter(e, profile.promptTokens(), problems);
    Double generated = counter(e, profile.generatedTokens(), problems);
    if (e.problemCount() > 0) {
      problems.add(e.problemCount() + " unparsable lines, first " + e.problems().get(0));
    }
    String problem =
        problems.isEmpty()
            ? null
            : where + " (" + profile.name() + "): " + String.join("; ", problems);
    return new UnitReading(requests, prompt, generated, e.sum(START_TIME), problem);
  }

  private static Double counter(Exposition e, String name, List<String> problems) {
    if (name == null) {
      return null; // the profile does not count this unit
    }
    Double v = e.sum(name);
    if (v == null
        && !e.sums().containsKey(name)
        && !e.broken().contains(name)
        && e.declared(name)) {
      return 0.0; // declared, no series yet: nothing counted
    }
    if (v == null) {
      problems.add(e.whyUnknown(name));
      return null;
    }
    if (v < 0 || v.isInfinite()) {
      problems.add(name + " is " + v + ", not a counter");
      return null;
    }
    return v;
  }
}
