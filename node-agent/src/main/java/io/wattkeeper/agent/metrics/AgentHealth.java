package io.wattkeeper.agent.metrics;

import io.wattkeeper.agent.report.AgentRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Probes: ready once a sample succeeded recently; live while samples keep coming. */
public class AgentHealth {

  @ApplicationScoped
  @Readiness
  public static class Ready implements HealthCheck {
    @Inject AgentRuntime agent;
    @Inject Clock clock;

    @Override
    public HealthCheckResponse call() {
      Instant last = agent.lastSampleAt();
      boolean fresh = last != null && age(clock, last).compareTo(stale(agent)) < 0;
      return HealthCheckResponse.named("wattkeeper-sampling")
          .status(fresh)
          .withData("lastSample", String.valueOf(last))
          .withData("lastError", String.valueOf(agent.lastError()))
          .build();
    }
  }

  @ApplicationScoped
  @Liveness
  public static class Live implements HealthCheck {
    @Inject AgentRuntime agent;
    @Inject Clock clock;

    @Override
    public HealthCheckResponse call() {
      Instant last = agent.lastSampleAt();
      // Not live only when samples stopped for a long time (the scheduler is stuck).
      boolean live = last == null || age(clock, last).compareTo(stale(agent).multipliedBy(4)) < 0;
      return HealthCheckResponse.named("wattkeeper-agent")
          .status(live)
          .withData("lastSample", String.valueOf(last))
          .build();
    }
  }

  static Duration age(Clock clock, Instant at) {
    return Duration.between(at, clock.instant());
  }

  static Duration stale(AgentRuntime agent) {
    return agent.config().sampleInterval().multipliedBy(3).plusSeconds(5);
  }
}
