package io.wattkeeper.operator.activation;

import static io.wattkeeper.api.activation.ActivationNames.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.events.KubeEvents;
import io.wattkeeper.operator.idle.SleepAnnotations;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's half of wake-on-request, against the Fabric8 mock API server. */
@EnableKubernetesMockClient(crud = true)
class ActivationRoutesTest {

  static final String NS = "models";
  KubernetesClient client;
  ActivationRoutes routes;

  static ActivationConfig config(boolean enabled) {
    return config(enabled, 20009);
  }

  static ActivationConfig config(boolean enabled, int lastPort) {
    return new ActivationConfig() {
      public boolean enabled() {
        return enabled;
      }

      public String namespace() {
        return "wattkeeper";
      }

      public String service() {
        return "wattkeeper-activator";
      }

      public Optional<List<String>> addresses() {
        return Optional.empty();
      }

      public int portRangeStart() {
        return 20000;
      }

      public int portRangeEnd() {
        return lastPort;
      }
    };
  }

  @BeforeEach
  void setUp() {
    routes = new ActivationRoutes(client, config(true), new KubeEvents(client, Clock.systemUTC()));
    // Two activator replicas, one not Ready yet.
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("wattkeeper")
        .resource(
            slice("wattkeeper", "wattkeeper-activator-x1", "wattkeeper-activator", "metrics", 9090)
                .addNewEndpoint()
                .withAddresses("10.0.0.7")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .addNewEndpoint()
                .withAddresses("10.0.0.9")
                .withNewConditions()
                .withReady(false)
                .endConditions()
                .endEndpoint()
                .addNewEndpoint()
                .withAddresses("10.0.0.8")
                .endEndpoint()
                .build())
        .create();
  }

  static EndpointSliceBuilder slice(String ns, String name, String svc, String port, int number) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels(LABEL_SERVICE_NAME, svc)
        .addToLabels(LABEL_MANAGED_BY, "endpointslice-controller.k8s.io")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName(port)
        .withPort(number)
        .withProtocol("TCP")
        .endPort();
  }

  Deployment deployment(String name, int replicas, boolean asleep) {
    DeploymentBuilder b =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector()
            .addToMatchLabels("app", name)
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", name)
            .addToLabels("tier", "model")
            .endMetadata()
            .endTemplate()
            .endSpec();
    if (asleep) {
      b.editMetadata()
          .addToAnnotations(Api.ANNOTATION_REPLICAS_BEFORE_SLEEP, "3")
          .addToAnnotations(SleepAnnotations.HOLDERS, "idle/team")
          .addToAnnotations(SleepAnnotations.ASLEEP_SINCE, "2026-12-05T08:00:00Z")
          .endMetadata();
    }
    return client.apps().deployments().inNamespace(NS).resource(b.build()).create();
  }

  Service service(String name, Map<String, String> selector, String clusterIP) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .withUid("uid-" + name)
            .endMetadata()
            .withNewSpec()
            .withSelector(selector)
            .withClusterIP(clusterIP)
            .addNewPort()
            .withName("http")
            .withPort(80)
            .withNewTargetPort(8080)
            .endPort()
            .addNewPort()
            .withName("grpc")
            .withPort(9000)
            .withNewTargetPort(9000)
            .withAppProtocol("kubernetes.io/h2c")
            .endPort()
            .endSpec();
    return client.services().inNamespace(NS).resource(b.build()).create();
  }

  EndpointSlice ours(String svc) {
    return client.discovery().v1().endpointSlices().inNamespace(NS).withName(sliceName(svc)).get();
  }

  @Test
  void sleepingWorkloadsServiceGetsAnActivatorSliceThatGoesAwayOnceAPodIsReady() {
    deployment("inference", 0, true);
    Service svc = service("inference", Map.of("app", "inference"), "10.96.0.10");
    String before = Serialization(svc);

    assertThat(routes.sync(svc)).isEqualTo(ActivationRoutes.Result.WRITTEN);
    EndpointSlice s = ours("inference");
    assertThat(s.getMetadata().getLabels())
        .containsEntry(LABEL_SERVICE_NAME, "inference")
        .containsEntry(LABEL_MANAGED_BY, MANAGED_BY);
    assertThat(s.getMetadata().getAnnotations())
        .containsEntry(ANNOTATION_WORKLOAD, "Deployment/inference");
    assertThat(s.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(svc.getMetadata().getUid());
    assertThat(s.getPorts())
        .extracting(p -> p.getName() + "=" + p.getPort())
        .containsExactly("http=20000", "grpc=20001");
    assertThat(s.getPorts().get(1).getAppProtocol()).isEqualTo("kubernetes.io/h2c");
    // Only the Ready activator replicas (absent condition means Ready), in a stable order.
    assertThat(s.getEndpoints())
        .extracting(e -> e.getAddresses().get(0))
        .containsExactly("10.0.0.7", "10.0.0.8");
    // Repeating changes nothing.
    assertThat(routes.sync(svc)).isEqualTo(ActivationRoutes.Result.UNCHANGED);

    // Woken: replicas restored, annotations removed, pods not Ready yet: still held.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("inference")
        .edit(
            d -> {
              d.getMetadata().getAnnotations().clear();
              d.getSpec().setReplicas(3);
              return d;
            });
    assertThat(routes.sync(svc)).isEqualTo(ActivationRoutes.Result.UNCHANGED);
    EndpointSlice own =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(NS)
            .resource(
                slice(NS, "inference-7xk2p", "inference", "http", 8080)
                    .addNewEndpoint()
                    .withAddresses("10.1.0.5")
                    .withNewConditions()
                    .withReady(false)
                    .endConditions()
                    .endEndpoint()
                    .build())
            .create();
    assertThat(routes.sync(svc)).isEqualTo(ActivationRoutes.Result.UNCHANGED);
    // A pod is Ready: the activator leaves the path (zero extra hops from now on).
    own.getEndpoints().get(0).getConditions().setReady(true);
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(own).update();
    assertThat(routes.sync(svc)).isEqualTo(ActivationRoutes.Result.REMOVED);
    assertThat(ours("inference")).isNull();
    assertThat(client.discovery().v1().endpointSlices().inNamespace(NS).list().getItems())
        .extracting(e -> e.getMetadata().getName())
        .containsExactly("inference-7xk2p");
    // The user's Service was never written.
    assertThat(Serialization(client.services().inNamespace(NS).withName("inference").get()))
        .isEqualTo(before);
  }

  @Test
  void portsStayWhileAsleepAndAreNotSharedBetweenServices() {
    deployment("a", 0, true);
    deployment("b", 0, true);
    Service a = service("a", Map.of("app", "a"), "10.96.0.11");
    Service b = service("b", Map.of("app", "b"), "10.96.0.12");
    routes.sync(a);
    routes.sync(b);
    assertThat(ours("a").getPorts()).extracting(p -> p.getPort()).containsExactly(20000, 20001);
    assertThat(ours("b").getPorts()).extracting(p -> p.getPort()).containsExactly(20002, 20003);
    assertThat(routes.sync(a)).isEqualTo(ActivationRoutes.Result.UNCHANGED);
    // a wakes and its pods are Ready: its ports are free for the next sleeper.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("a")
        .edit(
            d -> {
              d.getMetadata().getAnnotations().clear();
              d.getSpec().setReplicas(1);
              return d;
            });
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(
            slice(NS, "a-1", "a", "http", 8080)
                .addNewEndpoint()
                .withAddresses("10.1.0.9")
                .endEndpoint()
                .build())
        .create();
    assertThat(routes.sync(a)).isEqualTo(ActivationRoutes.Result.REMOVED);
    deployment("c", 0, true);
    Service c = service("c", Map.of("app", "c"), "10.96.0.17");
    routes.sync(c);
    assertThat(ours("c").getPorts()).extracting(p -> p.getPort()).containsExactly(20000, 20001);
  }

  @Test
  void anExhaustedPortRangeIsAClearErrorAndWritesNothing() {
    ActivationRoutes small =
        new ActivationRoutes(
            client, config(true, 20002), new KubeEvents(client, Clock.systemUTC()));
    deployment("a", 0, true);
    deployment("b", 0, true);
    small.sync(service("a", Map.of("app", "a"), "10.96.0.11"));
    Service b = service("b", Map.of("app", "b"), "10.96.0.12");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.sync(b))
        .hasMessageContaining("no free activator port in 20000-20002");
    assertThat(ours("b")).isNull();
  }

  @Test
  void theActivatorReadsTheSleepHoldersUnderTheOperatorsKey() {
    assertThat(ANNOTATION_SLEEP_HOLDERS).isEqualTo(SleepAnnotations.HOLDERS);
  }

  @Test
  void headlessAndSelectorLessServicesAreLeftAlone() {
    deployment("db", 0, true);
    Service headless = service("db", Map.of("app", "db"), "None");
    Service manual = service("manual", null, "10.96.0.13");
    assertThat(routes.sync(headless)).isEqualTo(ActivationRoutes.Result.SKIPPED_HEADLESS);
    assertThat(routes.sync(headless)).isEqualTo(ActivationRoutes.Result.SKIPPED_HEADLESS);
    assertThat(routes.sync(manual)).isEqualTo(ActivationRoutes.Result.NOT_APPLICABLE);
    assertThat(ours("db")).isNull();
    assertThat(ours("manual")).isNull();
    assertThat(routes.sync(manual)).isEqualTo(ActivationRoutes.Result.NOT_APPLICABLE);
    // One Event per Service and sleep, on the sleeping workload.
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("ActivatorSkipped");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("db");
            })
        .extracting(e -> e.getMessage())
        .anySatisfy(m -> assertThat(m).contains("Service db is headless"))
        .anySatisfy(m -> assertThat(m).contains("Service manual has no selector"));
  }

  @Test
  void awakeWorkloadsAndADisabledActivatorGetNoSlice() {
    deployment("web", 2, false);
    Service web = service("web", Map.of("app", "web"), "10.96.0.14");
    assertThat(routes.sync(web)).isEqualTo(ActivationRoutes.Result.NOT_APPLICABLE);
    deployment("m", 0, true);
    Service m = service("m", Map.of("app", "m"), "10.96.0.15");
    ActivationRoutes off =
        new ActivationRoutes(client, config(false), new KubeEvents(client, Clock.systemUTC()));
    assertThat(off.sync(m)).isEqualTo(ActivationRoutes.Result.NOT_APPLICABLE);
    assertThat(ours("m")).isNull();
  }

  @Test
  void noReadyActivatorMeansNoSlice() {
    client.discovery().v1().endpointSlices().inNamespace("wattkeeper").delete();
    deployment("m", 0, true);
    Service m = service("m", Map.of("app", "m"), "10.96.0.16");
    assertThat(routes.sync(m)).isEqualTo(ActivationRoutes.Result.NO_ACTIVATOR);
    assertThat(ours("m")).isNull();
  }

  private static String Serialization(Service s) {
    s.getMetadata().setResourceVersion(s.getMetadata().getResourceVersion());
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(s.getSpec())
        + s.getMetadata().getResourceVersion();
  }
}
