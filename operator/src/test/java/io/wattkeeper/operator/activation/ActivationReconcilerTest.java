package io.wattkeeper.operator.activation;

import static io.wattkeeper.api.activation.ActivationNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.wattkeeper.api.v1alpha1.Api;
import io.wattkeeper.operator.idle.SleepAnnotations;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The running operator puts the activator in a sleeping workload's Service path and takes it out
 * once the workload is awake and Ready, driven only by watch events (no call into our classes).
 */
@QuarkusTest
@WithKubernetesTestServer
class ActivationReconcilerTest {

  static final String NS = "activation-flow";
  @Inject KubernetesClient client;

  @Test
  void sliceFollowsSleepAndWake() {
    // The activator's own Service endpoints (default wattkeeper/wattkeeper-activator).
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("wattkeeper")
        .resource(
            ActivationRoutesTest.slice(
                    "wattkeeper",
                    "wattkeeper-activator-abc",
                    "wattkeeper-activator",
                    "metrics",
                    9090)
                .addNewEndpoint()
                .withAddresses("10.0.0.7")
                .endEndpoint()
                .build())
        .createOr(x -> x.update());
    client
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("inference")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", "inference")
                .withClusterIP("10.96.1.1")
                .addNewPort()
                .withName("http")
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("inference")
                .withNamespace(NS)
                .addToAnnotations(Api.ANNOTATION_REPLICAS_BEFORE_SLEEP, "2")
                .addToAnnotations(SleepAnnotations.HOLDERS, "idle/team")
                .endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withNewSelector()
                .addToMatchLabels("app", "inference")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "inference")
                .endMetadata()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    EndpointSlice s =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    client
                        .discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace(NS)
                        .withName(sliceName("inference"))
                        .get(),
                x -> x != null);
    assertThat(s.getMetadata().getLabels()).containsEntry(LABEL_MANAGED_BY, MANAGED_BY);
    assertThat(s.getEndpoints().get(0).getAddresses()).containsExactly("10.0.0.7");

    // The operator wakes it (as Sleeper.release does) and the endpoint controller reports a Ready
    // pod: the slice goes.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("inference")
        .edit(
            d -> {
              d.getMetadata().getAnnotations().remove(Api.ANNOTATION_REPLICAS_BEFORE_SLEEP);
              d.getMetadata().getAnnotations().remove(SleepAnnotations.HOLDERS);
              d.getSpec().setReplicas(2);
              return d;
            });
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(
            ActivationRoutesTest.slice(NS, "inference-x8d2k", "inference", "http", 8080)
                .addNewEndpoint()
                .withAddresses("10.1.2.3")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                client
                        .discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace(NS)
                        .withName(sliceName("inference"))
                        .get()
                    == null);
  }
}
