package io.wattkeeper.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Api;
import io.wattkeeper.sandbox.api.Json;
import io.wattkeeper.sandbox.api.Printers;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What the sandbox shows while it runs: on a terminal, a screen refreshed every 2 s (pods with
 * watts, energy and CO2e; budgets with used/limit and phase; sleeping workloads; the last events);
 * otherwise one timestamped line per change (CI logs, pipes).
 */
final class View {
  private static final String PREFIX = "wattkeeper.io/";
  private final Api api;
  private final PrintStream out;
  private final boolean live;
  private final BooleanSupplier childrenAlive;
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final Set<String> seenEvents = new HashSet<>();
  private final Deque<String> lastEvents = new ArrayDeque<>();
  private final Deque<String> notes = new ArrayDeque<>();
  private Thread thread;
  private volatile boolean stopped;

  View(Api api, PrintStream out, boolean live, BooleanSupplier childrenAlive) {
    this.api = api;
    this.out = out;
    this.live = live;
    this.childrenAlive = childrenAlive;
  }

  boolean live() {
    return live && !stopped;
  }

  synchronized void note(String message) {
    notes.addLast(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
    while (notes.size() > 6) {
      notes.removeFirst();
    }
  }

  void start() {
    thread =
        new Thread(
            () -> {
              while (!stopped) {
                try {
                  tick();
                } catch (RuntimeException e) {
                  out.println("view: " + e);
                }
                try {
                  Thread.sleep(2000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "view");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized void tick() {
    List<ObjectNode> pods = api.list(api.type("", "pods"), null, o -> true);
    List<ObjectNode> budgets =
        api.list(api.type("wattkeeper.io", "energybudgets"), null, o -> true);
    List<ObjectNode> deployments = api.list(api.type("apps", "deployments"), null, o -> true);
    List<String> newEvents = events();
    if (live) {
      draw(pods, budgets, deployments);
      return;
    }
    Map<String, String> now = new LinkedHashMap<>();
    for (ObjectNode p : pods) {
      String key = "pod " + Json.at(p, "metadata.namespace") + "/" + Json.at(p, "metadata.name");
      now.put(
          key,
          Printers.cellText(p, "#pod.status") + " ready " + Printers.cellText(p, "#pod.ready"));
      String wh = ann(p, "energy-wh");
      if (wh != null) {
        // One line when a pod first gets its energy annotation; the totals show in the budgets.
        now.put(
            key + " energy",
            "annotated: energy "
                + wh
                + " Wh, power "
                + ann(p, "power-watts")
                + " W, CO2e "
                + ann(p, "co2e-grams")
                + " g");
      }
    }
    for (ObjectNode p : pods) {
      String perRequest = cumulative(ann(p, "energy-per-request-wh"));
      if (perRequest != null) {
        // Once, when a pod's server has first counted requests (the suffix keeps it to one line).
        String key = "pod " + Json.at(p, "metadata.namespace") + "/" + Json.at(p, "metadata.name");
        now.put(
            key + " units energy",
            "energy per request "
                + perRequest
                + " Wh, per 1k generated tokens "
                + orDash(cumulative(ann(p, "energy-per-1k-tokens-wh")))
                + " Wh (since the pod started; kubectl get pods -o yaml for the interval)");
      }
    }
    for (ObjectNode d : deployments) {
      String key =
          "deployment " + Json.at(d, "metadata.namespace") + "/" + Json.at(d, "metadata.name");
      String sleep = ann(d, "replicas-before-sleep");
      now.put(
          key,
          "replicas "
              + d.path("spec").path("replicas").asInt(1)
              + (sleep != null
                  ? " (asleep; " + PREFIX + "replicas-before-sleep=" + sleep + ")"
                  : ""));
    }
    for (ObjectNode b : budgets) {
      String key = "budget " + Json.at(b, "metadata.namespace") + "/" + Json.at(b, "metadata.name");
      // A line when the phase or actions change, else at most every 30 s: status moves every 5 s.
      String line = budgetLine(b, false);
      String phase =
          b.path("status").path("phase").asText("")
              + b.path("status").path("enforcement").path("activeActions");
      String before = facts.get(key);
      boolean phaseChanged = !phase.equals(facts.get(key + " phase"));
      long last = Long.parseLong(facts.getOrDefault(key + " at", "0"));
      if (phaseChanged || (System.currentTimeMillis() - last > 30_000 && !line.equals(before))) {
        now.put(key, line);
        now.put(key + " phase", phase);
        now.put(key + " at", Long.toString(System.currentTimeMillis()));
      } else {
        now.put(key, before == null ? line : before);
        now.put(key + " phase", phase);
        now.put(key + " at", Long.toString(last));
      }
    }
    for (Map.Entry<String, String> e : now.entrySet()) {
      String before = facts.get(e.getKey());
      if (!e.getValue().equals(before)) {
        if (!(e.getKey().endsWith(" energy") && before != null)
            && !e.getKey().endsWith(" phase")
            && !e.getKey().endsWith(" at")) {
          print(e.getKey() + ": " + e.getValue());
        }
        facts.put(e.getKey(), e.getValue());
      }
    }
    for (String k : new ArrayList<>(facts.keySet())) {
      if (!now.containsKey(k)) {
        facts.remove(k);
        if (!k.endsWith(" energy") && !k.endsWith(" phase") && !k.endsWith(" at")) {
          print(k + ": deleted");
        }
      }
    }
    newEvents.forEach(e -> print("event " + e));
  }

  private String budgetLine(ObjectNode b, boolean compact) {
    JsonNode st = b.path("status");
    JsonNode display = st.path("display");
    String phase = st.path("phase").asText("(no status yet)");
    StringBuilder s = new StringBuilder();
    s.append(phase);
    if (display.has("energy")) {
      s.append(", energy ").append(display.path("energy").asText());
    }
    if (st.has("maxPercentUsed")) {
      s.append(", ").append(st.path("maxPercentUsed").asInt()).append("% used");
    }
    if (!compact && display.has("emissions")) {
      s.append(", CO2e ").append(display.path("emissions").asText());
    }
    JsonNode active = st.path("enforcement").path("activeActions");
    if (active.size() > 0) {
      List<String> a = new ArrayList<>();
      active.forEach(x -> a.add(x.asText()));
      s.append(", actions ").append(String.join(",", a));
    }
    return s.toString();
  }

  private List<String> events() {
    List<String> fresh = new ArrayList<>();
    List<ObjectNode> all = new ArrayList<>(api.list(api.type("", "events"), null, o -> true));
    all.addAll(api.list(api.type("events.k8s.io", "events"), null, o -> true));
    for (ObjectNode e : all) {
      String uid = Json.at(e, "metadata.uid");
      if (!seenEvents.add(uid)) {
        continue;
      }
      JsonNode obj = e.has("involvedObject") ? e.path("involvedObject") : e.path("regarding");
      String msg = e.has("message") ? e.path("message").asText() : e.path("note").asText();
      String line =
          e.path("type").asText("Normal")
              + " "
              + e.path("reason").asText()
              + " "
              + obj.path("kind").asText().toLowerCase()
              + "/"
              + obj.path("name").asText()
              + ": "
              + msg;
      fresh.add(line);
      lastEvents.addLast(line);
      while (lastEvents.size() > 6) {
        lastEvents.removeFirst();
      }
    }
    return fresh;
  }

  private void draw(List<ObjectNode> pods, List<ObjectNode> budgets, List<ObjectNode> deployments) {
    StringBuilder s = new StringBuilder("\033[H\033[2J");
    s.append("Wattkeeper sandbox   ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(childrenAlive.getAsBoolean() ? "" : "   (operator or agent has exited: see logs/)")
        .append("\n\n");
    s.append(
        String.format(
            "%-40s %-10s %6s %8s %12s %10s %12s%n",
            "POD", "STATUS", "READY", "WATTS", "ENERGY (Wh)", "CO2E (g)", "WH/REQ"));
    for (ObjectNode p : pods) {
      s.append(
          String.format(
              "%-40s %-10s %6s %8s %12s %10s %12s%n",
              cut(Json.at(p, "metadata.namespace") + "/" + Json.at(p, "metadata.name"), 40),
              Printers.cellText(p, "#pod.status"),
              Printers.cellText(p, "#pod.ready"),
              orDash(ann(p, "power-watts")),
              orDash(ann(p, "energy-wh")),
              orDash(ann(p, "co2e-grams")),
              orDash(cumulative(ann(p, "energy-per-request-wh")))));
    }
    s.append("\n").append(String.format("%-30s %s%n", "BUDGET", "PHASE, USED"));
    for (ObjectNode b : budgets) {
      s.append(
          String.format(
              "%-30s %s%n",
              cut(Json.at(b, "metadata.namespace") + "/" + Json.at(b, "metadata.name"), 30),
              budgetLine(b, true)));
    }
    s.append("\nSLEEPING WORKLOADS\n");
    boolean any = false;
    for (ObjectNode d : deployments) {
      String sleep = ann(d, "replicas-before-sleep");
      if (sleep != null) {
        any = true;
        s.append("  deployment ")
            .append(Json.at(d, "metadata.namespace"))
            .append("/")
            .append(Json.at(d, "metadata.name"))
            .append(" (was ")
            .append(sleep)
            .append(" replicas; wake: kubectl annotate deploy ")
            .append(Json.at(d, "metadata.name"))
            .append(" -n ")
            .append(Json.at(d, "metadata.namespace"))
            .append(" wattkeeper.io/wake=now)\n");
      }
    }
    if (!any) {
      s.append("  none\n");
    }
    s.append("\nLAST EVENTS\n");
    lastEvents.forEach(e -> s.append("  ").append(cut(e, 150)).append('\n'));
    s.append("\nSANDBOX\n");
    notes.forEach(n -> s.append("  ").append(cut(n, 150)).append('\n'));
    out.print(s);
    out.flush();
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  /** The cumulative figure of a per-unit annotation ("interval=... cumulative=X"); null if none. */
  static String cumulative(String annotation) {
    if (annotation == null) {
      return null;
    }
    int i = annotation.indexOf("cumulative=");
    if (i < 0) {
      return null;
    }
    String v = annotation.substring(i + "cumulative=".length()).trim();
    int end = v.indexOf(' ');
    v = end < 0 ? v : v.substring(0, end);
    return v.isEmpty() || !Character.isDigit(v.charAt(0)) ? null : v;
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static String ann(JsonNode o, String key) {
    JsonNode v = o.path("metadata").path("annotations").get(PREFIX + key);
    return v == null ? null : v.asText();
  }

  private void print(String line) {
    out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
    out.flush();
  }
}
