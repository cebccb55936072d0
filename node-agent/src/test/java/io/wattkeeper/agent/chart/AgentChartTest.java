package io.wattkeeper.agent.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The agent DaemonSet as the chart renders it, with and without GPU support. */
class AgentChartTest {
  static final Path CHART = Path.of("..", "helm", "wattkeeper").toAbsolutePath().normalize();

  static String daemonSet(UnaryOperator<TemplateCommand> values) {
    String out =
        values
            .apply(
                new Helm(CHART)
                    .template()
                    .withName("wk")
                    .withNamespace("wattkeeper")
                    .set("webhook.reuseCertificate", "false"))
            .call();
    return Arrays.stream(out.split("(?m)^---\\s*$"))
        .filter(d -> d.contains("kind: DaemonSet"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void gpuNodesGetTheDriverTheDevicesAndSysAdminForCaps() {
    String ds =
        daemonSet(
            t ->
                t.set("agent.gpu.enabled", "true")
                    .set("agent.gpu.runtimeClassName", "nvidia")
                    .set("agent.gpu.driverRoot", "/run/nvidia/driver")
                    .set("agent.gpu.libraryDir", "usr/lib/x86_64-linux-gnu"));
    assertThat(ds)
        .contains("runtimeClassName: nvidia")
        .containsPattern("name: NVIDIA_VISIBLE_DEVICES\\s+value: all")
        .containsPattern(
            "name: LD_LIBRARY_PATH\\s+value: \"/nvidia-driver/usr/lib/x86_64-linux-gnu\"")
        .containsPattern(
            "name: WATTKEEPER_AGENT_GPU_NVML_LIBRARY\\s+value:"
                + " \"/nvidia-driver/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1\"")
        .containsPattern("name: nvidia-driver, mountPath: /nvidia-driver, readOnly: true")
        .contains("path: \"/run/nvidia/driver\"")
        .containsPattern("- SYS_ADMIN")
        .containsPattern("- DAC_READ_SEARCH");
  }

  @Test
  void meteringOnlyGpuNodesGetNoSysAdmin() {
    String ds =
        daemonSet(t -> t.set("agent.gpu.enabled", "true").set("agent.gpu.powerCaps", "false"));
    assertThat(ds).contains("NVIDIA_VISIBLE_DEVICES").doesNotContain("SYS_ADMIN");
    // No library directory given: both common driver layouts are on the loader's path.
    assertThat(ds)
        .containsPattern(
            "name: LD_LIBRARY_PATH\\s+value:"
                + " /nvidia-driver/usr/lib/x86_64-linux-gnu:/nvidia-driver/usr/lib64")
        .doesNotContain("WATTKEEPER_AGENT_GPU_NVML_LIBRARY");
    assertThat(ds).doesNotContain("runtimeClassName"); // none asked for
  }

  @Test
  void withoutGpuTheAgentIsUnchanged() {
    String ds = daemonSet(t -> t);
    assertThat(ds)
        .doesNotContain("SYS_ADMIN")
        .doesNotContain("NVIDIA_VISIBLE_DEVICES")
        .doesNotContain("nvidia-driver")
        .doesNotContain("runtimeClassName")
        .contains("DAC_READ_SEARCH");
  }
}
