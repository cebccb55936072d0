package io.wattkeeper.operator.testing;

import io.wattkeeper.operator.time.MutableClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;

/**
 * Replaces the operator's clock in every {@code @QuarkusTest}: inject {@link MutableClock} and move
 * it. Tests that share the Quarkus application must not assume a starting instant; read it.
 */
public class TestClock {

  public static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-09-15T10:00:00Z"));

  @Produces
  @Singleton
  @Alternative
  @Priority(1)
  Clock clock() {
    return CLOCK;
  }

  @Produces
  @Singleton
  MutableClock mutableClock() {
    return CLOCK;
  }
}
