package io.wattkeeper.agent.report;

/** What the agent knows about a pod from the API server. */
public record PodMeta(String uid, String namespace, String name, double cpuRequestCores) {}
