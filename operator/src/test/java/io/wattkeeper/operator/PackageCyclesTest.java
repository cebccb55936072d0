package io.wattkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's capability packages depend on each other in one direction only (ledger below
 * budget, metrics below both): read from the sources' references to {@code
 * io.wattkeeper.operator.<package>.<Class>}, so a cycle fails the build.
 */
class PackageCyclesTest {

  static final Path ROOT = Path.of("src/main/java/io/wattkeeper/operator");
  static final Pattern REF =
      Pattern.compile("io\\.wattkeeper\\.operator\\.([a-z0-9_.]+?)\\.[A-Z*]");

  static Map<String, Set<String>> graph() throws IOException {
    Map<String, Set<String>> g = new HashMap<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String pkg = ROOT.relativize(f.getParent()).toString().replace('/', '.');
        Matcher m = REF.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            g.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
          }
        }
      }
    }
    return g;
  }

  /** Strongly connected components of more than one package (Tarjan). */
  static List<Set<String>> cycles(Map<String, Set<String>> g) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> on = new HashSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String v : new TreeSet<>(g.keySet())) {
      if (!index.containsKey(v)) {
        connect(v, g, index, low, stack, on, out, next);
      }
    }
    return out;
  }

  private static void connect(
      String v,
      Map<String, Set<String>> g,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> on,
      List<Set<String>> out,
      int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]++);
    stack.push(v);
    on.add(v);
    for (String w : g.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, g, index, low, stack, on, out, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (on.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> comp = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        on.remove(w);
        comp.add(w);
      } while (!w.equals(v));
      if (comp.size() > 1) {
        out.add(comp);
      }
    }
  }

  @Test
  void noPackageCycles() throws IOException {
    Map<String, Set<String>> g = graph();
    assertThat(g).containsKeys("ledger", "budget", "annotate"); // the scan sees the sources
    assertThat(cycles(g)).as("package cycles in %s", g).isEmpty();
  }

  @Test
  void theCheckFindsACycle() {
    assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of())))
        .containsExactly(Set.of("a", "b", "c"));
  }
}
