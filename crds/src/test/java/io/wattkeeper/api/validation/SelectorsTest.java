package io.wattkeeper.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorsTest {

  static final LabelSelector SEL =
      new LabelSelectorBuilder()
          .addToMatchLabels("app", "llm")
          .addNewMatchExpression()
          .withKey("tier")
          .withOperator("NotIn")
          .withValues("critical")
          .endMatchExpression()
          .addNewMatchExpression()
          .withKey("gpu")
          .withOperator("Exists")
          .endMatchExpression()
          .addNewMatchExpression()
          .withKey("zone")
          .withOperator("In")
          .withValues("a", "b")
          .endMatchExpression()
          .build();

  @Test
  void matchesLabelsAndEveryExpression() {
    assertThat(Selectors.matches(SEL, Map.of("app", "llm", "gpu", "1", "zone", "a"))).isTrue();
    assertThat(Selectors.matches(SEL, Map.of("app", "llm", "gpu", "1", "zone", "c"))).isFalse();
    assertThat(Selectors.matches(SEL, Map.of("app", "llm", "zone", "a"))).isFalse();
    assertThat(
            Selectors.matches(
                SEL, Map.of("app", "llm", "gpu", "", "zone", "b", "tier", "critical")))
        .isFalse();
    assertThat(Selectors.matches(SEL, Map.of("app", "web", "gpu", "1", "zone", "a"))).isFalse();
  }

  @Test
  void absentPodSelectorMatchesAllButAbsentWorkloadSelectorMatchesNothing() {
    assertThat(Selectors.matches(null, Map.of("a", "b"))).isTrue();
    assertThat(Selectors.matchesWorkload(null, Map.of("a", "b"))).isFalse();
    assertThat(Selectors.matchesWorkload(new LabelSelector(), Map.of("a", "b"))).isFalse();
    assertThat(
            Selectors.matchesWorkload(
                new LabelSelectorBuilder().addToMatchLabels("a", "b").build(), Map.of("a", "b")))
        .isTrue();
  }

  @Test
  void doesNotExist() {
    LabelSelector s =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("wattkeeper.io/exempt")
            .withOperator("DoesNotExist")
            .endMatchExpression()
            .build();
    assertThat(Selectors.matches(s, Map.of())).isTrue();
    assertThat(Selectors.matches(s, Map.of("wattkeeper.io/exempt", "true"))).isFalse();
  }
}
