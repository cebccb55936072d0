package io.wattkeeper.sandbox.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One probe of a container (exec, httpGet or tcpSocket) with kubelet's thresholds: initial delay,
 * period, timeout, success and failure thresholds (defaults 0 s, 10 s, 1 s, 1, 3).
 */
final class Probe {
  private final JsonNode spec;
  private final JsonNode container;
  private int successes;
  private int failures;
  private long nextAt;
  private Boolean result;
  private String lastMessage = "";

  Probe(JsonNode spec, JsonNode container) {
    this.spec = spec;
    this.container = container;
  }

  /** Called when the container (re)starts. */
  void reset(long nowMillis) {
    successes = 0;
    failures = 0;
    result = null;
    nextAt = nowMillis + spec.path("initialDelaySeconds").asLong(0) * 1000;
  }

  /** The verdict so far: null before the first threshold is reached. */
  Boolean result() {
    return result;
  }

  String lastMessage() {
    return lastMessage;
  }

  /** Runs the probe when due; returns true when it ran. */
  boolean tick(long nowMillis, String podIp, Map<String, String> env, File dir) {
    if (nowMillis < nextAt) {
      return false;
    }
    nextAt = nowMillis + Math.max(1, spec.path("periodSeconds").asLong(10)) * 1000;
    boolean ok = run(podIp, env, dir);
    if (ok) {
      failures = 0;
      if (++successes >= Math.max(1, spec.path("successThreshold").asInt(1))) {
        result = true;
      }
    } else {
      successes = 0;
      if (++failures >= Math.max(1, spec.path("failureThreshold").asInt(3))) {
        result = false;
      }
    }
    return true;
  }

  private boolean run(String podIp, Map<String, String> env, File dir) {
    int timeout = Math.max(1, spec.path("timeoutSeconds").asInt(1));
    try {
      if (spec.has("exec")) {
        List<String> cmd = new ArrayList<>();
        spec.path("exec").path("command").forEach(c -> cmd.add(c.asText()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          lastMessage = "exec probe timed out";
          return false;
        }
        lastMessage = "exec probe exit " + p.exitValue();
        return p.exitValue() == 0;
      }
      if (spec.has("httpGet")) {
        JsonNode h = spec.path("httpGet");
        String host = h.path("host").asText(podIp);
        int port = port(h.path("port"));
        String path = h.path("path").asText("/");
        HttpURLConnection c =
            (HttpURLConnection)
                new URL(h.path("scheme").asText("HTTP").toLowerCase(), host, port, path)
                    .openConnection();
        c.setConnectTimeout(timeout * 1000);
        c.setReadTimeout(timeout * 1000);
        c.setRequestProperty("User-Agent", "kube-probe/1.32");
        int code = c.getResponseCode();
        c.disconnect();
        lastMessage = "HTTP probe failed with statuscode: " + code;
        return code >= 200 && code < 400;
      }
      if (spec.has("tcpSocket")) {
        JsonNode t = spec.path("tcpSocket");
        try (Socket s = new Socket()) {
          s.connect(
              new InetSocketAddress(t.path("host").asText(podIp), port(t.path("port"))),
              timeout * 1000);
          return true;
        }
      }
      lastMessage = "unsupported probe (only exec, httpGet, tcpSocket)";
      return false;
    } catch (IOException e) {
      lastMessage = "probe failed: " + e.getMessage();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int port(JsonNode port) throws IOException {
    if (port.canConvertToInt() && !port.isTextual()) {
      return port.asInt();
    }
    String name = port.asText();
    if (name.matches("[0-9]+")) {
      return Integer.parseInt(name);
    }
    for (JsonNode p : container.path("ports")) {
      if (name.equals(p.path("name").asText())) {
        return p.path("containerPort").asInt();
      }
    }
    throw new IOException("no container port named " + name);
  }
}
