package io.wattkeeper.agent.functionalunit;

import com.sun.net.httpserver.HttpServer;
import io.wattkeeper.agent.attribution.IntervalAttribution;
import io.wattkeeper.agent.attribution.Shares;
import io.wattkeeper.agent.state.EnergyLedger;
import io.wattkeeper.agent.testing.MutableClock;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's added CPU per scraped pod per report: one GET of a vLLM-sized /metrics body (about 40
 * KB: 12 histograms, counters with _created series, process and GC metrics) over loopback, parsed,
 * and added to the ledger. Thread CPU time of the agent's side only (ThreadMXBean); the server runs
 * on its own threads. Not a test: run by hand (docs/node-agent.md, Benchmarks).
 */
public final class UnitScrapeBenchmark {

  /** A /metrics body shaped like vLLM 0.x's (prometheus_client text format). */
  static String vllmBody(long requests) {
    StringBuilder b = new StringBuilder(48_000);
    String m = "engine=\"0\",model_name=\"meta-llama/Llama-3.1-8B-Instruct\"";
    b.append("# HELP python_gc_objects_collected_total Objects collected during gc\n")
        .append("# TYPE python_gc_objects_collected_total counter\n");
    for (String g : new String[] {"0", "1", "2"}) {
      b.append("python_gc_objects_collected_total{generation=\"")
          .append(g)
          .append("\"} 1.2345e+04\n");
    }
    b.append(
        "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1.76494532e+09\n");
    b.append("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 6.2e+09\n");
    for (String g :
        new String[] {"num_requests_running", "num_requests_waiting", "gpu_cache_usage_perc"}) {
      b.append("# HELP vllm:").append(g).append(" A gauge.\n# TYPE vllm:").append(g);
      b.append(" gauge\nvllm:").append(g).append('{').append(m).append("} 3.0\n");
    }
    String[][] counters = {
      {"prompt_tokens", String.valueOf(requests * 120)},
      {"generation_tokens", String.valueOf(requests * 230)},
      {"num_preemptions", "2"}
    };
    for (String[] c : counters) {
      b.append("# HELP vllm:").append(c[0]).append("_total A counter.\n");
      b.append("# TYPE vllm:").append(c[0]).append("_total counter\n");
      b.append("vllm:").append(c[0]).append("_total{").append(m).append("} ");
      b.append(c[1]).append(".0\n");
      b.append("# TYPE vllm:").append(c[0]).append("_created gauge\n");
      b.append("vllm:").append(c[0]).append("_created{").append(m).append("} 1.7649453e+09\n");
    }
    b.append("# TYPE vllm:request_success_total counter\n");
    for (String reason : new String[] {"stop", "length", "abort"}) {
      b.append("vllm:request_success_total{").append(m).append(",finished_reason=\"");
      b.append(reason).append("\"} ").append(requests / 3).append(".0\n");
    }
    String[] histograms = {
      "time_to_first_token_seconds", "time_per_output_token_seconds", "e2e_request_latency_seconds",
      "request_queue_time_seconds", "request_inference_time_seconds",
          "request_prefill_time_seconds",
      "request_decode_time_seconds", "request_prompt_tokens", "request_generation_tokens",
      "iteration_tokens_total", "request_max_num_generation_tokens", "request_params_n"
    };
    double[] les = {
      0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
      20.0, 40.0, 80.0
    };
    for (String h : histograms) {
      b.append("# HELP vllm:").append(h).append(" A histogram.\n# TYPE vllm:").append(h);
      b.append(" histogram\n");
      long cum = 0;
      for (double le : les) {
        cum += requests / 40;
        b.append("vllm:").append(h).append("_bucket{").append(m).append(",le=\"").append(le);
        b.append("\"} ").append(cum).append(".0\n");
      }
      b.append("vllm:").append(h).append("_bucket{").append(m).append(",le=\"+Inf\"} ");
      b.append(requests).append(".0\n");
      b.append("vllm:").append(h).append("_count{").append(m).append("} ").append(requests);
      b.append(".0\nvllm:").append(h).append("_sum{").append(m).append("} 1234.5678\n");
      b.append("# TYPE vllm:").append(h).append("_created gauge\n");
      b.append("vllm:").append(h).append("_created{").append(m).append("} 1.7649453e+09\n");
    }
    return b.toString();
  }

  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    AtomicLong requests = new AtomicLong(1000);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        ex -> {
          byte[] body = vllmBody(requests.addAndGet(30)).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    server.start();
    int port = server.getAddress().getPort();
    System.out.printf(
        Locale.ROOT,
        "body: %d bytes, %d lines%n",
        vllmBody(1000).length(),
        vllmBody(1000).split("\n").length);
    ScrapeTarget target =
        ScrapeTarget.of(Map.of(ScrapeTarget.PROFILE, "vllm", ScrapeTarget.PORT, "" + port));
    UnitReader reader = new UnitReader(new MetricsFetcher(Duration.ofSeconds(2), 4 << 20));
    EnergyLedger ledger =
        EnergyLedger.newEpoch(new MutableClock(Instant.parse("2026-12-05T14:00:00Z")), "n");
    ledger.add(
        new IntervalAttribution(Map.of("p", new Shares(1, 0, 0, 0)), Shares.ZERO, Map.of()),
        Set.of("p"));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try {
      run(reader, target, ledger, mx, warmup, runs);
    } finally {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  private static void run(
      UnitReader reader,
      ScrapeTarget target,
      EnergyLedger ledger,
      ThreadMXBean mx,
      int warmup,
      int runs) {
    long[] cpu = new long[runs];
    for (int i = 0; i < warmup + runs; i++) {
      long t0 = mx.getCurrentThreadCpuTime();
      UnitReading r = reader.read("127.0.0.1", target);
      ledger.recordUnits("p", r);
      long t1 = mx.getCurrentThreadCpuTime();
      if (r.problem() != null || r.requests() == null) {
        throw new IllegalStateException(r.problem());
      }
      if (i >= warmup) {
        cpu[i - warmup] = t1 - t0;
      }
    }
    Arrays.sort(cpu);
    double mean = Arrays.stream(cpu).average().orElse(0) / 1000.0;
    System.out.printf(
        Locale.ROOT,
        "CPU per scraped pod (fetch + parse + ledger), %d runs after %d warm-up: mean %.1f us,"
            + " p50 %.1f us, p90 %.1f us, p99 %.1f us; requests counted %.0f%n",
        runs,
        warmup,
        mean,
        cpu[runs / 2] / 1000.0,
        cpu[runs * 9 / 10] / 1000.0,
        cpu[runs * 99 / 100] / 1000.0,
        ledger.pod("p").requests);
    // The parse alone, on the same body: what the rest (socket, HTTP, decoding) costs is the
    // difference.
    String body = vllmBody(5000);
    ServerProfile vllm = ServerProfile.VLLM;
    java.util.Set<String> names = new java.util.LinkedHashSet<>(vllm.names());
    names.add(UnitReader.START_TIME);
    long[] parse = new long[runs];
    double sink = 0;
    for (int i = 0; i < warmup + runs; i++) {
      long t0 = mx.getCurrentThreadCpuTime();
      Exposition e = PromTextParser.parse(body, names, vllm.replicaLabels());
      long t1 = mx.getCurrentThreadCpuTime();
      sink += e.sum(vllm.requests());
      if (i >= warmup) {
        parse[i - warmup] = t1 - t0;
      }
    }
    Arrays.sort(parse);
    System.out.printf(
        Locale.ROOT,
        "parse only: mean %.1f us, p50 %.1f us (%.0f)%n",
        Arrays.stream(parse).average().orElse(0) / 1000.0,
        parse[runs / 2] / 1000.0,
        sink > 0 ? 1.0 : 0.0);
  }
}
