package io.wattkeeper.operator.ledger;

/**
 * One pod's cumulative counters in one report (joules since the pod started on the node, within the
 * agent's counter epoch), and the functional units its inference server counted (null: the pod did
 * not opt in, or they are unknown in this report).
 */
public record PodCounters(
    String uid,
    String namespace,
    String name,
    double cpuJoules,
    double memoryJoules,
    double gpuJoules,
    double watts,
    boolean estimated,
    boolean ended,
    Units units) {

  public PodCounters(
      String uid,
      String namespace,
      String name,
      double cpuJoules,
      double memoryJoules,
      double gpuJoules,
      double watts,
      boolean estimated,
      boolean ended) {
    this(uid, namespace, name, cpuJoules, memoryJoules, gpuJoules, watts, estimated, ended, null);
  }

  /** Cumulative requests and tokens as the agent reports them; each null when unknown. */
  public record Units(
      Double requests, Double promptTokens, Double generatedTokens, String profile) {
    /** Counts above this are not believed (a 64-bit float counts integers exactly up to 2^53). */
    public static final double MAX_COUNT = 9.0e15;

    /**
     * The units of a report entry with every impossible count (negative, not finite, absurdly
     * large) dropped to unknown; {@code problems} gets what was dropped. Null when nothing is
     * known.
     */
    public static Units checked(
        io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy p,
        java.util.List<String> problems) {
      Double r = count("requests", p.getRequests(), problems);
      Double pt = count("promptTokens", p.getPromptTokens(), problems);
      Double gt = count("generatedTokens", p.getGeneratedTokens(), problems);
      if (r == null && pt == null && gt == null) {
        return null;
      }
      String profile = p.getUnitsProfile();
      if (profile != null && (profile.length() > 16 || !profile.matches("[a-z]+"))) {
        profile = null;
      }
      return new Units(r, pt, gt, profile);
    }

    private static Double count(String name, Double v, java.util.List<String> problems) {
      if (v == null) {
        return null;
      }
      if (!Double.isFinite(v) || v < 0 || v > MAX_COUNT) {
        problems.add("has " + name + " " + v);
        return null;
      }
      return v;
    }
  }
}
