package io.wattkeeper.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class CpuTdpTableTest {

  /** The normalisation as first written: four regular expressions run on every name. */
  static String reference(String name) {
    String s = name.toLowerCase(Locale.ROOT);
    s = s.replace("(r)", " ").replace("(tm)", " ").replace("®", " ").replace("™", " ");
    s = s.replaceAll("@\\s*[0-9.]+\\s*ghz", " ");
    s = s.replaceAll("\\b[0-9]+-core processor\\b", " ");
    s = s.replaceAll("\\b(cpu|processor)\\b", " ");
    return s.replaceAll("\\s+", " ").trim();
  }

  static List<String> builtInNames() throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = CpuTdpTable.class.getResourceAsStream(CpuTdpTable.RESOURCE);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("#") && !line.startsWith("name,") && !line.isBlank()) {
          names.add(line.substring(0, line.lastIndexOf(',')));
        }
      }
    }
    return names;
  }

  @Test
  void normalisationSkipsPatternsButGivesTheSameNamesAsTheRegularExpressions() throws IOException {
    List<String> names = builtInNames();
    assertThat(names).hasSizeGreaterThan(4800);
    names.addAll(
        List.of(
            "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz",
            "Intel(R) Xeon(R)  Gold 6148 CPU @2.40 GHz",
            "AMD EPYC 7763 64-Core Processor",
            "AMD Ryzen 9 5950X 16-Core Processor  ",
            "Intel® Core™ i7-8700",
            "cpu\tprocessor\nx\u000By\fz\r",
            "\u0001 CPUs Processor-X multiprocessor @ ghz @ 3.0ghz ",
            "Éclair CPU",
            " ",
            ""));
    for (String n : names) {
      assertThat(CpuTdpTable.normalize(n)).as(n).isEqualTo(reference(n));
    }
  }

  @Test
  void builtInTableIsReadOnFirstUseAndParsedTablesWork() throws IOException {
    CpuTdpTable table = CpuTdpTable.builtIn();
    assertThat(table.lookup("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"))
        .hasValueSatisfying(m -> assertThat(m.tdpWatts()).isEqualTo(150));
    assertThat(table.size()).isEqualTo(builtInNames().size());

    CpuTdpTable small =
        CpuTdpTable.parse(
            new BufferedReader(new StringReader("# comment\nname,tdp_watts\nAcme X1 9000,42\n")));
    assertThat(small.size()).isEqualTo(1);
    assertThat(small.lookup("ACME(R) X1 9000 CPU @ 3.1GHz"))
        .hasValueSatisfying(m -> assertThat(m.tdpWatts()).isEqualTo(42));
  }
}
