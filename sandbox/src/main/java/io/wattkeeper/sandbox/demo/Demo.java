package io.wattkeeper.sandbox.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * The demo's manifests (namespace demo): Deployment and NodePort Service {@code inference} (2
 * replicas of {@link InferenceServer}), Deployment {@code trainer} ({@link Trainer}), EnergyBudget
 * {@code team} (small daily energy limit, Enforce with ScaleToZero of the trainer, an idle rule for
 * inference) and EnergyBudget {@code observe} (monitor only).
 */
public final class Demo {
  public static final String NAMESPACE = "demo";

  private Demo() {}

  /**
   * The manifests as one multi-document YAML. {@code java} and {@code classPath} run the demo's
   * main classes (this jar) as the containers' commands.
   */
  public static String manifests(
      String java, Path classPath, String idleAfter, String teamLimit, int modelLoadSeconds) {
    String jvm =
        "[\""
            + java
            + "\", \"-XX:+UseSerialGC\", \"-Xmx48m\", \"-XX:TieredStopAtLevel=1\","
            + " \"-Xshare:auto\", \"-XX:-UsePerfData\", \"-cp\", \""
            + classPath
            + "\"";
    return String.join(
        "\n---\n",
        List.of(
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: demo
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: inference
              namespace: demo
              labels: {app: inference, wattkeeper.io/role: inference}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: inference}
              template:
                metadata:
                  labels: {app: inference, wattkeeper.io/role: inference}
                  annotations:
                    wattkeeper.io/functional-unit-profile: vllm
                    wattkeeper.io/functional-unit-port: "8080"
                    wattkeeper.io/functional-unit-path: /metrics
                spec:
                  containers:
                    - name: server
                      image: wattkeeper-sandbox/inference
                      command: %s, "io.wattkeeper.sandbox.demo.InferenceServer"]
                      env:
                        - {name: MODEL_LOAD_SECONDS, value: "%d"}
                      ports:
                        - {name: http, containerPort: 8080}
                      readinessProbe:
                        httpGet: {path: /healthz, port: http}
                        periodSeconds: 1
                        failureThreshold: 1
                      resources:
                        requests: {cpu: 100m, memory: 64Mi}
            """
                .formatted(jvm, modelLoadSeconds),
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: inference
              namespace: demo
            spec:
              type: NodePort
              selector: {app: inference}
              ports:
                - {name: http, port: 80, targetPort: http}
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: trainer
              namespace: demo
              labels: {app: trainer, wattkeeper.io/scale-on-budget: "true"}
            spec:
              replicas: 1
              selector:
                matchLabels: {app: trainer}
              template:
                metadata:
                  labels: {app: trainer}
                spec:
                  containers:
                    - name: train
                      image: wattkeeper-sandbox/trainer
                      command: %s, "io.wattkeeper.sandbox.demo.Trainer"]
                      resources:
                        requests: {cpu: "1", memory: 64Mi}
            """
                .formatted(jvm),
            """
            apiVersion: wattkeeper.io/v1alpha1
            kind: EnergyBudget
            metadata:
              name: team
              namespace: demo
            spec:
              period: {type: Calendar, unit: Day}
              limits: {energy: %s}
              warnAt: [80]
              enforcement:
                mode: Enforce
                onExceeded: [ScaleToZero]
                scaleToZero:
                  workloadSelector:
                    matchLabels: {wattkeeper.io/scale-on-budget: "true"}
              idle:
                workloadSelector:
                  matchLabels: {wattkeeper.io/role: inference}
                after: %s
                cpuCoresBelow: 0.05
                # inference counts its requests (vLLM-style /metrics): serving is never idle
                requestsPerSecondBelow: 0.1
                cooldownAfterWake: 10m
            """
                .formatted(teamLimit, idleAfter),
            """
            apiVersion: wattkeeper.io/v1alpha1
            kind: EnergyBudget
            metadata:
              name: observe
              namespace: demo
            spec:
              period: {type: Calendar, unit: Day}
              accounting:
                pricing: {currency: EUR, perKWh: "0.30"}
            """));
  }
}
