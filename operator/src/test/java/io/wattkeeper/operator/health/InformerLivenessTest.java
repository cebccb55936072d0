package io.wattkeeper.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.operator.health.InformerLiveness.Informer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InformerLivenessTest {

  static final Instant T0 = Instant.parse("2026-09-15T10:00:00Z");

  @Test
  void aStoppedInformerIsDeadAtOnce() {
    InformerLiveness l = new InformerLiveness(Duration.ofMinutes(2));
    InformerLiveness.Verdict v =
        l.check(List.of(new Informer("a", true, true), new Informer("b", false, false)), T0);
    assertThat(v.alive()).isFalse();
    assertThat(v.dead()).containsExactly("b: stopped");
  }

  @Test
  void aReconnectIsNotDeathButAWatchGoneLongerThanTheGraceIs() {
    InformerLiveness l = new InformerLiveness(Duration.ofMinutes(2));
    List<Informer> reconnecting = List.of(new Informer("a", true, false));
    assertThat(l.check(reconnecting, T0).alive()).isTrue();
    assertThat(l.check(reconnecting, T0.plusSeconds(119)).alive()).isTrue();
    assertThat(l.check(reconnecting, T0.plusSeconds(120)).dead())
        .containsExactly("a: not watching since " + T0);
    // Watching again: alive, and a later gap starts its own grace.
    assertThat(l.check(List.of(new Informer("a", true, true)), T0.plusSeconds(130)).alive())
        .isTrue();
    assertThat(l.check(reconnecting, T0.plusSeconds(140)).alive()).isTrue();
  }
}
