package io.wattkeeper.agent.functionalunit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromTextParserTest {

  static String sample(String name) throws IOException {
    try (InputStream in = PromTextParserTest.class.getResourceAsStream(name + ".txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Exposition parse(String profile) throws IOException {
    ServerProfile p = ServerProfile.builtIn(profile).orElseThrow();
    return PromTextParser.parse(sample(profile), p.names(), p.replicaLabels());
  }

  @Test
  void vllmCountersSumOverLabelSets() throws IOException {
    Exposition e = PromTextParser.parse(sample("vllm"));
    assertThat(e.problems()).isEmpty();
    assertThat(e.sum("vllm:request_success_total")).isEqualTo(150.0); // stop + length + abort
    assertThat(e.sum("vllm:prompt_tokens_total")).isEqualTo(12345.0); // 1.2345e+04
    assertThat(e.sum("vllm:generation_tokens_total")).isEqualTo(34567.0);
    assertThat(e.sum("process_start_time_seconds")).isEqualTo(1.76494532e9);
    // _created is a family of its own, never mixed into the counter
    assertThat(e.sum("vllm:prompt_tokens_created")).isEqualTo(1.7649453256e9);
    assertThat(e.sum("vllm:e2e_request_latency_seconds_count")).isEqualTo(150.0);
    assertThat(e.sum("vllm:e2e_request_latency_seconds_sum")).isEqualTo(412.5);
    assertThat(e.sum("vllm:gpu_cache_usage_perc")).isNull(); // NaN is unknown, not 0
    assertThat(e.whyUnknown("vllm:gpu_cache_usage_perc")).contains("NaN");
    assertThat(e.types()).containsEntry("vllm:request_success_total", "counter");
    assertThat(e.types()).containsEntry("vllm:e2e_request_latency_seconds", "histogram");
    assertThat(e.samples()).isEqualTo(16);
  }

  @Test
  void onlyWantedNamesAreSummedButAllLinesParsed() throws IOException {
    Exposition e = parse("vllm");
    assertThat(e.sums()).containsOnlyKeys(ServerProfile.VLLM.names().toArray(String[]::new));
    assertThat(e.samples()).isEqualTo(16);
  }

  @Test
  void tgiTokensAreHistogramSums() throws IOException {
    Exposition e = parse("tgi");
    assertThat(e.problems()).isEmpty();
    assertThat(e.sum(ServerProfile.TGI.requests())).isEqualTo(42.0);
    assertThat(e.sum(ServerProfile.TGI.promptTokens())).isEqualTo(9876.0);
    assertThat(e.sum(ServerProfile.TGI.generatedTokens())).isEqualTo(5120.0);
    Exposition all = PromTextParser.parse(sample("tgi"));
    assertThat(all.sum("tgi_request_generated_tokens_count")).isEqualTo(42.0);
    assertThat(all.sum("tgi_request_duration")).isEqualTo(0.812 + 3.2);
    assertThat(all.types()).containsEntry("tgi_request_duration", "summary");
  }

  @Test
  void sglangRanksRepeatingTheSameCountAreCountedOnce() throws IOException {
    Exposition e = parse("sglang");
    assertThat(e.problems()).isEmpty();
    assertThat(e.sum(ServerProfile.SGLANG.requests())).isEqualTo(83.0);
    assertThat(e.sum(ServerProfile.SGLANG.promptTokens())).isEqualTo(8128902.0);
    assertThat(e.sum(ServerProfile.SGLANG.generatedTokens())).isEqualTo(7557572.0);
    // without the replica rule the two ranks would double the count
    assertThat(PromTextParser.parse(sample("sglang")).sum("sglang:num_requests_total"))
        .isEqualTo(166.0);
  }

  @Test
  void sglangDistinctModelsStillAdd() {
    String body =
        "sglang:num_requests_total{model_name=\"a\",tp_rank=\"0\"} 5\n"
            + "sglang:num_requests_total{model_name=\"a\",tp_rank=\"1\"} 6\n"
            + "sglang:num_requests_total{model_name=\"b\",tp_rank=\"0\"} 10\n";
    Exposition e = PromTextParser.parse(body, null, Set.of("tp_rank"));
    assertThat(e.sum("sglang:num_requests_total")).isEqualTo(16.0); // max(5,6) + 10
  }

  @Test
  void tritonCountsRequestsAndNoTokens() throws IOException {
    Exposition e = parse("triton");
    assertThat(e.problems()).isEmpty();
    assertThat(e.sum(ServerProfile.TRITON.requests())).isEqualTo(17.0);
    assertThat(ServerProfile.TRITON.generatedTokens()).isNull();
    assertThat(PromTextParser.parse(sample("triton")).sum("nv_energy_consumption"))
        .isEqualTo(1234567.0);
  }

  @Test
  void escapedLabelValuesDoNotEndTheLabelSet() {
    String body =
        "# HELP x A help text with \\\\ and \\n escapes and \"quotes\"\n"
            + "x{path=\"C:\\\\dir\",msg=\"say \\\"hi\\\"}, then,\",nl=\"a\\nb\"} 2\n"
            + "x{path=\"{}=,\",} 3\n"
            + "x { a = \"1\" , b=\"2\" }\t4\n";
    Exposition e = PromTextParser.parse(body);
    assertThat(e.problems()).isEmpty();
    assertThat(e.sum("x")).isEqualTo(9.0);
  }

  @Test
  void specialValuesExponentsAndTimestamps() {
    String body =
        "a 1.5e3 1700000000000\n"
            + "a -2.5E-1\n"
            + "a +7\n"
            + "b +Inf\n"
            + "c -Inf 1\n"
            + "d NaN\n"
            + "e 1e2 -5\n"
            + "f .5\n"
            + "g 3 # {trace_id=\"abc\"} 1.0 1700000000.123\n"
            + "h inf\n"
            + "i 12345678901234567890123\n";
    Exposition e = PromTextParser.parse(body);
    assertThat(e.problems()).isEmpty();
    assertThat(e.sum("a")).isEqualTo(1500 - 0.25 + 7);
    assertThat(e.sum("b")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(e.sum("c")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(e.sum("d")).isNull();
    assertThat(e.sum("e")).isEqualTo(100.0);
    assertThat(e.sum("f")).isEqualTo(0.5);
    assertThat(e.sum("g")).isEqualTo(3.0);
    assertThat(e.sum("h")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(e.sum("i")).isEqualTo(1.2345678901234568e22);
  }

  @Test
  void windowsLineEndsBlankLinesAndPlainCommentsAreFine() {
    String body = "# just a comment\r\n\r\n   \r\n#HELPER not a help line\r\nx 1\r\nx 2";
    Exposition e = PromTextParser.parse(body);
    assertThat(e.problems()).isEmpty();
    assertThat(e.sum("x")).isEqualTo(3.0);
  }

  @Test
  void aBrokenLineMakesItsNameUnknownNotAPartialSum() {
    String body =
        "req_total{a=\"1\"} 10\n"
            + "req_total{a=\"2\" 5\n" // label set not closed
            + "tok_total 1f\n" // Java would read this as 1.0
            + "hex 0x1p3\n"
            + "ok_total 4\n"
            + "x{a=\"\\q\"} 1\n" // invalid escape
            + "y 1 12ab\n"
            + "z 1 2 3\n"
            + "{quoted=\"name\"} 1\n"
            + "w{a=\"1\",a=\"2\"} 1\n"
            + "# TYPE ok_total counter\n"
            + "# TYPE ok_total counter\n"
            + "# TYPE v flux\n";
    Exposition e = PromTextParser.parse(body);
    assertThat(e.sum("req_total")).isNull();
    assertThat(e.whyUnknown("req_total")).contains("could not be parsed");
    assertThat(e.sum("tok_total")).isNull();
    assertThat(e.sum("hex")).isNull();
    assertThat(e.sum("ok_total")).isEqualTo(4.0);
    assertThat(e.sum("x")).isNull();
    assertThat(e.sum("y")).isNull();
    assertThat(e.sum("z")).isNull();
    assertThat(e.sum("w")).isNull();
    assertThat(e.problemCount()).isEqualTo(10);
    assertThat(e.problems()).hasSize(PromTextParser.MAX_PROBLEMS_KEPT);
    assertThat(e.problems().get(0)).startsWith("line 2: ").contains("expected ',' or '}'");
    assertThat(e.problems().get(1)).startsWith("line 3: ").contains("not a number: '1f'");
  }

  @Test
  void emptyBodyHasNothing() {
    Exposition e = PromTextParser.parse("");
    assertThat(e.sums()).isEmpty();
    assertThat(e.sum("anything")).isNull();
    assertThat(e.whyUnknown("anything")).contains("absent");
  }

  @Test
  void customProfileNeedsAValidRequestsName() {
    assertThat(ServerProfile.custom("my_requests_total", null, "my_tokens_sum").names())
        .containsExactly("my_requests_total", "my_tokens_sum");
    assertThatThrownBy(() -> ServerProfile.custom(null, null, null))
        .hasMessageContaining("requests metric");
    assertThatThrownBy(() -> ServerProfile.custom("ok", "bad name", null))
        .hasMessageContaining("bad name");
    assertThat(ServerProfile.builtIn("VLLM")).contains(ServerProfile.VLLM);
    assertThat(ServerProfile.builtIn("ollama")).isEmpty();
  }
}
