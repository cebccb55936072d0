package io.wattkeeper.agent.functionalunit;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where an inference server counts its functional units: the sample names (summed over label sets)
 * of finished requests, prompt tokens and generated tokens. A null name: the server does not count
 * that unit (Triton counts no tokens), reported unknown.
 *
 * <p>Names from the servers' documentation (see docs/node-agent.md): vLLM docs/design/metrics.md,
 * TGI reference/metrics (token counts are histograms: their {@code _sum}), SGLang
 * production_metrics (series repeated per {@code tp_rank} are counted once), Triton
 * docs/user_guide/metrics.md.
 */
public record ServerProfile(
    String name,
    String requests,
    String promptTokens,
    String generatedTokens,
    Set<String> replicaLabels,
    int defaultPort) {

  public static final ServerProfile VLLM =
      new ServerProfile(
          "vllm",
          "vllm:request_success_total",
          "vllm:prompt_tokens_total",
          "vllm:generation_tokens_total",
          Set.of(),
          8000);
  public static final ServerProfile TGI =
      new ServerProfile(
          "tgi",
          "tgi_request_success",
          "tgi_request_input_length_sum",
          "tgi_request_generated_tokens_sum",
          Set.of(),
          80);
  public static final ServerProfile SGLANG =
      new ServerProfile(
          "sglang",
          "sglang:num_requests_total",
          "sglang:prompt_tokens_total",
          "sglang:generation_tokens_total",
          Set.of("tp_rank"),
          30000);
  public static final ServerProfile TRITON =
      new ServerProfile("triton", "nv_inference_request_success", null, null, Set.of(), 8002);

  /** The built-in profile of that name (case-insensitive); custom is built from annotations. */
  public static Optional<ServerProfile> builtIn(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "vllm" -> Optional.of(VLLM);
      case "tgi" -> Optional.of(TGI);
      case "sglang" -> Optional.of(SGLANG);
      case "triton" -> Optional.of(TRITON);
      default -> Optional.empty();
    };
  }

  /** A custom profile: at least the request counter must be named. */
  public static ServerProfile custom(String requests, String promptTokens, String generatedTokens) {
    if (!validName(requests)) {
      throw new IllegalArgumentException(
          "profile custom needs a valid requests metric name, got '" + requests + "'");
    }
    for (String n : new String[] {promptTokens, generatedTokens}) {
      if (n != null && !validName(n)) {
        throw new IllegalArgumentException("invalid metric name '" + n + "'");
      }
    }
    return new ServerProfile("custom", requests, promptTokens, generatedTokens, Set.of(), 0);
  }

  /** The sample names to sum. */
  public Set<String> names() {
    Set<String> out = new LinkedHashSet<>();
    for (String n : new String[] {requests, promptTokens, generatedTokens}) {
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  static boolean validName(String n) {
    return n != null && n.matches("[a-zA-Z_:][a-zA-Z0-9_:]*") && n.length() <= 200;
  }
}
