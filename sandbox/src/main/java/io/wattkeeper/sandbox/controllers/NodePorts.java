package io.wattkeeper.sandbox.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattkeeper.sandbox.api.Api;
import io.wattkeeper.sandbox.api.Json;
import io.wattkeeper.sandbox.api.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * kube-proxy for NodePort Services: listens on 127.0.0.1:nodePort and relays each connection to a
 * ready endpoint of the Service's EndpointSlices (round robin), following them as they change. No
 * ready endpoint: the connection is closed at once (a real node rejects it).
 */
public final class NodePorts implements AutoCloseable {
  private final Api api;
  private final Consumer<String> log;
  private final ResourceType services;
  private final ResourceType slices;
  private final Map<Integer, Listener> listeners = new HashMap<>();

  public NodePorts(Api api, Consumer<String> log) {
    this.api = api;
    this.log = log;
    this.services = api.type("", "services");
    this.slices = api.type("discovery.k8s.io", "endpointslices");
  }

  private final class Listener {
    final ServerSocket socket;
    volatile String namespace;
    volatile String service;
    volatile String portName;
    final AtomicInteger next = new AtomicInteger();

    Listener(int port) throws IOException {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      Thread t = new Thread(this::accept, "nodeport-" + port);
      t.setDaemon(true);
      t.start();
    }

    void accept() {
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          relay(this, client);
        } catch (IOException e) {
          return;
        }
      }
    }
  }

  public synchronized void sync() {
    Map<Integer, String[]> wanted = new HashMap<>();
    for (ObjectNode svc : api.list(services, null, o -> true)) {
      if (!"NodePort".equals(Json.at(svc, "spec.type"))
          && !"LoadBalancer".equals(Json.at(svc, "spec.type"))) {
        continue;
      }
      for (JsonNode p : svc.path("spec").path("ports")) {
        if (p.has("nodePort")) {
          wanted.put(
              p.get("nodePort").asInt(),
              new String[] {
                Json.at(svc, "metadata.namespace"),
                Json.at(svc, "metadata.name"),
                p.path("name").asText("")
              });
        }
      }
    }
    for (Integer port : List.copyOf(listeners.keySet())) {
      if (!wanted.containsKey(port)) {
        close(listeners.remove(port));
      }
    }
    wanted.forEach(
        (port, target) -> {
          Listener l = listeners.get(port);
          if (l == null) {
            try {
              l = new Listener(port);
              listeners.put(port, l);
              log.accept(
                  "service proxy: 127.0.0.1:"
                      + port
                      + " -> service "
                      + target[0]
                      + "/"
                      + target[1]);
            } catch (IOException e) {
              log.accept(
                  "service proxy: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
              return;
            }
          }
          l.namespace = target[0];
          l.service = target[1];
          l.portName = target[2];
        });
  }

  private void relay(Listener l, Socket client) {
    List<InetSocketAddress> ready = new ArrayList<>();
    for (ObjectNode s :
        api.list(
            slices,
            l.namespace,
            o ->
                l.service.equals(
                    o.path("metadata")
                        .path("labels")
                        .path(EndpointSlices.SERVICE_LABEL)
                        .asText()))) {
      int port = 0;
      for (JsonNode p : s.path("ports")) {
        if (l.portName.equals(p.path("name").asText(""))) {
          port = p.path("port").asInt();
        }
      }
      for (JsonNode ep : s.path("endpoints")) {
        if (ep.path("conditions").path("ready").asBoolean() && port > 0) {
          ready.add(new InetSocketAddress(ep.path("addresses").get(0).asText(), port));
        }
      }
    }
    if (ready.isEmpty()) {
      try {
        client.close();
      } catch (IOException e) {
        // closing anyway
      }
      return;
    }
    InetSocketAddress target = ready.get(Math.floorMod(l.next.getAndIncrement(), ready.size()));
    Thread t =
        new Thread(
            () -> {
              try (client;
                  Socket upstream = new Socket()) {
                upstream.connect(target, 2000);
                Thread back = pipe(upstream.getInputStream(), client.getOutputStream(), client);
                pipe(client.getInputStream(), upstream.getOutputStream(), upstream).join();
                back.join(5000);
              } catch (IOException | InterruptedException e) {
                // one connection lost
              }
            },
            "nodeport-conn");
    t.setDaemon(true);
    t.start();
  }

  private static Thread pipe(InputStream in, OutputStream out, Socket closeOnEnd) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
                closeOnEnd.shutdownOutput();
              } catch (IOException e) {
                // connection ended
              }
            },
            "nodeport-pipe");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void close(Listener l) {
    try {
      l.socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public synchronized void close() {
    listeners.values().forEach(NodePorts::close);
    listeners.clear();
  }
}
