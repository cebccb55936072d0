package io.wattkeeper.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wattkeeper.agent.attribution.IdlePolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The agent's configuration. The chart's env vars (WATTKEEPER_SAMPLE_INTERVAL, ...) are mapped to
 * these names in application.properties.
 */
@ConfigMapping(prefix = "wattkeeper.agent")
public interface AgentConfig {

  /** How often to sample counters (RAPL wraps in minutes: keep it under 60s). */
  @WithDefault("5s")
  Duration sampleInterval();

  /** How often to write the NodeEnergyReport status. */
  @WithDefault("30s")
  Duration reportInterval();

  /**
   * Average bytes per second this node's report may write, the whole stored object counted (0: no
   * budget, every pod in every report). 40 keeps 5,000 nodes of 30 pods at the write volume of
   * their node Leases (docs/architecture.md, "Report channel").
   */
  @WithDefault("0")
  double reportBytesPerSecond();

  /** With a byte budget, the longest a pod is left out of the reports. */
  @WithDefault("10m")
  Duration reportMaxOmission();

  /** Directory for the counter state file (a hostPath in the chart). */
  @WithDefault("/var/lib/wattkeeper")
  String stateDir();

  /** Where the host's /sys and /proc are: "/" on a machine, "/host" in the DaemonSet. */
  @WithDefault("/")
  String hostRoot();

  /** This node's name (env NODE_NAME); without it no report is written. */
  Optional<String> nodeName();

  /** Who pays for idle CPU power: None or ProportionalToRequests. */
  @WithDefault("ProportionalToRequests")
  IdlePolicy idlePolicy();

  /** Talk to the API server (pod list, NodeEnergyReport). Off: metrics only. */
  @WithDefault("true")
  boolean kubernetesEnabled();

  /**
   * Ask the API server for this node's pods only (field selector spec.nodeName). Pods are also
   * filtered in code, so turning this off (for a server without field-selector support, such as the
   * Fabric8 mock) changes cost, not results.
   */
  @WithDefault("true")
  boolean podFieldSelector();

  /**
   * An environment variable whose value is a process's pod UID (the local sandbox's kubelet sets
   * WATTKEEPER_SANDBOX_POD_UID). Pods that have no kubepods cgroup are then measured by their
   * marked processes (/proc/&lt;pid&gt;/environ, stat). Unset on real nodes.
   */
  Optional<String> podProcessMarker();

  Api api();

  FunctionalUnits functionalUnits();

  /**
   * Scraping of inference servers' request and token counters, for pods that opt in with the
   * wattkeeper.io/functional-unit-* annotations.
   */
  interface FunctionalUnits {
    /** Off: annotations are ignored and no pod is scraped. */
    @WithDefault("true")
    boolean enabled();

    /** Deadline for one scrape: connect, request and the whole body. */
    @WithDefault("2s")
    Duration scrapeTimeout();

    /** A larger body is refused (the scrape fails, counts unknown). */
    @WithDefault("2097152")
    int maxBodyBytes();

    /** Scrapes run side by side. */
    @WithDefault("4")
    int parallelism();
  }

  Http http();

  /** Where metrics (/q/metrics) and probes (/q/health/live, /q/health/ready) are served. */
  interface Http {
    @WithDefault("0.0.0.0")
    String host();

    /** 0: any free port (tests). */
    @WithDefault("8080")
    int port();
  }

  /** How to reach the API server. */
  interface Api {
    /**
     * API server URL; unset: the in-cluster service (KUBERNETES_SERVICE_HOST/PORT). Out of a
     * cluster, run {@code kubectl proxy} and set http://127.0.0.1:8001.
     */
    Optional<String> serverUrl();

    /** Bearer token file, re-read every minute; no file: no token sent. */
    @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
    String tokenFile();

    /** CA bundle (PEM) for an https server; absent: the JDK's trust store. */
    @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
    String caFile();
  }

  /** Grid zone for measure (ISO 3166 alpha-2 country or cloud region). */
  Optional<String> zone();

  Model model();

  /** Estimation model overrides for a known machine. */
  interface Model {
    /** Whole-machine CPU watts at 0% utilisation (needs cpu-max-watts too). */
    OptionalDouble cpuIdleWatts();

    /** Whole-machine CPU watts at 100% utilisation. */
    OptionalDouble cpuMaxWatts();

    /** TDP per socket, instead of the CodeCarbon table lookup. */
    OptionalDouble tdpWatts();

    /** DRAM watts per GB (default 0.392, Cloud Carbon Footprint). */
    OptionalDouble memoryWattsPerGb();
  }
}
