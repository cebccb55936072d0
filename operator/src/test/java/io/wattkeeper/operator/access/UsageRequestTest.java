package io.wattkeeper.operator.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsageRequestTest {

  @Test
  void exportNeedsItsNamespaceAndBudget() {
    assertThat(UsageRequest.of("/api/v1/namespaces/ml/energybudgets/team/usage.csv"))
        .contains(new UsageRequest("ml", "team"));
    assertThat(UsageRequest.of("/api/v1/namespaces/ml/other"))
        .contains(new UsageRequest("ml", null));
  }

  @Test
  void metricsAndUnknownApiPathsNeedClusterWide() {
    assertThat(UsageRequest.of("/q/metrics")).contains(new UsageRequest(null, null));
    assertThat(UsageRequest.of("/q/metrics/json")).contains(new UsageRequest(null, null));
    assertThat(UsageRequest.of("/api/v2/anything")).contains(new UsageRequest(null, null));
    assertThat(UsageRequest.of("/api/v1/namespaces/")).contains(new UsageRequest(null, null));
  }

  @Test
  void healthAndWebhookAreNotUsageData() {
    assertThat(UsageRequest.of("/q/health/ready")).isEmpty();
    assertThat(UsageRequest.of("/admission/validate")).isEmpty();
    assertThat(UsageRequest.of("/q/metricsx")).isEmpty();
  }

  @Test
  void bearerHeaderParsing() {
    assertThat(UsageAccessFilter.bearer("Bearer abc")).isEqualTo("abc");
    assertThat(UsageAccessFilter.bearer("bearer abc ")).isEqualTo("abc");
    assertThat(UsageAccessFilter.bearer("Basic abc")).isNull();
    assertThat(UsageAccessFilter.bearer("Bearer ")).isNull();
    assertThat(UsageAccessFilter.bearer(null)).isNull();
  }
}
