package io.wattkeeper.agent.functionalunit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapeTargetTest {

  @Test
  void aBudgetsProfileIsUsedWhenThePodNamesNone() {
    ScrapeTarget t =
        ScrapeTarget.of(
            Map.of(
                ScrapeTarget.FROM_BUDGET,
                "{\"budget\":\"team\",\"profile\":\"vllm\",\"port\":8080,\"path\":\"/metrics\"}"));
    assertThat(t.problem()).isNull();
    assertThat(t.profile()).isEqualTo(ServerProfile.VLLM);
    assertThat(t.port()).isEqualTo(8080);
    assertThat(t.path()).isEqualTo("/metrics");
    // Without a port the profile's default.
    assertThat(ScrapeTarget.of(Map.of(ScrapeTarget.FROM_BUDGET, "{\"profile\":\"tgi\"}")).port())
        .isEqualTo(80);
  }

  @Test
  void thePodsOwnAnnotationsWin() {
    ScrapeTarget t =
        ScrapeTarget.of(
            Map.of(
                ScrapeTarget.PROFILE,
                "sglang",
                ScrapeTarget.FROM_BUDGET,
                "{\"budget\":\"team\",\"profile\":\"vllm\",\"port\":8080}"));
    assertThat(t.profile()).isEqualTo(ServerProfile.SGLANG);
    assertThat(t.port()).isEqualTo(30000);
  }

  @Test
  void aBadBudgetAnnotationIsAProblemNeverAGuess() {
    assertThat(ScrapeTarget.of(Map.of(ScrapeTarget.FROM_BUDGET, "not json")).problem())
        .contains(ScrapeTarget.FROM_BUDGET);
    assertThat(ScrapeTarget.of(Map.of(ScrapeTarget.FROM_BUDGET, "{\"port\":1}")).problem())
        .contains("names no profile");
    assertThat(
            ScrapeTarget.of(
                    Map.of(
                        ScrapeTarget.FROM_BUDGET, "{\"budget\":\"team\",\"profile\":\"custom\"}"))
                .problem())
        .contains("from budget team");
  }
}
