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
import java.util.regex.Pattern;

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

  private static final Pattern CLOCK = Pattern.compile("@\\s*[0-9.]+\\s*ghz");
  private static final Pattern CORE_COUNT = Pattern.compile("\\b[0-9]+-core processor\\b");
  private static final Pattern CPU_WORD = Pattern.compile("\\b(cpu|processor)\\b");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** Null until the first lookup: a VM never looks its chip up, so it never reads the table. */
  private Index index;

  private record Entry(Set<String> tokens, Match match) {}

  /** The parsed table: normalised name to model, and every row's words. */
  private record Index(Map<String, Match> byNormalizedName, List<Entry> entries) {}

  /** The built-in table, read once per JVM on first use (class-holder idiom: thread-safe). */
  private static final class BuiltIn {
    static final Index INDEX = readBuiltIn();
  }

  private CpuTdpTable(Index index) {
    this.index = index;
  }

  /** The built-in table; the resource is read on the first {@link #lookup} or {@link #size}. */
  public static CpuTdpTable builtIn() {
    return new CpuTdpTable(null);
  }

  private static Index readBuiltIn() {
    try (InputStream in = CpuTdpTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CpuTdpTable parse(BufferedReader reader) throws IOException {
    return new CpuTdpTable(read(reader));
  }

  private static Index read(BufferedReader reader) throws IOException {
    Map<String, Match> byNormalizedName = new HashMap<>();
    List<Entry> entries = new ArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.startsWith("#") || line.startsWith("name,") || line.isBlank()) {
        continue;
      }
      int comma = line.lastIndexOf(',');
      Match m = new Match(line.substring(0, comma), Double.parseDouble(line.substring(comma + 1)));
      String key = normalize(m.model());
      byNormalizedName.putIfAbsent(key, m);
      entries.add(new Entry(tokens(key), m));
    }
    return new Index(byNormalizedName, entries);
  }

  private Index index() {
    Index i = index;
    if (i == null) {
      i = BuiltIn.INDEX;
      index = i;
    }
    return i;
  }

  public int size() {
    return index().entries().size();
  }

  public Optional<Match> lookup(String cpuModelName) {
    if (cpuModelName == null || cpuModelName.isBlank()) {
      return Optional.empty();
    }
    String key = normalize(cpuModelName);
    Match exact = index().byNormalizedName().get(key);
    if (exact != null) {
      return Optional.of(exact);
    }
    Set<String> query = tokens(key);
    Match best = null;
    int bestSize = 0;
    boolean tie = false;
    for (Entry e : index().entries()) {
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

  /**
   * Lower case without trademarks, clock speed, core count and the words CPU/processor. Each
   * pattern runs only when its literal part occurs: most of the ~4,900 table rows contain none, and
   * running all four on every row cost ~100 ms of a start-up that must stay short.
   */
  static String normalize(String name) {
    String s = name.toLowerCase(Locale.ROOT);
    s = s.replace("(r)", " ").replace("(tm)", " ").replace("®", " ").replace("™", " ");
    if (s.indexOf('@') >= 0) {
      s = CLOCK.matcher(s).replaceAll(" ");
    }
    if (s.contains("-core processor")) {
      s = CORE_COUNT.matcher(s).replaceAll(" ");
    }
    if (s.contains("cpu") || s.contains("processor")) {
      s = CPU_WORD.matcher(s).replaceAll(" ");
    }
    if (hasSpaceRun(s)) {
      s = SPACES.matcher(s).replaceAll(" ");
    }
    return s.trim();
  }

  /** Whether {@code \\s+} would change s: a whitespace other than ' ', or two in a row. */
  private static boolean hasSpaceRun(String s) {
    boolean previous = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
      if (space && (c != ' ' || previous)) {
        return true;
      }
      previous = space;
    }
    return false;
  }

  private static Set<String> tokens(String normalized) {
    return new HashSet<>(Arrays.asList(normalized.split(" ")));
  }

  private static boolean hasDigit(String s) {
    return s.chars().anyMatch(Character::isDigit);
  }
}
