package io.wattkeeper.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wattkeeper.agent.metrics.PrometheusText.Type;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  final StringBuilder out = new StringBuilder();
  final PrometheusText text = new PrometheusText(out);

  @Test
  void escapesBackslashQuoteAndNewlineInLabelValues() {
    String nasty = "a\\b\"c\nd";
    text.family("x_watts", Type.GAUGE, "help").sample("x_watts", 1.5, "pod", nasty, "ns", "plain");

    assertThat(out.toString()).contains("{pod=\"a\\\\b\\\"c\\nd\",ns=\"plain\"} 1.5\n");
    Exposition.Sample s = Exposition.parse(out.toString()).get("x_watts").samples().get(0);
    assertThat(s.labels()).containsExactly(Map.entry("pod", nasty), Map.entry("ns", "plain"));
    assertThat(s.value()).isEqualTo(1.5);
  }

  @Test
  void escapesBackslashAndNewlineInHelp() {
    text.family("x_watts", Type.GAUGE, "two\nlines with \\ and \"quotes\"");

    assertThat(out.toString())
        .startsWith("# HELP x_watts two\\nlines with \\\\ and \"quotes\"\n# TYPE x_watts gauge\n");
    assertThat(Exposition.parse(out.toString()).get("x_watts").help())
        .isEqualTo("two\nlines with \\ and \"quotes\"");
  }

  @Test
  void spellsNanAndInfinitiesAsPrometheusDoes() {
    text.family("x", Type.GAUGE, "h")
        .sample("x", Double.NaN, "k", "nan")
        .sample("x", Double.POSITIVE_INFINITY, "k", "inf")
        .sample("x", Double.NEGATIVE_INFINITY, "k", "-inf")
        .sample("x", 42, "k", "whole")
        .sample("x", 0.000125, "k", "small")
        .sample("x", 1.0e20, "k", "large");

    assertThat(out.toString())
        .contains("x{k=\"nan\"} NaN\n")
        .contains("x{k=\"inf\"} +Inf\n")
        .contains("x{k=\"-inf\"} -Inf\n")
        .contains("x{k=\"whole\"} 42\n")
        .contains("x{k=\"small\"} 0.000125\n");
    var values = Exposition.parse(out.toString()).get("x").samples();
    assertThat(values.get(0).value()).isNaN();
    assertThat(values)
        .extracting(Exposition.Sample::value)
        .containsSubsequence(
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 42.0, 0.000125, 1.0e20);
  }

  @Test
  void writesHelpAndTypeOncePerFamilyAndRefusesASecondDeclaration() {
    text.family("a_total", Type.COUNTER, "h").sample("a_total", 1).sample("a_total", 2, "k", "v");
    text.family("b", Type.GAUGE, "h").sample("b", 3);

    var families = Exposition.parse(out.toString());
    assertThat(families.keySet()).containsExactly("a_total", "b");
    assertThat(families.get("a_total").type()).isEqualTo("counter");
    assertThat(families.get("a_total").samples()).hasSize(2);
    assertThatThrownBy(() -> text.family("a_total", Type.COUNTER, "again"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a_total");
  }

  @Test
  void histogramSamplesBelongToTheirFamily() {
    text.family("d_seconds", Type.HISTOGRAM, "h")
        .sample("d_seconds_bucket", 1, "le", "0.5")
        .sample("d_seconds_bucket", 2, "le", "+Inf")
        .sample("d_seconds_sum", 0.7)
        .sample("d_seconds_count", 2);

    assertThat(Exposition.parse(out.toString()).get("d_seconds").samples()).hasSize(4);
    assertThatThrownBy(() -> text.sample("d_seconds", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesWhatPrometheusWouldReject() {
    assertThatThrownBy(() -> text.sample("x", 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> text.family("bad-name", Type.GAUGE, "h"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> text.family("joules", Type.COUNTER, "h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("_total");
    text.family("x", Type.GAUGE, "h");
    assertThatThrownBy(() -> text.sample("y", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> text.sample("x", 1, "0bad", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> text.sample("x", 1, "__reserved", "v"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> text.sample("x", 1, "odd"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNullLabelValueIsEmptyNotAFailedScrape() {
    text.family("x", Type.GAUGE, "an unknown pod name").sample("x", 1, "pod", null);
    assertThat(out.toString()).contains("x{pod=\"\"} 1\n");
  }

  @Test
  void theReaderRejectsMalformedText() {
    // The reader the other tests rely on must itself catch broken output.
    assertThatThrownBy(() -> Exposition.parse("x 1\n")).hasMessageContaining("outside");
    assertThatThrownBy(() -> Exposition.parse("# HELP x h\n# TYPE x gauge\nx{k=\"v} 1\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Exposition.parse("# HELP x h\n# TYPE x gauge\n# HELP x h\n# TYPE x gauge\n"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> Exposition.parse("# HELP x h\n# TYPE x gauge\nx 1\nx 2\n"))
        .hasMessageContaining("series twice");
    assertThatThrownBy(() -> Exposition.parse("# HELP x h\n# TYPE x gauge\nx one\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Exposition.parse("# HELP x h\n# TYPE x gauge\nx 1"))
        .hasMessageContaining("newline");
  }
}
