package io.wattkeeper.agent.metrics;

import io.wattkeeper.agent.report.AgentRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Probes: ready once a sample succeeded recently; live while samples keep coming. */
@ApplicationScoped
public class AgentHealth {
  @Inject AgentRuntime agent;
  @Inject Clock clock;

  /** One named check, in the MicroProfile Health JSON shape the probes and people read. */
  public record Check(String name, boolean up, Map<String, String> data) {}

  public Check ready() {
    Instant last = agent.lastSampleAt();
    boolean fresh = last != null && age(last).compareTo(stale()) < 0;
    Map<String, String> data = new LinkedHashMap<>();
    data.put("lastSample", String.valueOf(last));
    data.put("lastError", String.valueOf(agent.lastError()));
    return new Check("wattkeeper-sampling", fresh, data);
  }

  public Check live() {
    Instant last = agent.lastSampleAt();
    // Not live only when samples stopped for a long time (the sampling thread is stuck).
    boolean live = last == null || age(last).compareTo(stale().multipliedBy(4)) < 0;
    return new Check("wattkeeper-agent", live, Map.of("lastSample", String.valueOf(last)));
  }

  private Duration age(Instant at) {
    return Duration.between(at, clock.instant());
  }

  private Duration stale() {
    return agent.config().sampleInterval().multipliedBy(3).plusSeconds(5);
  }
}
