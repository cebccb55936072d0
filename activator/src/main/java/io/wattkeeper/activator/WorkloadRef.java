package io.wattkeeper.activator;

/** A Deployment or StatefulSet the activator wakes. */
public record WorkloadRef(String namespace, String kind, String name) {

  /**
   * @param value {@code Kind/name} as in {@code wattkeeper.io/activator-workload}
   * @throws IllegalArgumentException when the value names no Deployment or StatefulSet
   */
  public static WorkloadRef parse(String namespace, String value) {
    int slash = value == null ? -1 : value.indexOf('/');
    if (slash <= 0 || slash == value.length() - 1) {
      throw new IllegalArgumentException("expected Kind/name, got " + value);
    }
    String kind = value.substring(0, slash);
    if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
      throw new IllegalArgumentException("not a Deployment or StatefulSet: " + value);
    }
    return new WorkloadRef(namespace, kind, value.substring(slash + 1));
  }

  public String key() {
    return namespace + "/" + kind + "/" + name;
  }

  @Override
  public String toString() {
    return key();
  }
}
