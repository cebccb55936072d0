package io.wattkeeper.agent.cgroup;

/** Kubernetes QoS classes; they decide where kubelet puts the pod cgroup. */
public enum QosClass {
  GUARANTEED,
  BURSTABLE,
  BESTEFFORT
}
