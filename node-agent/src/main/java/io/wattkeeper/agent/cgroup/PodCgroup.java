package io.wattkeeper.agent.cgroup;

/**
 * A pod's cgroup directory, relative to the hierarchy root (the same relative path in every v1
 * controller).
 */
public record PodCgroup(String uid, QosClass qos, String relativePath) {}
