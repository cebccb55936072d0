package io.wattkeeper.agent.functionalunit;

import io.wattkeeper.agent.time.DaemonThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Scrapes the opted-in pods of the node, a few at a time, so that N slow servers cost one timeout,
 * not N. Each fetch has its own deadline; a result missing after it is a failure, not a zero.
 */
public final class UnitScraper implements AutoCloseable {
  /** Where to scrape one pod: its IP (null when it has none yet) and target. */
  public record Endpoint(String podIp, ScrapeTarget target) {}

  private final UnitReader reader;
  private final Duration timeout;
  private final ExecutorService pool;
  private final int parallelism;

  public UnitScraper(UnitReader reader, Duration timeout, int parallelism) {
    this.reader = reader;
    this.timeout = timeout;
    this.parallelism = parallelism;
    this.pool = Executors.newFixedThreadPool(parallelism, DaemonThreads.named("unit-scrape"));
  }

  /** One reading per pod UID. */
  public Map<String, UnitReading> scrape(Map<String, Endpoint> endpoints) {
    Map<String, Future<UnitReading>> pending = new HashMap<>();
    Map<String, UnitReading> out = new HashMap<>();
    endpoints.forEach(
        (uid, e) -> {
          if (e.target().problem() != null) {
            out.put(uid, UnitReading.failed(e.target().problem()));
          } else if (e.podIp() == null || e.podIp().isBlank()) {
            out.put(uid, UnitReading.failed("pod has no IP yet: not scraped"));
          } else {
            pending.put(uid, pool.submit(() -> reader.read(e.podIp(), e.target())));
          }
        });
    // Fetches run side by side: all of them end within one timeout (plus queueing when more pods
    // than threads), so the wait is bounded by the number of rounds.
    long rounds = Math.max(1, (pending.size() + parallelism - 1) / parallelism);
    long deadline = System.nanoTime() + timeout.multipliedBy(rounds).plusMillis(500).toNanos();
    pending.forEach(
        (uid, f) -> {
          try {
            out.put(uid, f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
          } catch (TimeoutException e) {
            f.cancel(true);
            out.put(uid, UnitReading.failed("scrape did not finish in time"));
          } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            out.put(uid, UnitReading.failed("scrape interrupted"));
          } catch (Exception e) {
            out.put(uid, UnitReading.failed("scrape failed: " + e.getCause()));
          }
        });
    return out;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
