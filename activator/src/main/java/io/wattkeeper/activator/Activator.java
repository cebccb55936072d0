package io.wattkeeper.activator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wattkeeper.api.activation.ActivationNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The activator: listens on the ports the operator reserved for sleeping workloads' Services, holds
 * each connection, asks for the wake on the first one, and proxies the bytes to the first Ready
 * endpoint. Bounded per workload by {@code maxPendingConnections} and the wake timeout.
 */
public final class Activator implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Activator.class.getName());
  static final String PENDING_LIMIT = "pending_limit";
  static final String TIMEOUT = "timeout";
  static final String BUDGET = "budget_exceeded";
  static final String GONE = "workload_gone";
  private static final long SWEEP_MILLIS = 50;

  private final KubernetesClient client;
  private final ActivatorConfig config;
  private final Clock clock;
  private final ActivatorMetrics metrics = new ActivatorMetrics();
  private final ActivatorEvents events;
  private final WakeRequester requester;
  private final ReadyEndpoints endpoints;
  private final RouteTable routeTable;
  private final Map<String, Gate> gates = new ConcurrentHashMap<>();
  private final Map<Integer, ServerSocket> listeners = new ConcurrentHashMap<>();
  private volatile Map<Integer, Route> routes = Map.of();
  private final ExecutorService threads;
  private final ScheduledExecutorService sweeper;
  private MetricsServer metricsServer;
  private volatile boolean started;

  public Activator(KubernetesClient client, ActivatorConfig config, Clock clock) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.events = new ActivatorEvents(client, clock);
    this.requester = new WakeRequester(client, config.replica());
    // Pipes block on reads: one thread per direction, with small stacks (they only copy).
    this.threads = Executors.newCachedThreadPool(daemon("activator-io", 256 * 1024));
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("activator-sweep", 0));
    this.endpoints = new ReadyEndpoints(client, this::onServiceChanged);
    this.routeTable = new RouteTable(client, this::onRoutes);
  }

  public Activator start() throws IOException {
    endpoints.start();
    routeTable.start();
    sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    if (config.metricsPort() >= 0) {
      metricsServer = new MetricsServer(config.bindAddress(), config.metricsPort(), this);
    }
    started = true;
    return this;
  }

  public boolean ready() {
    return started;
  }

  public ActivatorMetrics metrics() {
    return metrics;
  }

  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /** Ports listening now. */
  public java.util.Set<Integer> ports() {
    return java.util.Set.copyOf(listeners.keySet());
  }

  // ---- routes and listeners ----

  private synchronized void onRoutes(Map<Integer, Route> next) {
    routes = Map.copyOf(next);
    for (Iterator<Map.Entry<Integer, ServerSocket>> it = listeners.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Integer, ServerSocket> e = it.next();
      if (!next.containsKey(e.getKey())) {
        // Stop accepting; connections already held or proxied stay as they are.
        close(e.getValue());
        it.remove();
        LOG.info("port " + e.getKey() + " released");
      }
    }
    next.forEach(
        (port, route) -> {
          if (!listeners.containsKey(port)) {
            try {
              ServerSocket ss = new ServerSocket();
              ss.setReuseAddress(true);
              ss.bind(
                  new InetSocketAddress(InetAddress.getByName(config.bindAddress()), port), 1024);
              listeners.put(port, ss);
              Thread t = new Thread(() -> accept(port, ss), "activator-accept-" + port);
              t.setDaemon(true);
              t.start();
              LOG.info("port " + port + " listening for " + route);
            } catch (IOException e) {
              LOG.severe("cannot listen on port " + port + " for " + route + ": " + e.getMessage());
            }
          }
        });
  }

  private void accept(int port, ServerSocket ss) {
    while (!ss.isClosed()) {
      Socket s;
      try {
        s = ss.accept();
      } catch (IOException e) {
        if (!ss.isClosed()) {
          LOG.warning("accept on port " + port + " failed: " + e.getMessage());
        }
        continue;
      }
      Route r = routes.get(port);
      if (r == null) {
        Pipe.closeQuietly(s);
        continue;
      }
      try {
        admit(r, s);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "connection on port " + port + " dropped", e);
        Pipe.closeQuietly(s);
      }
    }
  }

  // ---- the cold-start path ----

  private Gate gate(WorkloadRef w) {
    return gates.computeIfAbsent(w.key(), k -> new Gate(w));
  }

  void admit(Route r, Socket s) {
    Gate g = gate(r.workload());
    long now = System.nanoTime();
    InetSocketAddress target;
    synchronized (g) {
      if (g.refusal != null && now - g.refusalUntil < 0) {
        reject(g, s, BUDGET, g.refusal);
        return;
      }
      target = endpoints.pick(r);
      if (target == null) {
        if (g.held.size() >= config.maxPendingConnections()) {
          String why =
              "more than maxPendingConnections="
                  + config.maxPendingConnections()
                  + " connections waiting for "
                  + r.workload()
                  + " to wake";
          reject(g, s, PENDING_LIMIT, why);
          if (!g.overflowReported) {
            g.overflowReported = true;
            event(
                g,
                "Warning",
                "ColdStartOverflow",
                why + "; further connections get 503 (HTTP) or are closed");
          }
          return;
        }
        g.held.add(new Gate.Held(s, r, now));
        metrics.held(g.workload, 1);
        if (g.episodeStart < 0) {
          g.episodeStart = now;
        }
        if (!g.wakeAsked) {
          g.wakeAsked = true;
          threads.execute(() -> wake(g));
        }
        return;
      }
    }
    connect(g, new Gate.Held(s, r, now), target);
  }

  private void wake(Gate g) {
    WakeRequester.Outcome o;
    try {
      o = requester.request(g.workload);
    } catch (KubernetesClientException e) {
      LOG.warning("wake request for " + g.workload + " failed (retrying): " + e.getMessage());
      synchronized (g) {
        g.wakeAsked = false;
        g.nextWakeTry = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      }
      return;
    }
    List<Gate.Held> refused = new ArrayList<>();
    int waiting;
    String badTimeout = null;
    synchronized (g) {
      if (o.workload() != null) {
        g.seen = o.workload();
        badTimeout = readTimeout(g, o.workload());
      }
      waiting = g.held.size();
      if (o instanceof WakeRequester.Refused f) {
        g.refusal = f.message();
        g.refusalUntil = System.nanoTime() + config.refusalRecheck().toNanos();
        refused.addAll(g.held);
      } else if (o instanceof WakeRequester.Gone) {
        refused.addAll(g.held);
      }
      if (!refused.isEmpty()) {
        g.held.clear();
        metrics.held(g.workload, -refused.size());
        g.endEpisodeIfIdle();
      }
    }
    if (badTimeout != null) {
      event(g, "Warning", "WakeTimeoutInvalid", badTimeout);
    }
    if (o instanceof WakeRequester.Requested) {
      metrics.wake(g.workload);
      LOG.info("asked to wake " + g.workload + " (" + waiting + " connection(s) waiting)");
      event(
          g,
          "Normal",
          "Waking",
          waiting
              + " client connection(s) waiting; wake requested by "
              + ActivationNames.WAKE_BY_ACTIVATOR
              + config.replica()
              + "; holding them up to "
              + human(timeout(g)));
    } else if (o instanceof WakeRequester.Refused f) {
      for (Gate.Held h : refused) {
        reject(g, h.socket(), BUDGET, f.message());
      }
      event(
          g,
          "Warning",
          "WakeRefused",
          f.message() + " (" + refused.size() + " connection(s) turned away)");
    } else if (o instanceof WakeRequester.Gone) {
      String why = "workload " + g.workload + " does not exist";
      for (Gate.Held h : refused) {
        reject(g, h.socket(), GONE, why);
      }
      LOG.warning(why + "; " + refused.size() + " connection(s) turned away");
    } else {
      LOG.fine("wake of " + g.workload + ": " + o.getClass().getSimpleName());
    }
  }

  /**
   * @return an Event message when the annotation is unusable
   */
  private String readTimeout(Gate g, HasMetadata w) {
    Map<String, String> ann = WakeRequester.annotations(w);
    String v = ann.get(ActivationNames.ANNOTATION_WAKE_TIMEOUT);
    if (v == null) {
      g.timeout = null;
      g.timeoutAnnotation = null;
      return null;
    }
    if (v.equals(g.timeoutAnnotation)) {
      return null;
    }
    g.timeoutAnnotation = v;
    try {
      g.timeout = Durations.parse(v);
      return null;
    } catch (IllegalArgumentException e) {
      g.timeout = null;
      return ActivationNames.ANNOTATION_WAKE_TIMEOUT
          + ": "
          + e.getMessage()
          + "; using the default "
          + human(config.wakeTimeout());
    }
  }

  private Duration timeout(Gate g) {
    return g.timeout != null ? g.timeout : config.wakeTimeout();
  }

  /** When the last Service endpoint change arrived (benchmarks split API and activator time). */
  volatile long lastEndpointChangeNanos;

  private void onServiceChanged(String serviceKey) {
    lastEndpointChangeNanos = System.nanoTime();
    for (Gate g : gates.values()) {
      release(g, h -> h.route().serviceKey().equals(serviceKey));
    }
  }

  /** Hands held connections whose Service has a Ready endpoint to the proxy. */
  private void release(Gate g, java.util.function.Predicate<Gate.Held> which) {
    List<Map.Entry<Gate.Held, InetSocketAddress>> go = new ArrayList<>();
    double coldStart = -1;
    int released;
    synchronized (g) {
      if (g.held.isEmpty()) {
        return;
      }
      for (Iterator<Gate.Held> it = g.held.iterator(); it.hasNext(); ) {
        Gate.Held h = it.next();
        if (!which.test(h)) {
          continue;
        }
        InetSocketAddress t = endpoints.pick(h.route());
        if (t != null) {
          it.remove();
          go.add(Map.entry(h, t));
        }
      }
      released = go.size();
      if (released > 0) {
        metrics.held(g.workload, -released);
        if (!g.readyInEpisode && g.episodeStart >= 0) {
          g.readyInEpisode = true;
          coldStart = (System.nanoTime() - g.episodeStart) / 1e9;
          g.lastColdStartSeconds = coldStart;
          metrics.coldStart(g.workload, coldStart);
        }
        g.endEpisodeIfIdle();
      }
    }
    if (coldStart >= 0) {
      LOG.info(
          String.format(java.util.Locale.ROOT, "%s ready after %.3f s", g.workload, coldStart));
      event(
          g,
          "Normal",
          "Woken",
          String.format(
              java.util.Locale.ROOT,
              "first endpoint Ready %.1f s after the first held connection (cold start); %d held connection(s) released",
              coldStart,
              released));
    }
    for (Map.Entry<Gate.Held, InetSocketAddress> e : go) {
      connect(g, e.getKey(), e.getValue());
    }
  }

  private void connect(Gate g, Gate.Held h, InetSocketAddress target) {
    threads.execute(
        () -> {
          Socket b = new Socket();
          try {
            b.setTcpNoDelay(true);
            b.connect(
                new InetSocketAddress(target.getHostString(), target.getPort()),
                (int) config.connectTimeout().toMillis());
            h.socket().setTcpNoDelay(true);
            metrics.proxied(g.workload);
            Pipe.start(h.socket(), b, threads, () -> {});
          } catch (IOException e) {
            Pipe.closeQuietly(b);
            LOG.fine("endpoint " + target + " of " + h.route() + " refused: " + e.getMessage());
            // Ready in the slice but not answering yet (or gone): hold again and retry shortly.
            synchronized (g) {
              g.held.addFirst(h);
              metrics.held(g.workload, 1);
              if (g.episodeStart < 0) {
                g.episodeStart = h.acceptedNanos();
              }
              g.retryDrainAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            }
          }
        });
  }

  private void sweep() {
    try {
      long now = System.nanoTime();
      for (Gate g : gates.values()) {
        List<Gate.Held> expired = new ArrayList<>();
        boolean retry = false;
        boolean askAgain = false;
        Duration t;
        synchronized (g) {
          if (g.refusal != null && now - g.refusalUntil >= 0) {
            g.refusal = null;
          }
          if (g.held.isEmpty()) {
            continue;
          }
          t = timeout(g);
          for (Iterator<Gate.Held> it = g.held.iterator(); it.hasNext(); ) {
            Gate.Held h = it.next();
            if (now - h.acceptedNanos() >= t.toNanos()) {
              it.remove();
              expired.add(h);
            }
          }
          if (!expired.isEmpty()) {
            metrics.held(g.workload, -expired.size());
          }
          boolean report = !expired.isEmpty() && !g.timeoutReported;
          if (report) {
            g.timeoutReported = true;
          }
          g.endEpisodeIfIdle();
          if (report) {
            String why =
                "no Ready endpoint within the wake timeout "
                    + human(t)
                    + " ("
                    + ActivationNames.ANNOTATION_WAKE_TIMEOUT
                    + ")";
            threads.execute(
                () ->
                    event(
                        g,
                        "Warning",
                        "ColdStartTimeout",
                        why + "; held connections get 503 (HTTP) or are closed"));
          }
          if (now - g.retryDrainAt >= 0) {
            g.retryDrainAt = Long.MAX_VALUE;
            retry = true;
          }
          if (!g.held.isEmpty() && !g.wakeAsked && now - g.nextWakeTry >= 0) {
            g.wakeAsked = true;
            askAgain = true;
          }
        }
        for (Gate.Held h : expired) {
          reject(
              g, h.socket(), TIMEOUT, "no Ready endpoint of " + g.workload + " within " + human(t));
        }
        if (retry) {
          release(g, h -> true);
        }
        if (askAgain) {
          threads.execute(() -> wake(g));
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "sweep failed", e);
    }
  }

  private void reject(Gate g, Socket s, String reason, String body) {
    metrics.rejected(g.workload, reason);
    long retryAfter =
        g.lastColdStartSeconds > 0
            ? Math.max(1, (long) Math.ceil(g.lastColdStartSeconds))
            : Math.max(1, config.retryAfter().toSeconds());
    threads.execute(() -> Rejection.reject(s, retryAfter, body));
  }

  private void event(Gate g, String type, String reason, String message) {
    HasMetadata seen;
    synchronized (g) {
      seen = g.seen;
    }
    events.record(g.workload, seen, type, reason, message);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (d.toMillis() % 1000 != 0 || s == 0) {
      return d.toMillis() + "ms";
    }
    return s % 60 == 0 ? (s / 60) + "m" : s + "s";
  }

  @Override
  public void close() {
    started = false;
    routeTable.close();
    endpoints.close();
    listeners.values().forEach(Activator::close);
    listeners.clear();
    sweeper.shutdownNow();
    if (metricsServer != null) {
      metricsServer.close();
    }
    for (Gate g : gates.values()) {
      synchronized (g) {
        g.held.forEach(h -> Pipe.closeQuietly(h.socket()));
        g.held.clear();
      }
    }
    threads.shutdownNow();
  }

  private static void close(ServerSocket ss) {
    try {
      ss.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  static ThreadFactory daemon(String prefix, long stack) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(null, r, prefix + "-" + n.incrementAndGet(), stack);
      t.setDaemon(true);
      return t;
    };
  }
}
