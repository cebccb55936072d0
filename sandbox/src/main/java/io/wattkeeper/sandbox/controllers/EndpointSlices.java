package io.wattkeeper.sandbox.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Api;
import io.wattkeeper.sandbox.api.ApiError;
import io.wattkeeper.sandbox.api.Json;
import io.wattkeeper.sandbox.api.LabelSelector;
import io.wattkeeper.sandbox.api.ResourceType;
import java.util.HashSet;
import java.util.Set;

/**
 * The EndpointSlice controller: one slice per Service with a selector, listing the selected pods
 * that have an IP, with their readiness, and the Service's ports resolved to container ports.
 */
public final class EndpointSlices {
  static final String SERVICE_LABEL = "kubernetes.io/service-name";
  private final Api api;
  private final ResourceType services;
  private final ResourceType slices;
  private final ResourceType pods;

  public EndpointSlices(Api api) {
    this.api = api;
    this.services = api.type("", "services");
    this.slices = api.type("discovery.k8s.io", "endpointslices");
    this.pods = api.type("", "pods");
  }

  public synchronized void sync() {
    Set<String> wanted = new HashSet<>();
    for (ObjectNode svc : api.list(services, null, o -> true)) {
      if (!svc.path("spec").has("selector")) {
        continue;
      }
      String ns = Json.at(svc, "metadata.namespace");
      String name = Json.at(svc, "metadata.name");
      String sliceName = name + "-sandbox";
      wanted.add(ns + "/" + sliceName);
      ObjectNode slice = Json.object();
      slice.put("apiVersion", "discovery.k8s.io/v1");
      slice.put("kind", "EndpointSlice");
      ObjectNode meta = slice.putObject("metadata");
      meta.put("name", sliceName);
      meta.put("namespace", ns);
      ObjectNode labels = meta.putObject("labels");
      labels.put(SERVICE_LABEL, name);
      labels.put("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
      Workloads.ownerRef(meta, svc, "v1", "Service");
      slice.put("addressType", "IPv4");
      ArrayNode endpoints = slice.putArray("endpoints");
      ArrayNode ports = slice.putArray("ports");
      LabelSelector selector = LabelSelector.fromMap(svc.path("spec").path("selector"));
      JsonNode firstPod = null;
      for (ObjectNode pod : api.list(pods, ns, selector)) {
        String ip = Json.at(pod, "status.podIP");
        if (ip == null || pod.path("metadata").has("deletionTimestamp")) {
          continue;
        }
        String phase = Json.at(pod, "status.phase");
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
          continue;
        }
        firstPod = firstPod == null ? pod : firstPod;
        ObjectNode ep = endpoints.addObject();
        ep.putArray("addresses").add(ip);
        boolean ready = ready(pod);
        ObjectNode cond = ep.putObject("conditions");
        cond.put("ready", ready);
        cond.put("serving", ready);
        cond.put("terminating", false);
        ep.put("nodeName", Json.at(pod, "spec.nodeName"));
        ObjectNode ref = ep.putObject("targetRef");
        ref.put("kind", "Pod");
        ref.put("namespace", ns);
        ref.put("name", Json.at(pod, "metadata.name"));
        ref.put("uid", Json.at(pod, "metadata.uid"));
      }
      for (JsonNode p : svc.path("spec").path("ports")) {
        ObjectNode port = ports.addObject();
        port.put("name", p.path("name").asText(""));
        port.put("protocol", p.path("protocol").asText("TCP"));
        port.put("port", targetPort(p.path("targetPort"), firstPod));
      }
      ObjectNode current = null;
      try {
        current = api.get(slices, ns, sliceName);
      } catch (ApiError e) {
        // absent: created below
      }
      try {
        if (current == null) {
          api.create(slices, ns, slice);
        } else if (!current.path("endpoints").equals(slice.path("endpoints"))
            || !current.path("ports").equals(slice.path("ports"))) {
          slice.set("metadata", current.get("metadata"));
          api.update(slices, ns, sliceName, slice, null);
        }
      } catch (ApiError e) {
        // conflicts and races: the next sync
      }
    }
    for (ObjectNode s :
        api.list(slices, null, o -> o.path("metadata").path("labels").has(SERVICE_LABEL))) {
      String key = Json.at(s, "metadata.namespace") + "/" + Json.at(s, "metadata.name");
      if (!wanted.contains(key)
          && "endpointslice-controller.k8s.io"
              .equals(
                  s.path("metadata")
                      .path("labels")
                      .path("endpointslice.kubernetes.io/managed-by")
                      .asText())) {
        try {
          api.delete(
              slices, Json.at(s, "metadata.namespace"), Json.at(s, "metadata.name"), "Background");
        } catch (ApiError e) {
          // gone
        }
      }
    }
  }

  /** A numeric target port, or a named one resolved against a pod's container ports. */
  static int targetPort(JsonNode target, JsonNode pod) {
    if (target.isInt()) {
      return target.asInt();
    }
    String name = target.asText();
    if (name.matches("[0-9]+")) {
      return Integer.parseInt(name);
    }
    if (pod != null) {
      for (JsonNode c : pod.path("spec").path("containers")) {
        for (JsonNode p : c.path("ports")) {
          if (name.equals(p.path("name").asText())) {
            return p.path("containerPort").asInt();
          }
        }
      }
    }
    return 0;
  }

  static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }
}
