package io.wattkeeper.agent.report;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wattkeeper.agent.attribution.Attributor;
import io.wattkeeper.agent.cgroup.CgroupLayout;
import io.wattkeeper.agent.cgroup.PodCgroupScanner;
import io.wattkeeper.agent.config.AgentConfig;
import io.wattkeeper.agent.functionalunit.MetricsFetcher;
import io.wattkeeper.agent.functionalunit.ScrapeTarget;
import io.wattkeeper.agent.functionalunit.UnitReader;
import io.wattkeeper.agent.functionalunit.UnitReading;
import io.wattkeeper.agent.functionalunit.UnitScraper;
import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.host.HostPaths;
import io.wattkeeper.agent.kube.KubeApi;
import io.wattkeeper.agent.kube.KubeEndpoint;
import io.wattkeeper.agent.measure.CpuInfo;
import io.wattkeeper.agent.measure.CpuTdpTable;
import io.wattkeeper.agent.measure.ModelOverrides;
import io.wattkeeper.agent.measure.NodePowerMeter;
import io.wattkeeper.agent.measure.PowerModel;
import io.wattkeeper.agent.measure.PowerModelResolver;
import io.wattkeeper.agent.measure.RaplDiscovery;
import io.wattkeeper.agent.podresources.GpuAllocations;
import io.wattkeeper.agent.proc.MarkedPods;
import io.wattkeeper.agent.proc.ProcessTable;
import io.wattkeeper.agent.state.StateStore;
import io.wattkeeper.agent.time.DaemonThreads;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * The agent: samples every sampleInterval, writes the NodeEnergyReport every reportInterval, saves
 * the counters after each report, and applies the GPU caps the report's spec asks for.
 */
@ApplicationScoped
public class AgentRuntime {
  private static final Logger LOG = Logger.getLogger(AgentRuntime.class);
  static final String VERSION = "0.1.0";

  @Inject AgentConfig config;
  @Inject Clock clock;
  @Inject GpuMeter gpuMeter;
  @Inject GpuAllocations allocations;
  @Inject Event<SampleCompleted> sampled;

  private final Warnings warnings = new Warnings();
  private NodeSampler sampler;
  private StateStore store;
  private ReportWriter writer;
  private KubernetesPodDirectory directory;
  private KubeApi api;
  private ScheduledExecutorService timers;
  private GpuCapApplier caps;
  private UnitScraper unitScraper;
  private StatusBuilder.AgentFacts facts;
  private ReportBudget budget;
  private volatile Instant lastSampleAt;
  private volatile Instant lastReportAt;
  private volatile String lastError;

  void start(@Observes StartupEvent event) {
    HostPaths host = HostPaths.of(config.hostRoot());
    CpuInfo cpu;
    try {
      cpu = CpuInfo.read(host.proc());
    } catch (IOException e) {
      cpu = new CpuInfo("unknown", Runtime.getRuntime().availableProcessors(), 1, false, 0);
      warnings.standing("cannot read cpuinfo/meminfo (" + e.getMessage() + "): memory unmodelled");
    }
    var m = config.model();
    PowerModel model =
        new PowerModelResolver(CpuTdpTable.builtIn())
            .resolve(
                cpu,
                new ModelOverrides(
                    m.cpuIdleWatts(), m.cpuMaxWatts(), m.tdpWatts(), m.memoryWattsPerGb()));
    NodePowerMeter power =
        new NodePowerMeter(RaplDiscovery.discover(host.powercap()), model, cpu.memoryBytes());
    power.startupWarnings().forEach(warnings::standing);
    Optional<CgroupLayout> layout = CgroupLayout.detect(host.cgroupRoot());
    if (layout.isEmpty()) {
      warnings.standing("no kubepods cgroup under " + host.cgroupRoot() + ": no pods measured");
    }
    String node = config.nodeName().orElse(null);
    store = new StateStore(Path.of(config.stateDir()), node, clock);
    StateStore.Loaded loaded = store.load(node);
    if (loaded.warning() != null) {
      warnings.standing(loaded.warning());
    }
    PodDirectory pods = PodDirectory.EMPTY;
    Optional<KubeEndpoint> endpoint = Optional.empty();
    if (config.kubernetesEnabled()) {
      endpoint =
          KubeEndpoint.resolve(
              config.api().serverUrl(),
              Path.of(config.api().tokenFile()),
              Path.of(config.api().caFile()),
              System.getenv());
    }
    if (endpoint.isPresent() && node != null) {
      if ("https".equals(endpoint.get().server().getScheme())
          && !Files.isReadable(endpoint.get().caFile())) {
        warnings.standing(
            "no CA bundle at " + endpoint.get().caFile() + ": API server checked against JDK CAs");
      }
      api = new KubeApi(endpoint.get(), clock);
      directory = new KubernetesPodDirectory(api, node, config.podFieldSelector());
      writer = new ReportWriter(api, node);
      pods = directory;
    } else {
      LOG.warnf(
          "no NodeEnergyReport will be written (kubernetes-enabled=%s, API server %s, node name"
              + " %s)",
          config.kubernetesEnabled(),
          endpoint
              .map(e -> e.server().toString())
              .orElse("unknown: not in a cluster and wattkeeper.agent.api.server-url unset"),
          node == null ? "unset: set NODE_NAME" : node);
    }
    if (config.functionalUnits().enabled()) {
      var fu = config.functionalUnits();
      unitScraper =
          new UnitScraper(
              new UnitReader(new MetricsFetcher(fu.scrapeTimeout(), fu.maxBodyBytes())),
              fu.scrapeTimeout(),
              Math.max(1, fu.parallelism()));
    }
    caps = new GpuCapApplier(gpuMeter, warnings, loaded.ledger().recordedCaps());
    if (!caps.applied().isEmpty()) {
      LOG.infof("GPU caps left in force by the previous run: %s", caps.applied());
    }
    sampler =
        new NodeSampler(
            new ProcessTable(host.proc()),
            layout.map(PodCgroupScanner::new),
            power,
            cpu,
            gpuMeter,
            allocations,
            pods,
            new Attributor(config.idlePolicy()),
            loaded.ledger(),
            clock,
            warnings,
            config.reportInterval(),
            config.podProcessMarker().map(marker -> new MarkedPods(host.proc(), marker)));
    if (config.reportBytesPerSecond() > 0) {
      budget =
          new ReportBudget(
              config.reportBytesPerSecond(),
              config.reportMaxOmission(),
              config.reportInterval().multipliedBy(2));
      LOG.infof(
          "report byte budget %.0f B/s: pods may be left out of a report for up to %s",
          config.reportBytesPerSecond(), config.reportMaxOmission());
    }
    facts =
        new StatusBuilder.AgentFacts(
            VERSION,
            clock.instant(),
            (int) Math.max(1, config.reportInterval().toSeconds()),
            power.cpuSource(),
            power.memorySource(),
            gpuMeter.source(),
            model);
    LOG.infof(
        "node agent on %s: cpu %s, memory %s, gpu %s, %s; model %s (%s); epoch %s",
        node,
        power.cpuSource(),
        power.memorySource(),
        gpuMeter.source(),
        layout.map(CgroupLayout::describe).orElse("no kubepods cgroup")
            + config
                .podProcessMarker()
                .map(
                    marker ->
                        ", pods without a cgroup found by their processes' " + marker + " marker")
                .orElse(""),
        model.name(),
        model.source(),
        loaded.ledger().counterEpoch());
    sample();
    startTimers();
  }

  void stop(@Observes ShutdownEvent event) {
    if (timers != null) {
      // Let a sample or report in progress finish: interrupting it mid-read or mid-PUT helps
      // nobody.
      timers.shutdown();
      try {
        if (!timers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
          timers.shutdownNow();
        }
      } catch (InterruptedException e) {
        timers.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (directory != null) {
      directory.close();
    }
    if (unitScraper != null) {
      unitScraper.close();
    }
    if (api != null) {
      api.close();
    }
    if (sampler != null) {
      synchronized (sampler) {
        // Stopping (uninstall, upgrade, drain): give the GPUs back their default limit. A new
        // agent sets the caps still asked for again at its first report.
        caps.restoreAll();
        sampler.ledger().recordCaps(caps.applied());
        saveState();
      }
    }
  }

  /**
   * Runs sample and report on timers of their own. A scheduled task never overlaps itself, and
   * stops for good if it throws: the guard keeps anything (an Error from native code included) from
   * ending the agent's sampling silently.
   */
  private void startTimers() {
    timers = Executors.newScheduledThreadPool(2, DaemonThreads.named("agent-timer"));
    long sampleMs = config.sampleInterval().toMillis();
    long reportMs = config.reportInterval().toMillis();
    // Fixed delay, not fixed rate: after a stall, missed runs are skipped, not run back to back.
    timers.scheduleWithFixedDelay(
        guarded("sample", this::sample), sampleMs, sampleMs, MILLISECONDS);
    timers.scheduleWithFixedDelay(
        guarded("report", this::report), reportMs, reportMs, MILLISECONDS);
  }

  private Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        lastError = what + " failed: " + t;
        LOG.error(lastError, t);
      }
    };
  }

  void sample() {
    if (sampler == null) {
      return; // not started yet
    }
    long t0 = System.nanoTime();
    try {
      sampler.sample();
      lastSampleAt = clock.instant();
      lastError = null;
      sampled.fire(new SampleCompleted(sampler.last(), sampler.ledger(), System.nanoTime() - t0));
    } catch (IOException | RuntimeException e) {
      lastError = "sample failed: " + e.getMessage();
      warnings.add(lastError);
      LOG.warn(lastError, e);
    }
  }

  /**
   * Writes the report. The sampler's lock is held only to read and update the ledger, never across
   * a network call: a slow or absent API server must not stop the sampling (and with it readiness
   * and the metrics).
   */
  void report() {
    if (sampler == null) {
      return;
    }
    try {
      if (writer == null) {
        synchronized (sampler) {
          sampler.ledger().reported();
          lastReportAt = clock.instant();
        }
      } else {
        ReportWriter.Report current = writer.getOrCreate();
        if (current.specProblem() != null) {
          warnings.add(current.specProblem());
        }
        if (directory != null && directory.lastError() != null) {
          warnings.add(directory.lastError() + " (pod names may be stale)");
        }
        Map<String, StatusBuilder.UnitsRead> unitsRead = scrapeUnits();
        NodeEnergyReportStatus status;
        synchronized (sampler) {
          // The GPUs as the sampler last saw them: sampling here would move NVML's per-process
          // window and take utilisation samples from the sampler's next interval.
          LastInterval seen = sampler.last();
          if (seen != null) {
            caps.apply(
                ReportWriter.desiredCaps(current),
                seen.gpus().stream().map(GpuReading::sample).toList());
            sampler.ledger().recordCaps(caps.applied());
          }
          status =
              StatusBuilder.build(
                  facts,
                  sampler.ledger(),
                  sampler.last(),
                  caps.applied(),
                  warnings.current(false),
                  clock.instant(),
                  unitsRead);
        }
        ReportBudget.Selection selection = null;
        if (budget != null) {
          selection = budget.select(status, clock.instant()).orElse(null);
        }
        // Within the byte budget nothing may be due: the counters carry on to the next write.
        if (budget == null || selection != null) {
          writer.writeStatus(current, () -> status);
          if (selection != null) {
            budget.written(selection, clock.instant());
          }
          warnings.current(true);
          Set<String> ended = new HashSet<>();
          for (var p :
              status.getPods() == null
                  ? List.<NodeEnergyReportStatus.PodEnergy>of()
                  : status.getPods()) {
            if (Boolean.TRUE.equals(p.getEnded())) {
              ended.add(p.getUid());
            }
          }
          synchronized (sampler) {
            sampler.ledger().reported(ended);
            lastReportAt = clock.instant();
          }
        }
      }
    } catch (RuntimeException e) {
      warnings.add("report failed: " + e.getMessage());
      LOG.warn("report failed", e);
    }
    synchronized (sampler) {
      saveState();
    }
  }

  /**
   * Scrapes the opted-in pods' inference servers, then takes a sample at once, so the report's
   * joules and counts end at the same moment (within the scrape's duration): the operator's deltas
   * of both then cover the same window. Returns which counters were read per pod.
   */
  Map<String, StatusBuilder.UnitsRead> scrapeUnits() {
    if (unitScraper == null || directory == null) {
      return Map.of();
    }
    Map<String, UnitScraper.Endpoint> endpoints = new HashMap<>();
    Map<String, PodMeta> pods = directory.byUid();
    pods.forEach(
        (uid, m) -> {
          ScrapeTarget t = ScrapeTarget.of(m.unitAnnotations());
          if (t != null) {
            endpoints.put(uid, new UnitScraper.Endpoint(m.podIp(), t));
          }
        });
    if (endpoints.isEmpty()) {
      return Map.of();
    }
    Map<String, UnitReading> readings = unitScraper.scrape(endpoints);
    sample();
    Map<String, StatusBuilder.UnitsRead> read = new HashMap<>();
    synchronized (sampler) {
      readings.forEach(
          (uid, r) -> {
            PodMeta m = pods.get(uid);
            if (r.problem() != null) {
              warnings.add(
                  "functional units of pod " + m.namespace() + "/" + m.name() + ": " + r.problem());
            }
            try {
              sampler.ledger().recordUnits(uid, r);
            } catch (IllegalArgumentException e) {
              warnings.add("functional units of pod " + m.name() + ": " + e.getMessage());
              return;
            }
            ScrapeTarget t = endpoints.get(uid).target();
            read.put(
                uid,
                new StatusBuilder.UnitsRead(
                    t.profile() == null ? "invalid" : t.profile().name(),
                    r.requests() != null,
                    r.promptTokens() != null,
                    r.generatedTokens() != null));
          });
    }
    return read;
  }

  private void saveState() {
    try {
      store.save(sampler.ledger());
    } catch (IOException e) {
      warnings.add("cannot save counters to " + store.file() + ": " + e.getMessage());
      LOG.warn("cannot save state", e);
    }
  }

  public Instant lastSampleAt() {
    return lastSampleAt;
  }

  public Instant lastReportAt() {
    return lastReportAt;
  }

  public String lastError() {
    return lastError;
  }

  public AgentConfig config() {
    return config;
  }

  public NodeSampler sampler() {
    return sampler;
  }
}
