package io.wattkeeper.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wattkeeper.agent.gpu.GpuEnergyIntegrator.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuEnergyIntegratorTest {

  /** A clock moved by hand. */
  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advanceSeconds(double seconds) {
      now = now.plusNanos((long) (seconds * 1e9));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final ManualClock clock = new ManualClock();
  final GpuEnergyIntegrator integrator = new GpuEnergyIntegrator(clock);

  static GpuSample sample(String uuid, double watts, double counterJoules) {
    return new GpuSample(uuid, "gpu", watts, counterJoules, 0, 300, 300, 100, 400, List.of());
  }

  @Test
  void firstSightingHasNoInterval() {
    assertThat(integrator.advance(List.of(sample("GPU-a", 100, 10)))).isEmpty();
  }

  @Test
  void counterDeltaWhenTheCounterIsKnown() {
    integrator.advance(List.of(sample("GPU-a", 100, 10)));
    clock.advanceSeconds(5);
    var interval = integrator.advance(List.of(sample("GPU-a", 300, 1010))).get("GPU-a");

    assertThat(interval.joules()).isEqualTo(1000.0);
    assertThat(interval.method()).isEqualTo(Method.ENERGY_COUNTER);
    assertThat(interval.method().label()).isEqualTo("nvml-energy-counter");
    assertThat(interval.duration()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void powerTimesTimeWithoutACounter() {
    integrator.advance(List.of(sample("GPU-a", 100, Double.NaN)));
    clock.advanceSeconds(10);
    var interval = integrator.advance(List.of(sample("GPU-a", 200, Double.NaN))).get("GPU-a");

    assertThat(interval.joules()).isCloseTo(1500.0, within(1e-9)); // trapezoid: 150 W x 10 s
    assertThat(interval.method()).isEqualTo(Method.POWER_TIMES_TIME);
  }

  @Test
  void counterResetFallsBackToPowerForOneIntervalThenResumes() {
    integrator.advance(List.of(sample("GPU-a", 100, 5000)));
    clock.advanceSeconds(2);
    // The meter reports NaN for the sample where the counter went backwards.
    var reset = integrator.advance(List.of(sample("GPU-a", 100, Double.NaN))).get("GPU-a");
    assertThat(reset.method()).isEqualTo(Method.POWER_TIMES_TIME);
    assertThat(reset.joules()).isCloseTo(200.0, within(1e-9));

    clock.advanceSeconds(2);
    var fallback = integrator.advance(List.of(sample("GPU-a", 100, 3))).get("GPU-a");
    assertThat(fallback.method()).isEqualTo(Method.POWER_TIMES_TIME);

    clock.advanceSeconds(2);
    var resumed = integrator.advance(List.of(sample("GPU-a", 100, 203))).get("GPU-a");
    assertThat(resumed.method()).isEqualTo(Method.ENERGY_COUNTER);
    assertThat(resumed.joules()).isEqualTo(200.0);
  }

  @Test
  void aCounterLowerThanBeforeIsNeverANegativeEnergy() {
    integrator.advance(List.of(sample("GPU-a", 100, 5000)));
    clock.advanceSeconds(1);
    var interval = integrator.advance(List.of(sample("GPU-a", 100, 10))).get("GPU-a");
    assertThat(interval.joules()).isEqualTo(100.0);
    assertThat(interval.method()).isEqualTo(Method.POWER_TIMES_TIME);
  }

  @Test
  void implausibleJumpFallsBackToPower() {
    integrator.advance(List.of(sample("GPU-a", 100, 0)));
    clock.advanceSeconds(1);
    var interval = integrator.advance(List.of(sample("GPU-a", 100, 1e9))).get("GPU-a");
    assertThat(interval.joules()).isEqualTo(100.0);
    assertThat(interval.method()).isEqualTo(Method.POWER_TIMES_TIME);
  }

  @Test
  void implausibleJumpWithoutPowerIsUnknown() {
    integrator.advance(List.of(sample("GPU-a", Double.NaN, 0)));
    clock.advanceSeconds(1);
    var interval = integrator.advance(List.of(sample("GPU-a", Double.NaN, 1e9))).get("GPU-a");
    assertThat(interval.joules()).isNaN();
    assertThat(interval.method()).isEqualTo(Method.UNKNOWN);
  }

  @Test
  void nothingKnownIsUnknownNotZero() {
    integrator.advance(List.of(sample("GPU-a", Double.NaN, Double.NaN)));
    clock.advanceSeconds(1);
    var interval =
        integrator.advance(List.of(sample("GPU-a", Double.NaN, Double.NaN))).get("GPU-a");
    assertThat(interval.joules()).isNaN();
    assertThat(interval.method()).isEqualTo(Method.UNKNOWN);
  }

  @Test
  void oneKnownPowerReadingIsUsedAlone() {
    integrator.advance(List.of(sample("GPU-a", Double.NaN, Double.NaN)));
    clock.advanceSeconds(4);
    var interval = integrator.advance(List.of(sample("GPU-a", 50, Double.NaN))).get("GPU-a");
    assertThat(interval.joules()).isCloseTo(200.0, within(1e-9));
  }

  @Test
  void aGpuThatDisappearsIsForgotten() {
    integrator.advance(List.of(sample("GPU-a", 100, 0), sample("GPU-b", 100, 0)));
    clock.advanceSeconds(1);
    assertThat(integrator.advance(List.of(sample("GPU-a", 100, 100)))).containsOnlyKeys("GPU-a");
    clock.advanceSeconds(1);
    assertThat(integrator.advance(List.of(sample("GPU-b", 100, 200)))).isEmpty();
  }

  @Test
  void noTimeElapsedGivesNoInterval() {
    integrator.advance(List.of(sample("GPU-a", 100, 0)));
    assertThat(integrator.advance(List.of(sample("GPU-a", 100, 0)))).isEmpty();
  }
}
