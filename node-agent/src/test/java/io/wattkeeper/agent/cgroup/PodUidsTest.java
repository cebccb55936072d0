package io.wattkeeper.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PodUidsTest {
  static final String UID = "1f2e3d4c-5b6a-4789-9abc-def012345678";

  @Test
  void systemdDriverEscapesDashes() {
    assertThat(
            PodUids.fromCgroupPath(
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                    + UID.replace('-', '_')
                    + ".slice/cri-containerd-"
                    + "ab".repeat(32)
                    + ".scope"))
        .contains(UID);
  }

  @Test
  void cgroupfsDriverKeepsDashes() {
    assertThat(PodUids.fromCgroupPath("/kubepods/besteffort/pod" + UID + "/" + "c".repeat(64)))
        .contains(UID);
    assertThat(PodUids.fromCgroupPath("/kubepods/pod" + UID)).contains(UID);
  }

  @Test
  void staticPodsAreNamedByTheirConfigHash() {
    // kubelet names a static pod's cgroup by its 32-hex config hash, not a UUID.
    String hash = "6f9c5b1e8d7a4c3b2a1f0e9d8c7b6a5f";
    assertThat(
            PodUids.fromCgroupPath(
                "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                    + hash
                    + ".slice/cri-containerd-"
                    + "ab".repeat(32)
                    + ".scope"))
        .contains(hash);
    assertThat(PodUids.fromCgroupPath("/kubepods/burstable/pod" + hash + "/" + "c".repeat(64)))
        .contains(hash);
    assertThat(PodUids.fromCgroupPath("/kubepods/pod" + hash + "ff")).isEmpty();
  }

  @Test
  void notAPod() {
    assertThat(PodUids.fromCgroupPath("/system.slice/kubelet.service")).isEmpty();
    assertThat(PodUids.fromCgroupPath("/kubepods/podnot-a-uid")).isEmpty();
    assertThat(PodUids.fromCgroupPath("/kubepods/pod" + UID + "ff")).isEmpty();
  }

  @Test
  void procCgroupFilesV1AndV2() {
    assertThat(
            PodUids.fromProcCgroupFile(
                "0::/kubepods.slice/kubepods-pod" + UID.replace('-', '_') + ".slice/x\n"))
        .contains(UID);
    assertThat(
            PodUids.fromProcCgroupFile(
                "12:memory:/kubepods/burstable/pod"
                    + UID
                    + "/abc\n4:cpu,cpuacct:/kubepods/burstable/pod"
                    + UID
                    + "/abc\n1:name=systemd:/\n"))
        .contains(UID);
    assertThat(PodUids.fromProcCgroupFile("0::/user.slice/user-0.slice/session-1.scope\n"))
        .isEmpty();
    assertThat(PodUids.fromProcCgroupFile("garbage")).isEmpty();
  }
}
