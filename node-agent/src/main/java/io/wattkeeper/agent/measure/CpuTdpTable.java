package io.wattkeeper.agent.measure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CPU model name to TDP, from the table derived from CodeCarbon's cpu_power.csv (see
 * scripts/derive-cpu-tdp.py). Matching follows CodeCarbon: exact name first, then the name without
 * "(R)", "(TM)", "CPU @ 2.10GHz" and the like, then a table entry whose words are all in the name;
 * an ambiguous match is no match.
 */
public final class CpuTdpTable {
  public static final String RESOURCE = "/io/wattkeeper/agent/measure/cpu-tdp.csv";

  /** A matched model. */
  public record Match(String model, double tdpWatts) {}

  private final Map<String, Match> byNormalizedName = new HashMap<>();
  private final List<Entry> entries = new ArrayList<>();

  private record Entry(Set<String> tokens, Match match) {}

  private CpuTdpTable() {}

  public static CpuTdpTable builtIn() {
    try (InputStream in = CpuTdpTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CpuTdpTable parse(BufferedReader reader) throws IOException {
    CpuTdpTable table = new CpuTdpTable();
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.startsWith("#") || line.startsWith("name,") || line.isBlank()) {
        continue;
      }
      int comma = line.lastIndexOf(',');
      Match m = new Match(line.substring(0, comma), Double.parseDouble(line.substring(comma + 1)));
      String key = normalize(m.model());
      table.byNormalizedName.putIfAbsent(key, m);
      table.entries.add(new Entry(tokens(key), m));
    }
    return table;
  }

  public int size() {
    return entries.size();
  }

  public Optional<Match> lookup(String cpuModelName) {
    if (cpuModelName == null || cpuModelName.isBlank()) {
      return Optional.empty();
    }
    String key = normalize(cpuModelName);
    Match exact = byNormalizedName.get(key);
    if (exact != null) {
      return Optional.of(exact);
    }
    Set<String> query = tokens(key);
    Match best = null;
    int bestSize = 0;
    boolean tie = false;
    for (Entry e : entries) {
      // A model number must be among the words: "AMD EPYC" alone matches nothing.
      if (e.tokens.size() < 2 || !query.containsAll(e.tokens)) {
        continue;
      }
      if (e.tokens.size() > bestSize) {
        best = e.match;
        bestSize = e.tokens.size();
        tie = false;
      } else if (e.tokens.size() == bestSize && best.tdpWatts() != e.match.tdpWatts()) {
        tie = true;
      }
    }
    if (best == null || tie || !hasDigit(best.model())) {
      return Optional.empty();
    }
    return Optional.of(best);
  }

  static String normalize(String name) {
    String s = name.toLowerCase(Locale.ROOT);
    s = s.replace("(r)", " ").replace("(tm)", " ").replace("®", " ").replace("™", " ");
    s = s.replaceAll("@\\s*[0-9.]+\\s*ghz", " ");
    s = s.replaceAll("\\b[0-9]+-core processor\\b", " ");
    s = s.replaceAll("\\b(cpu|processor)\\b", " ");
    return s.replaceAll("\\s+", " ").trim();
  }

  private static Set<String> tokens(String normalized) {
    return new HashSet<>(Arrays.asList(normalized.split(" ")));
  }

  private static boolean hasDigit(String s) {
    return s.chars().anyMatch(Character::isDigit);
  }
}
