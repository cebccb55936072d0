package io.wattkeeper.operator.period;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.validation.BudgetPolicy.CalendarUnit;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodPolicy;
import io.wattkeeper.api.validation.BudgetPolicy.PeriodType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PeriodCalculatorTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static PeriodPolicy cal(CalendarUnit u, ZoneId z) {
    return new PeriodPolicy(PeriodType.Calendar, u, null, z);
  }

  @Test
  void monthInBerlinStartsAtLocalMidnight() {
    Period p =
        PeriodCalculator.current(
            cal(CalendarUnit.Month, BERLIN), Instant.parse("2026-09-15T10:00:00Z"));
    assertThat(p.start()).isEqualTo(Instant.parse("2026-08-31T22:00:00Z"));
    assertThat(p.end()).isEqualTo(Instant.parse("2026-09-30T22:00:00Z"));
    assertThat(p.rolling()).isFalse();
  }

  @Test
  void theDayDstEndsHas25HoursAndTheDayItStartsHas23() {
    Period autumn =
        PeriodCalculator.current(
            cal(CalendarUnit.Day, BERLIN), Instant.parse("2026-10-25T12:00:00Z"));
    assertThat(autumn.length()).isEqualTo(Duration.ofHours(25));
    Period spring =
        PeriodCalculator.current(
            cal(CalendarUnit.Day, BERLIN), Instant.parse("2026-03-29T12:00:00Z"));
    assertThat(spring.length()).isEqualTo(Duration.ofHours(23));
    assertThat(spring.start()).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
  }

  @Test
  void theMonthOfTheDstChangeIsAnHourLonger() {
    Period oct =
        PeriodCalculator.current(
            cal(CalendarUnit.Month, BERLIN), Instant.parse("2026-10-10T00:00:00Z"));
    assertThat(oct.length()).isEqualTo(Duration.ofDays(31).plusHours(1));
  }

  @Test
  void aMomentBeforeMidnightLocalBelongsToTheOldDay() {
    Instant lastSecond = Instant.parse("2026-09-30T21:59:59Z"); // 23:59:59 CEST
    Period p = PeriodCalculator.current(cal(CalendarUnit.Month, BERLIN), lastSecond);
    assertThat(p.end()).isEqualTo(Instant.parse("2026-09-30T22:00:00Z"));
    Period next =
        PeriodCalculator.current(cal(CalendarUnit.Month, BERLIN), lastSecond.plusSeconds(1));
    assertThat(next.start()).isEqualTo(p.end());
  }

  @Test
  void weeksStartOnMonday() {
    Period w =
        PeriodCalculator.current(
            cal(CalendarUnit.Week, ZoneOffset.UTC), Instant.parse("2026-09-17T08:00:00Z"));
    assertThat(w.start()).isEqualTo(Instant.parse("2026-09-14T00:00:00Z"));
    assertThat(w.end()).isEqualTo(Instant.parse("2026-09-21T00:00:00Z"));
  }

  @Test
  void midnightInADstGapStartsAtTheFirstValidInstant() {
    // America/Santiago skips 00:00-01:00 on 2026-09-06.
    ZoneId santiago = ZoneId.of("America/Santiago");
    Period p =
        PeriodCalculator.current(
            cal(CalendarUnit.Day, santiago), Instant.parse("2026-09-06T15:00:00Z"));
    assertThat(p.startZoned().getHour()).isEqualTo(1);
    assertThat(p.length()).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void rollingWindowsEndNow() {
    Instant now = Instant.parse("2026-09-15T10:00:00Z");
    Period p =
        PeriodCalculator.current(
            new PeriodPolicy(PeriodType.Rolling, null, Duration.ofHours(168), ZoneOffset.UTC), now);
    assertThat(p.rolling()).isTrue();
    assertThat(p.end()).isEqualTo(now);
    assertThat(p.start()).isEqualTo(now.minus(Duration.ofDays(7)));
  }
}
