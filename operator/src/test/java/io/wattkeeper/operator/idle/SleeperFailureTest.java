package io.wattkeeper.operator.idle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Sleeper against the Fabric8 mock API server (CRUD, plus one-off failure answers): a failed
 * scale call and a ScaledObject deleted while asleep.
 */
@EnableKubernetesMockClient(crud = true)
class SleeperFailureTest {

  static final String NS = "sleeper";
  static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

  KubernetesMockServer server;
  KubernetesClient client;

  Sleeper sleeper() {
    return new Sleeper(client, new Autoscalers(client));
  }

  Deployment deployment(String name, int replicas) {
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withSelector(
                    new LabelSelectorBuilder().withMatchLabels(Map.of("app", name)).build())
                .endSpec()
                .build())
        .create();
    return get(name);
  }

  Deployment get(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  GenericKubernetesResource scaledObject(String target) {
    GenericKubernetesResource so = new GenericKubernetesResource();
    so.setApiVersion("keda.sh/v1alpha1");
    so.setKind("ScaledObject");
    so.setMetadata(new ObjectMeta());
    so.getMetadata().setName(target);
    so.getMetadata().setNamespace(NS);
    so.setAdditionalProperty("spec", Map.of("scaleTargetRef", Map.of("name", target)));
    return client
        .genericKubernetesResources(Autoscalers.SCALED_OBJECT)
        .inNamespace(NS)
        .resource(so)
        .create();
  }

  @Test
  void aFailedScaleCallLeavesNoSleepAnnotationsSoItIsNoManualWake() {
    Deployment d = deployment("llm", 2);
    server
        .expect()
        .patch()
        .withPath("/apis/apps/v1/namespaces/" + NS + "/deployments/llm/scale")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}")
        .once();
    Sleeper sleeper = sleeper();

    assertThatThrownBy(() -> sleeper.sleep(d, "idle/b", 50.0, NOW))
        .isInstanceOf(KubernetesClientException.class);

    Deployment after = get("llm");
    assertThat(after.getSpec().getReplicas()).isEqualTo(2);
    assertThat(Sleeper.annotations(after))
        .doesNotContainKeys(SleepAnnotations.SLEEP_KEYS.toArray(String[]::new));
    assertThat(sleeper.wokenExternally(after)).isFalse();
    // The next pass sleeps it normally.
    assertThat(sleeper.sleep(after, "idle/b", 50.0, NOW).changed()).isTrue();
    assertThat(get("llm").getSpec().getReplicas()).isZero();
  }

  @Test
  void aFailedKedaPauseLeavesNoSleepAnnotations() {
    Deployment d = deployment("keda-fail", 2);
    scaledObject("keda-fail");
    server
        .expect()
        .patch()
        .withPath("/apis/keda.sh/v1alpha1/namespaces/" + NS + "/scaledobjects/keda-fail")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}")
        .once();
    Sleeper sleeper = sleeper();

    assertThatThrownBy(() -> sleeper.sleep(d, "idle/b", null, NOW))
        .isInstanceOf(KubernetesClientException.class);

    Deployment after = get("keda-fail");
    assertThat(Sleeper.annotations(after))
        .doesNotContainKey(SleepAnnotations.REPLICAS_BEFORE_SLEEP);
    assertThat(sleeper.wokenExternally(after)).isFalse();
  }

  @Test
  void scaledObjectDeletedWhileAsleepIsRestoredThroughScale() {
    Deployment d = deployment("keda-gone", 3);
    scaledObject("keda-gone");
    Sleeper sleeper = sleeper();
    assertThat(sleeper.sleep(d, "idle/b", null, NOW).via()).isEqualTo("keda/keda-gone");
    // KEDA, paused at 0, scales the workload down; then someone deletes the ScaledObject.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("keda-gone")
        .subresource("scale")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":0}}");
    client
        .genericKubernetesResources(Autoscalers.SCALED_OBJECT)
        .inNamespace(NS)
        .withName("keda-gone")
        .delete();

    Deployment asleep = get("keda-gone");
    assertThat(sleeper.wokenExternally(asleep)).isFalse();
    Sleeper.Woken w = sleeper.release(asleep, "idle/b", true, NOW.plusSeconds(60));

    assertThat(w.restoredReplicas()).isEqualTo(3);
    Deployment after = get("keda-gone");
    assertThat(after.getSpec().getReplicas()).isEqualTo(3);
    assertThat(Sleeper.annotations(after))
        .doesNotContainKey(SleepAnnotations.REPLICAS_BEFORE_SLEEP)
        .containsKey(SleepAnnotations.WOKEN_AT);
  }
}
