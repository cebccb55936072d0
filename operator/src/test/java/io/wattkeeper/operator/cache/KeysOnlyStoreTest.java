package io.wattkeeper.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysOnlyStoreTest {

  static NodeEnergyReport report(String node, String rv) {
    NodeEnergyReport r = new NodeEnergyReport();
    r.getMetadata().setName(node);
    r.getMetadata().setUid("uid-" + node);
    r.getMetadata().setResourceVersion(rv);
    r.setStatus(
        new NodeEnergyReportStatus()
            .setPods(
                List.of(new NodeEnergyReportStatus.PodEnergy().setUid("p").setCpuJoules(1.0))));
    return r;
  }

  @Test
  void holdsIdentityAndVersionButNoBody() {
    KeysOnlyStore<NodeEnergyReport> s = new KeysOnlyStore<>(NodeEnergyReport::new);
    NodeEnergyReport full = report("n1", "7");
    String key = s.getKey(full);
    assertThat(key).isEqualTo("n1");
    assertThat(s.put(key, full)).isNull();

    NodeEnergyReport held = s.get(key);
    assertThat(held.getMetadata().getName()).isEqualTo("n1");
    assertThat(held.getMetadata().getUid()).isEqualTo("uid-n1");
    assertThat(held.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(held.getStatus() == null ? null : held.getStatus().getPods()).isNullOrEmpty();
    assertThat(full.getStatus().getPods()).hasSize(1); // the object handed in is untouched

    NodeEnergyReport old = s.put(key, report("n1", "8"));
    assertThat(old.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(s.keySet()).containsExactly("n1");
    assertThat(s.size()).isEqualTo(1);
    assertThat(s.remove(key).getMetadata().getResourceVersion()).isEqualTo("8");
    assertThat(s.size()).isZero();
  }
}
