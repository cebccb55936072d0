package io.wattkeeper.operator.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusCadenceTest {

  static final Instant T = Instant.parse("2026-09-15T10:00:00Z");
  static final Instant END = Instant.parse("2026-10-01T00:00:00Z");
  static final Duration MIN = Duration.ofSeconds(60);
  static final StatusCadence.Last LAST = new StatusCadence.Last(T, "Ok", 1, T, END, 3);

  static java.util.Optional<Duration> hold(
      StatusCadence.Last last,
      String phase,
      long gen,
      boolean event,
      Instant resetsAt,
      Instant data,
      Integer pods,
      Instant now) {
    return StatusCadence.holdBack(last, phase, gen, event, resetsAt, data, pods, now, MIN);
  }

  @Test
  void newUsageWaitsForTheIntervalOfReportTime() {
    assertThat(hold(LAST, "Ok", 1, false, END, T.plusSeconds(30), 3, T)).contains(MIN);
    assertThat(hold(LAST, "Ok", 1, false, END, T.plusSeconds(60), 3, T)).isEmpty();
  }

  @Test
  void phaseGenerationPeriodEventsPodsAndFirstDataGoAtOnce() {
    Instant soon = T.plusSeconds(5);
    assertThat(hold(null, "Ok", 1, false, END, soon, 3, T)).isEmpty();
    assertThat(hold(LAST, "Warning", 1, false, END, soon, 3, T)).isEmpty();
    assertThat(hold(LAST, "Ok", 2, false, END, soon, 3, T)).isEmpty();
    assertThat(hold(LAST, "Ok", 1, true, END, soon, 3, T)).isEmpty();
    assertThat(hold(LAST, "Ok", 1, false, END.plusSeconds(86400), soon, 3, T)).isEmpty();
    assertThat(hold(LAST, "Ok", 1, false, END, T, 4, T)).isEmpty();
    assertThat(
            hold(new StatusCadence.Last(T, "Ok", 1, null, END, 3), "Ok", 1, false, END, soon, 3, T))
        .isEmpty();
  }

  @Test
  void whatMovesWithTheClockAloneWaitsForTheIntervalOfOperatorTime() {
    // Reports from other nodes wake the budget without new usage: the forecast moved, no write.
    assertThat(hold(LAST, "Ok", 1, false, END, T, 3, T.plusSeconds(20)))
        .contains(Duration.ofSeconds(40));
    assertThat(hold(LAST, "Ok", 1, false, END, T, 3, T.plusSeconds(60))).isEmpty();
  }

  @Test
  void aRollingWindowSlidingIsNotAPeriodChange() {
    StatusCadence.Last rolling = new StatusCadence.Last(T, "Ok", 1, T, null, 3);
    assertThat(hold(rolling, "Ok", 1, false, null, T.plusSeconds(15), 3, T.plusSeconds(15)))
        .contains(MIN);
  }
}
