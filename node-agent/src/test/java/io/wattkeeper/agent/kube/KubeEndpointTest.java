package io.wattkeeper.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubeEndpointTest {
  static final Path TOKEN = Path.of("/t");
  static final Path CA = Path.of("/ca");

  @Test
  void inClusterFromTheServiceEnvironment() {
    var e =
        KubeEndpoint.resolve(
            Optional.empty(),
            TOKEN,
            CA,
            Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "6443"));
    assertThat(e).get().extracting(KubeEndpoint::server).hasToString("https://10.96.0.1:6443");
    var v6 =
        KubeEndpoint.resolve(
            Optional.empty(), TOKEN, CA, Map.of("KUBERNETES_SERVICE_HOST", "fd00::1"));
    assertThat(v6).get().extracting(KubeEndpoint::server).hasToString("https://[fd00::1]:443");
  }

  @Test
  void explicitUrlWinsAndLosesItsTrailingSlash() {
    var e =
        KubeEndpoint.resolve(
            Optional.of("http://127.0.0.1:8001/"),
            TOKEN,
            CA,
            Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"));
    assertThat(e.get().server()).hasToString("http://127.0.0.1:8001");
    assertThat(e.get().websocket("/api/v1/pods?watch=true"))
        .hasToString("ws://127.0.0.1:8001/api/v1/pods?watch=true");
    assertThat(
            KubeEndpoint.resolve(Optional.of("https://api:6443"), TOKEN, CA, Map.of())
                .get()
                .websocket("/x"))
        .hasToString("wss://api:6443/x");
  }

  @Test
  void noClusterNoEndpointAndBadSchemesRefused() {
    assertThat(KubeEndpoint.resolve(Optional.empty(), TOKEN, CA, Map.of())).isEmpty();
    assertThat(KubeEndpoint.resolve(Optional.of(" "), TOKEN, CA, Map.of())).isEmpty();
    assertThatThrownBy(() -> KubeEndpoint.resolve(Optional.of("ftp://x"), TOKEN, CA, Map.of()))
        .hasMessageContaining("http(s)");
  }
}
