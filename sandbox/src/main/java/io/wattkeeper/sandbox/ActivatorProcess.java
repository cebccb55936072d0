package io.wattkeeper.sandbox;

import io.wattkeeper.sandbox.node.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The activator (docs/activator.md) as a child process of the sandbox, listening on 127.0.0.1: the
 * operator writes 127.0.0.1 and the reserved port into a sleeping Service's EndpointSlice, and the
 * sandbox's NodePort proxy follows that slice exactly as kube-proxy would. One replica (two would
 * need two addresses).
 */
final class ActivatorProcess {

  static final String ADDRESS = "127.0.0.1";
  static final String NAME = "wattkeeper-activator-0";

  private ActivatorProcess() {}

  /** Env for the operator: where the activator is. */
  static Map<String, String> operatorEnv() {
    return Map.of("WATTKEEPER_ACTIVATOR_ADDRESSES", ADDRESS);
  }

  static Path jar(Path home) throws IOException {
    Path jar = home.resolve("activator/target/wattkeeper-activator.jar");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
      throw new IOException(
          jar
              + " (with lib/) not found: build first with ./mvnw -B -ntp package -DskipTests (from "
              + home
              + ")");
    }
    return jar;
  }

  static Child start(Path home, Path dir, String java, String apiUrl, String token, int metricsPort)
      throws IOException {
    Path jar = jar(home);
    Map<String, String> env = new HashMap<>();
    env.put(Processes.DIR_ENV, dir.toString());
    // Fabric8's client settings from the environment; no kubeconfig.
    env.put("KUBERNETES_MASTER", apiUrl);
    env.put("KUBERNETES_AUTH_TOKEN", token);
    env.put("KUBERNETES_NAMESPACE", Sandbox.OPERATOR_NAMESPACE);
    env.put("KUBECONFIG", dir.resolve("no-kubeconfig").toString());
    env.put("WATTKEEPER_ACTIVATOR_BIND", ADDRESS);
    env.put("WATTKEEPER_ACTIVATOR_METRICS_PORT", Integer.toString(metricsPort));
    env.put("POD_NAME", NAME);
    List<String> cmd =
        List.of(
            java,
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-Xss256k",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "-jar",
            jar.toString());
    return Child.start("activator", cmd, env, dir, dir.resolve("logs/activator.log"));
  }
}
