package io.wattkeeper.agent.cgroup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pod UIDs in cgroup names: the systemd driver escapes '-' as '_'
 * (kubepods-burstable-pod1234_abcd.slice), cgroupfs keeps the dashes
 * (kubepods/burstable/pod1234-abcd). A static pod's cgroup carries its 32-hex config hash instead
 * of a UUID (its mirror pod's kubernetes.io/config.mirror annotation).
 */
public final class PodUids {
  private static final Pattern POD =
      Pattern.compile(
          "pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}"
              + "|[0-9a-f]{32})(?![0-9a-f])");

  private PodUids() {}

  /** The pod UID (with dashes) in a cgroup path or name, if any; the deepest match wins. */
  public static Optional<String> fromCgroupPath(String path) {
    Matcher m = POD.matcher(path);
    String found = null;
    while (m.find()) {
      found = m.group(1);
    }
    return Optional.ofNullable(found).map(u -> u.replace('_', '-'));
  }

  /**
   * The pod UID from a /proc/&lt;pid&gt;/cgroup file (v1: one line per hierarchy, v2: "0::path").
   */
  public static Optional<String> fromProcCgroupFile(String text) {
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':', line.indexOf(':') + 1);
      if (colon < 0) {
        continue;
      }
      Optional<String> uid = fromCgroupPath(line.substring(colon + 1));
      if (uid.isPresent()) {
        return uid;
      }
    }
    return Optional.empty();
  }
}
