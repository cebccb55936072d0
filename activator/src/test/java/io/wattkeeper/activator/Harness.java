package io.wattkeeper.activator;

import static io.wattkeeper.api.activation.ActivationNames.*;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wattkeeper.api.v1alpha1.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Test set-up around the Fabric8 mock API server: a sleeping Deployment, the EndpointSlice the
 * operator would write for its Service, and a stand-in for the operator's wake that starts the
 * backend only after the activator asked for it.
 */
final class Harness implements AutoCloseable {

  static final String NS = "default";
  final KubernetesClient client;
  final List<AutoCloseable> closeables = new ArrayList<>();

  Harness(KubernetesClient client) {
    this.client = client;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Deployment sleepingDeployment(String name, Map<String, String> extra) {
    Map<String, String> ann = new HashMap<>();
    ann.put(Api.ANNOTATION_REPLICAS_BEFORE_SLEEP, "2");
    ann.put(ANNOTATION_SLEEP_HOLDERS, "idle/team");
    ann.putAll(extra);
    return client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withAnnotations(ann)
                .endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("server")
                .withImage("server")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  /** The slice the operator writes while {@code workload} sleeps. */
  void activatorSlice(String service, String portName, int port, String workload) {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(sliceName(service))
                .withNamespace(NS)
                .addToLabels(LABEL_SERVICE_NAME, service)
                .addToLabels(LABEL_MANAGED_BY, MANAGED_BY)
                .addToAnnotations(ANNOTATION_WORKLOAD, "Deployment/" + workload)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName(portName)
                .withPort(port)
                .withProtocol("TCP")
                .endPort()
                .addNewEndpoint()
                .withAddresses("127.0.0.1")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
  }

  /**
   * The Service's own slice with one Ready endpoint on loopback (what the endpoint controller
   * writes).
   */
  EndpointSlice readyEndpoint(String service, String portName, int port) {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(service + "-abcde")
                .withNamespace(NS)
                .addToLabels(LABEL_SERVICE_NAME, service)
                .addToLabels(LABEL_MANAGED_BY, "endpointslice-controller.k8s.io")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName(portName)
                .withPort(port)
                .withProtocol("TCP")
                .endPort()
                .addNewEndpoint()
                .withAddresses("127.0.0.1")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
  }

  /**
   * Stands in for the operator: once {@code wattkeeper.io/wake} appears on the Deployment, runs
   * {@code wake} (which starts the backend) on a thread of its own.
   */
  void onWake(String deployment, Consumer<String> wake) {
    // A watch, as the operator's informer would: no polling load on the API or the client.
    java.util.concurrent.atomic.AtomicBoolean fired =
        new java.util.concurrent.atomic.AtomicBoolean();
    Consumer<Deployment> check =
        d -> {
          Map<String, String> a = d == null ? null : d.getMetadata().getAnnotations();
          String by = a == null ? null : a.get(Api.ANNOTATION_WAKE);
          if (by != null && fired.compareAndSet(false, true)) {
            Thread t = new Thread(() -> wake.accept(by), "fake-operator");
            t.setDaemon(true);
            t.start();
          }
        };
    closeLater(
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName(deployment)
            .watch(
                new io.fabric8.kubernetes.client.Watcher<Deployment>() {
                  @Override
                  public void eventReceived(Action action, Deployment d) {
                    check.accept(d);
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                }));
    check.accept(client.apps().deployments().inNamespace(NS).withName(deployment).get());
  }

  String wakeValue(String deployment) {
    Deployment d = client.apps().deployments().inNamespace(NS).withName(deployment).get();
    Map<String, String> a = d.getMetadata().getAnnotations();
    return a == null ? null : a.get(Api.ANNOTATION_WAKE);
  }

  Activator activator(ActivatorConfig config) throws IOException {
    return activator(client, config);
  }

  /** An activator with its own client, as in its own process. */
  Activator activator(KubernetesClient own, ActivatorConfig config) throws IOException {
    Activator a = new Activator(own, config, Clock.systemUTC()).start();
    closeables.add(0, a);
    return a;
  }

  static ActivatorConfig config() {
    return ActivatorConfig.defaults().withBind("127.0.0.1", 0, "r1");
  }

  void awaitListening(Activator a, int port) {
    await().atMost(Duration.ofSeconds(10)).until(() -> a.ports().contains(port));
  }

  List<String> eventReasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(e -> e.getReason())
        .toList();
  }

  List<String> eventMessages(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(e -> e.getMessage())
        .toList();
  }

  <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(0, c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }
}
