package io.wattkeeper.sandbox.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's inference server: "loads a model" for a few seconds (fills a weight matrix), then
 * answers HTTP on $POD_IP:$PORT. {@code GET /predict?x=...} runs one small forward pass; {@code
 * /healthz} answers 200 once the model is loaded. Idle (no CPU) until asked. {@code /metrics}
 * counts its work as vLLM does ({@code vllm:request_success_total}, {@code
 * vllm:prompt_tokens_total}, {@code vllm:generation_tokens_total}): each request's prompt is its
 * query's characters over four (at least one token), and each answer 16 generated tokens.
 */
public final class InferenceServer {
  private static final int DIM = 256;
  static final int GENERATED_TOKENS_PER_REQUEST = 16;

  private InferenceServer() {}

  public static void main(String[] args) throws Exception {
    String host = env("POD_IP", "127.0.0.1");
    int port = Integer.parseInt(env("PORT", "8080"));
    long loadMillis = Long.parseLong(env("MODEL_LOAD_SECONDS", "3")) * 1000;
    AtomicBoolean loaded = new AtomicBoolean();
    AtomicLong served = new AtomicLong();
    AtomicLong promptTokens = new AtomicLong();
    float[][] weights = new float[DIM][DIM];
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext(
        "/healthz",
        ex -> answer(ex, loaded.get() ? 200 : 503, loaded.get() ? "ok\n" : "loading model\n"));
    server.createContext(
        "/metrics", ex -> answer(ex, 200, vllmMetrics(served.get(), promptTokens.get())));
    server.createContext(
        "/",
        ex -> {
          if (!loaded.get()) {
            answer(ex, 503, "loading model\n");
            return;
          }
          String q = ex.getRequestURI().getQuery();
          float x = q != null && q.startsWith("x=") ? parse(q.substring(2)) : 1f;
          float y = forward(weights, x);
          promptTokens.addAndGet(Math.max(1, (q == null ? 0 : q.length()) / 4));
          served.incrementAndGet();
          answer(
              ex,
              200,
              "{\"model\":\"tiny-mlp\",\"input\":"
                  + x
                  + ",\"prediction\":"
                  + y
                  + ",\"pod\":\""
                  + env("POD_NAME", "?")
                  + "\"}\n");
        });
    server.start();
    log("listening on " + host + ":" + port + "; loading model");
    long start = System.nanoTime();
    Random r = new Random(42);
    for (int i = 0; i < DIM; i++) {
      for (int j = 0; j < DIM; j++) {
        weights[i][j] = (float) (r.nextGaussian() / DIM);
      }
    }
    long left = loadMillis - (System.nanoTime() - start) / 1_000_000;
    if (left > 0) {
      Thread.sleep(left);
    }
    loaded.set(true);
    log("model loaded; ready");
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> log("stopping after " + served.get() + " requests")));
  }

  /** The counters in vLLM's exposition format (names and label as vLLM's own /metrics). */
  static String vllmMetrics(long requests, long prompt) {
    String labels = "{model_name=\"tiny-mlp\"}";
    return "# HELP vllm:request_success_total Count of successfully processed requests.\n"
        + "# TYPE vllm:request_success_total counter\n"
        + "vllm:request_success_total{finished_reason=\"stop\",model_name=\"tiny-mlp\"} "
        + (double) requests
        + "\n# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n"
        + "# TYPE vllm:prompt_tokens_total counter\n"
        + "vllm:prompt_tokens_total"
        + labels
        + " "
        + (double) prompt
        + "\n# HELP vllm:generation_tokens_total Number of generation tokens processed.\n"
        + "# TYPE vllm:generation_tokens_total counter\n"
        + "vllm:generation_tokens_total"
        + labels
        + " "
        + (double) (requests * GENERATED_TOKENS_PER_REQUEST)
        + "\n";
  }

  private static float forward(float[][] w, float x) {
    float[] h = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      float s = 0;
      for (int j = 0; j < DIM; j++) {
        s += w[i][j] * (x + j * 0.001f);
      }
      h[i] = Math.max(0, s);
    }
    float out = 0;
    for (float v : h) {
      out += v;
    }
    return out;
  }

  private static float parse(String s) {
    try {
      return Float.parseFloat(s);
    } catch (NumberFormatException e) {
      return 1f;
    }
  }

  private static void answer(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders()
        .set(
            "Content-Type",
            code == 200 && body.startsWith("{")
                ? "application/json"
                : "text/plain; version=0.0.4; charset=utf-8");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  static String env(String name, String def) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? def : v;
  }

  static void log(String msg) {
    System.out.println(Instant.now() + " " + msg);
    System.out.flush();
  }
}
