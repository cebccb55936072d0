package io.wattkeeper.operator.cache;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a pod the operator reads: identity, labels, its own {@code wattkeeper.io/*}
 * annotations, controller owner, node, phase, readiness, start and deletion. A whole Pod in an
 * informer cache costs several KiB (containers, env, volumes, managed fields); this costs a few
 * hundred bytes, with repeated strings (namespaces, nodes, label keys and values) shared.
 */
public record SlimPod(
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    Map<String, String> labels,
    Map<String, String> annotations,
    String ownerKind,
    String ownerName,
    String nodeName,
    String phase,
    boolean ready,
    long createdEpochSecond,
    long startedEpochSecond,
    long deletingEpochSecond) {

  static final String OWN_ANNOTATIONS = "wattkeeper.io/";
  static final long NONE = Long.MIN_VALUE;

  public static SlimPod of(Pod p) {
    ObjectMeta m = p.getMetadata();
    OwnerReference owner = null;
    if (m.getOwnerReferences() != null) {
      for (OwnerReference o : m.getOwnerReferences()) {
        if (Boolean.TRUE.equals(o.getController())) {
          owner = o;
        }
      }
    }
    PodStatus st = p.getStatus();
    boolean ready = false;
    if (st != null && st.getConditions() != null) {
      for (PodCondition c : st.getConditions()) {
        if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
          ready = true;
        }
      }
    }
    return new SlimPod(
        intern(m.getNamespace()),
        m.getName(),
        m.getUid(),
        m.getResourceVersion(),
        shared(m.getLabels(), null),
        shared(m.getAnnotations(), OWN_ANNOTATIONS),
        owner == null ? null : intern(owner.getKind()),
        owner == null ? null : owner.getName(),
        p.getSpec() == null ? null : intern(p.getSpec().getNodeName()),
        st == null ? null : intern(st.getPhase()),
        ready,
        epoch(m.getCreationTimestamp()),
        st == null ? NONE : epoch(st.getStartTime()),
        epoch(m.getDeletionTimestamp()));
  }

  /** A Pod with only these fields set, for code written against the Fabric8 model. */
  public Pod toPod() {
    ObjectMeta m = new ObjectMeta();
    m.setNamespace(namespace);
    m.setName(name);
    m.setUid(uid);
    m.setResourceVersion(resourceVersion);
    m.setLabels(new HashMap<>(labels));
    m.setAnnotations(new HashMap<>(annotations));
    if (ownerKind != null) {
      OwnerReference o = new OwnerReference();
      o.setKind(ownerKind);
      o.setName(ownerName);
      o.setController(true);
      m.setOwnerReferences(new ArrayList<>(List.of(o)));
    }
    m.setCreationTimestamp(time(createdEpochSecond));
    m.setDeletionTimestamp(time(deletingEpochSecond));
    PodSpec spec = new PodSpec();
    spec.setNodeName(nodeName);
    PodStatus st = new PodStatus();
    st.setPhase(phase);
    st.setStartTime(time(startedEpochSecond));
    PodCondition c = new PodCondition();
    c.setType("Ready");
    c.setStatus(ready ? "True" : "False");
    st.setConditions(new ArrayList<>(List.of(c)));
    Pod p = new Pod();
    p.setMetadata(m);
    p.setSpec(spec);
    p.setStatus(st);
    return p;
  }

  /** Not Succeeded or Failed, and not being deleted. */
  public boolean live() {
    return deletingEpochSecond == NONE && !finished();
  }

  public boolean finished() {
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public Instant startTime() {
    return startedEpochSecond == NONE ? null : Instant.ofEpochSecond(startedEpochSecond);
  }

  private static Map<String, String> shared(Map<String, String> in, String prefix) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    in.forEach(
        (k, v) -> {
          if (k != null && v != null && (prefix == null || k.startsWith(prefix))) {
            // Label values repeat across pods (app, team, tier); our annotation values do not.
            out.put(intern(k), prefix == null ? intern(v) : v);
          }
        });
    return Map.copyOf(out);
  }

  private static String intern(String s) {
    return s == null ? null : s.intern();
  }

  private static long epoch(String t) {
    if (t == null) {
      return NONE;
    }
    try {
      return Instant.parse(t).getEpochSecond();
    } catch (DateTimeParseException e) {
      return NONE;
    }
  }

  private static String time(long epochSecond) {
    return epochSecond == NONE ? null : Instant.ofEpochSecond(epochSecond).toString();
  }
}
