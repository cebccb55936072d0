package io.wattkeeper.agent.host;

import java.nio.file.Path;

/**
 * Where the host's /sys and /proc are. In the DaemonSet they are mounted under /host; on a plain
 * machine the root is /.
 */
public record HostPaths(Path root) {

  public static HostPaths of(String root) {
    return new HostPaths(Path.of(root == null || root.isBlank() ? "/" : root));
  }

  public Path proc() {
    return root.resolve("proc");
  }

  public Path sys() {
    return root.resolve("sys");
  }

  public Path powercap() {
    return sys().resolve("class/powercap");
  }

  public Path cgroupRoot() {
    return sys().resolve("fs/cgroup");
  }
}
