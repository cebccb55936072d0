package io.wattkeeper.agent.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists the pod cgroups kubelet created, in every QoS class:
 *
 * <pre>
 * systemd:  kubepods.slice/kubepods-pod&lt;uid_&gt;.slice                       (guaranteed)
 *           kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod&lt;uid_&gt;.slice
 * cgroupfs: kubepods/pod&lt;uid&gt;                                          (guaranteed)
 *           kubepods/besteffort/pod&lt;uid&gt;
 * </pre>
 */
public final class PodCgroupScanner {
  private final CgroupLayout layout;

  public PodCgroupScanner(CgroupLayout layout) {
    this.layout = layout;
  }

  public CgroupLayout layout() {
    return layout;
  }

  public List<PodCgroup> scan() {
    List<PodCgroup> pods = new ArrayList<>();
    String root = layout.kubepods();
    if (layout.systemd()) {
      collect(root, "kubepods-pod", QosClass.GUARANTEED, pods);
      collect(
          root + "/kubepods-burstable.slice", "kubepods-burstable-pod", QosClass.BURSTABLE, pods);
      collect(
          root + "/kubepods-besteffort.slice",
          "kubepods-besteffort-pod",
          QosClass.BESTEFFORT,
          pods);
    } else {
      collect(root, "pod", QosClass.GUARANTEED, pods);
      collect(root + "/burstable", "pod", QosClass.BURSTABLE, pods);
      collect(root + "/besteffort", "pod", QosClass.BESTEFFORT, pods);
    }
    return pods;
  }

  private void collect(String parent, String prefix, QosClass qos, List<PodCgroup> out) {
    Path dir = layout.cpuRoot().resolve(parent);
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        // Cgroup interface files never start with "pod" or "kubepods-": no stat needed.
        if (!name.startsWith(prefix)) {
          continue;
        }
        Optional<String> uid = PodUids.fromCgroupPath(name);
        uid.ifPresent(u -> out.add(new PodCgroup(u, qos, parent + "/" + name)));
      }
    } catch (NoSuchFileException e) {
      // no pods of this QoS class (kubelet creates the parents lazily on some versions)
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
