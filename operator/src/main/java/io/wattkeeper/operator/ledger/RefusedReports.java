package io.wattkeeper.operator.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.validation.Echo;
import io.wattkeeper.operator.events.KubeEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jboss.logging.Logger;

/**
 * Says what {@link ReportChecks} refused: the counter {@code wattkeeper_ledger_refused_total
 * {reason}} at once, a capped log line, and a Warning Event on the report ({@code ReportRefused},
 * {@code ReportEntryRefused}, or {@code ObjectUnreadable} for a status that does not fit the model)
 * at most once per node and reason every {@link #EVENT_EVERY} of operator time, so that a node
 * refused at every report does not flood the Event store. Events are queued under the ledger's lock
 * and written by {@link #flush()} outside it.
 */
@ApplicationScoped
public class RefusedReports {

  private static final Logger LOG = Logger.getLogger(RefusedReports.class);
  static final Duration EVENT_EVERY = Duration.ofMinutes(5);

  /** Entries named in one Event message; the rest are counted. */
  static final int NAMED = 3;

  private record Pending(NodeEnergyReport report, String reason, String message) {}

  private final KubeEvents events;
  private final Clock clock;
  private final Map<ReportChecks.Reason, Counter> counters =
      new EnumMap<>(ReportChecks.Reason.class);
  private final Map<String, Instant> lastEvent = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

  public RefusedReports(MeterRegistry registry, KubeEvents events, Clock clock) {
    this.events = events;
    this.clock = clock;
    for (ReportChecks.Reason r : ReportChecks.Reason.values()) {
      counters.put(
          r,
          Counter.builder("wattkeeper.ledger.refused")
              .description("NodeEnergyReports or report entries the ledger refused, by reason")
              .tag("reason", r.label())
              .register(registry));
    }
  }

  /** Counts, logs and queues the Events of one report's refusals. */
  public void record(NodeEnergyReport report, List<ReportChecks.Refusal> refusals) {
    if (refusals.isEmpty()) {
      return;
    }
    String node = Echo.value(report.getMetadata().getName());
    Map<ReportChecks.Reason, List<ReportChecks.Refusal>> byReason = new LinkedHashMap<>();
    for (ReportChecks.Refusal r : refusals) {
      counters.get(r.reason()).increment();
      byReason.computeIfAbsent(r.reason(), k -> new ArrayList<>()).add(r);
    }
    Instant now = clock.instant();
    for (Map.Entry<ReportChecks.Reason, List<ReportChecks.Refusal>> e : byReason.entrySet()) {
      List<ReportChecks.Refusal> list = e.getValue();
      boolean whole = list.get(0).wholeReport();
      StringBuilder m = new StringBuilder();
      if (!whole) {
        m.append(list.size())
            .append(list.size() == 1 ? " entry" : " entries")
            .append(" refused (")
            .append(e.getKey().label())
            .append("): ");
      }
      for (int i = 0; i < Math.min(NAMED, list.size()); i++) {
        m.append(i == 0 ? "" : "; ").append(list.get(i).message());
      }
      if (list.size() > NAMED) {
        m.append("; and ").append(list.size() - NAMED).append(" more");
      }
      String message = Echo.message(m.toString());
      LOG.warnf("NodeEnergyReport %s: %s", node, message);
      String key = report.getMetadata().getName() + "/" + e.getKey();
      Instant last = lastEvent.get(key);
      if (last == null || !now.isBefore(last.plus(EVENT_EVERY)) || now.isBefore(last)) {
        lastEvent.put(key, now);
        String reason =
            e.getKey() == ReportChecks.Reason.UNREADABLE
                ? "ObjectUnreadable"
                : whole ? "ReportRefused" : "ReportEntryRefused";
        pending.add(new Pending(report, reason, message));
      }
    }
    if (lastEvent.size() > 100_000) {
      lastEvent.clear(); // bound the memory of removed nodes simply
    }
  }

  /** Writes the queued Events; call outside the ledger's lock. */
  public void flush() {
    Pending p;
    while ((p = pending.poll()) != null) {
      events.warning(p.report(), p.reason(), p.message());
    }
  }

  /** How many were refused for that reason since start (for tests and the runbook). */
  public double count(ReportChecks.Reason reason) {
    return counters.get(reason).count();
  }
}
