package io.wattkeeper.operator.idle;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.EnergyBudgetStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus.PodEnergy;
import io.wattkeeper.operator.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * Test fixtures shared by the scenario tests: real objects in the mock API server, and the parts of
 * the cluster the mock does not run (the workload controller's status, the pods, the node agent's
 * reports), written the way those components write them. Budget status comes from the operator's
 * own reconcilers: {@link #exceed} and {@link #rollOver} drive the real ledger through reports.
 */
public final class Scenario {

  public final KubernetesClient client;
  public final MutableClock clock;
  public final String ns;
  private long sequence;
  // The node new pods are bound to (the mock runs no scheduler); reports check spec.nodeName.
  private String node;

  public Scenario(KubernetesClient client, MutableClock clock, String ns) {
    this.client = client;
    this.clock = clock;
    this.ns = ns;
    this.node = "node-" + ns;
    if (client.namespaces().withName(ns).get() == null) {
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
  }

  public Deployment deployment(String name, int replicas, Map<String, String> labels) {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", name)).build())
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", name))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("m")
            .withImage("vllm")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.resource(d).create();
    return settle(Deployment.class, name);
  }

  public StatefulSet statefulSet(String name, int replicas, Map<String, String> labels) {
    StatefulSet s =
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", name)).build())
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(Map.of("app", name))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("m")
            .withImage("vllm")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.resource(s).create();
    return settle(StatefulSet.class, name);
  }

  /** Plays the workload controller: status caught up with the spec (the mock runs none). */
  public <T extends HasMetadata> T settle(Class<T> type, String name) {
    T w = client.resources(type).inNamespace(ns).withName(name).get();
    int r = Workloads.replicas(w);
    long gen = w.getMetadata().getGeneration() == null ? 1 : w.getMetadata().getGeneration();
    String status =
        type == Deployment.class
            ? "{\"status\":{\"observedGeneration\":"
                + gen
                + ",\"replicas\":"
                + r
                + ",\"updatedReplicas\":"
                + r
                + ",\"readyReplicas\":"
                + r
                + ",\"availableReplicas\":"
                + r
                + "}}"
            : "{\"status\":{\"observedGeneration\":"
                + gen
                + ",\"replicas\":"
                + r
                + ",\"updatedReplicas\":"
                + r
                + ",\"readyReplicas\":"
                + r
                + ",\"currentRevision\":\"r1\",\"updateRevision\":\"r1\"}}";
    client
        .resources(type)
        .inNamespace(ns)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), status);
    return client.resources(type).inNamespace(ns).withName(name).get();
  }

  /** Pods created from now on run on {@code node}. */
  public Scenario onNode(String node) {
    this.node = node;
    return this;
  }

  /** Creates {@code n} Ready pods of the workload, bound to the scenario's node; returns them. */
  public List<Pod> pods(String app, int n, boolean ready) {
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Pod p =
          new PodBuilder()
              .withNewMetadata()
              .withName(app + "-" + i + "-" + sequence++)
              .withNamespace(ns)
              .withLabels(Map.of("app", app))
              .endMetadata()
              .withNewSpec()
              .withNodeName(node)
              .addNewContainer()
              .withName("m")
              .withImage("vllm")
              .endContainer()
              .endSpec()
              .withNewStatus()
              .withPhase("Running")
              .addNewCondition()
              .withType("Ready")
              .withStatus(ready ? "True" : "False")
              .endCondition()
              .endStatus()
              .build();
      out.add(client.resource(p).create());
    }
    return out;
  }

  public void deletePods(String app) {
    client.pods().inNamespace(ns).withLabel("app", app).delete();
  }

  /**
   * One pod's sample in a report; {@code cpuJoules}, when set, is the pod's cumulative CPU energy
   * counter (what the ledger charges), else the pod reports no energy.
   */
  public record Sample(
      Pod pod,
      double cpuCores,
      double gpuPercent,
      double rxBytes,
      double watts,
      List<String> gpus,
      Double cpuJoules) {
    public Sample(
        Pod pod,
        double cpuCores,
        double gpuPercent,
        double rxBytes,
        double watts,
        List<String> gpus) {
      this(pod, cpuCores, gpuPercent, rxBytes, watts, gpus, null);
    }

    /** The same sample with the pod's cumulative energy counter at {@code wh} watt-hours. */
    public Sample energyWh(double wh) {
      return new Sample(pod, cpuCores, gpuPercent, rxBytes, watts, gpus, wh * 3600);
    }

    public static List<Sample> energyWh(List<Sample> samples, double whPerPod) {
      return samples.stream().map(x -> x.energyWh(whPerPod)).toList();
    }

    public static Sample active(Pod p) {
      return new Sample(p, 1.5, 80, 50_000, 300, null);
    }

    public static Sample quiet(Pod p) {
      return new Sample(p, 0.01, 0, 10, 60, null);
    }
  }

  /**
   * Plays the node agent: writes the node's report stamped with the clock's now. The Node is
   * created when missing (the ledger believes only reports named after a Node); the pods must run
   * there.
   */
  public NodeEnergyReport report(
      String node, List<Sample> samples, List<NodeEnergyReportStatus.Gpu> gpus) {
    node(node);
    for (Sample s : samples) {
      String on = s.pod().getSpec() == null ? null : s.pod().getSpec().getNodeName();
      if (!node.equals(on)) {
        throw new IllegalArgumentException(
            s.pod().getMetadata().getName() + " runs on " + on + ", not " + node + ": onNode()");
      }
    }
    List<PodEnergy> pods = new ArrayList<>();
    for (Sample s : samples) {
      pods.add(
          new PodEnergy()
              .setUid(s.pod().getMetadata().getUid())
              .setNamespace(s.pod().getMetadata().getNamespace())
              .setName(s.pod().getMetadata().getName())
              .setCpuCores(s.cpuCores())
              .setGpuUtilizationPercent(s.gpus() == null ? null : s.gpuPercent())
              .setNetworkReceiveBytesPerSecond(s.rxBytes())
              .setCpuWatts(s.watts())
              .setCpuJoules(s.cpuJoules())
              .setMemoryJoules(s.cpuJoules() == null ? null : 0.0)
              .setGpuJoules(s.cpuJoules() == null ? null : 0.0)
              .setEstimated(s.cpuJoules() == null ? null : false)
              .setGpus(s.gpus()));
    }
    NodeEnergyReportStatus st =
        new NodeEnergyReportStatus()
            .setTimestamp(clock.instant().toString())
            .setIntervalSeconds(30)
            .setAgent(
                new NodeEnergyReportStatus.Agent().setCounterEpoch("e1").setSequence(++sequence))
            .setPods(pods)
            .setGpus(gpus);
    NodeEnergyReport existing = client.resources(NodeEnergyReport.class).withName(node).get();
    if (existing == null) {
      NodeEnergyReport r = new NodeEnergyReport();
      r.getMetadata().setName(node);
      client.resource(r).create();
      existing = client.resources(NodeEnergyReport.class).withName(node).get();
    }
    existing.setStatus(st);
    return client.resource(existing).updateStatus();
  }

  public EnergyBudget budget(String name, EnergyBudgetSpec spec) {
    EnergyBudget b = new EnergyBudget();
    b.getMetadata().setName(name);
    b.getMetadata().setNamespace(ns);
    b.setSpec(spec);
    return client.resource(b).create();
  }

  /** A Node for the reports (the ledger looks up its grid zone); created once. */
  public void node(String name) {
    if (client.nodes().withName(name).get() == null) {
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
  }

  /** Waits (at most 20 s) until the budget's status satisfies {@code check}; returns the budget. */
  public EnergyBudget awaitStatus(String budget, Predicate<EnergyBudgetStatus> check) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> budget(budget), b -> b.getStatus() != null && check.test(b.getStatus()));
  }

  /**
   * Drives the real ledger reconciler over a budget's limit, the way a cluster does: the agent
   * first reports the pods with zero counters; once the ledger counts them (status.matchedPods, so
   * its pod cache knows their labels and no energy goes uncharged), 30 s later their cumulative
   * counters reach {@code whPerPod} each. Returns the budget once the ledger says Exceeded.
   */
  public EnergyBudget exceed(
      String budget,
      String node,
      List<Sample> samples,
      List<NodeEnergyReportStatus.Gpu> gpus,
      double whPerPod) {
    node(node);
    report(node, Sample.energyWh(samples, 0), gpus);
    awaitStatus(
        budget,
        st ->
            st.getMatchedPods() != null
                && st.getMatchedPods() == samples.size()
                && st.getPeriod() != null);
    clock.advance(Duration.ofSeconds(30));
    report(node, Sample.energyWh(samples, whPerPod), gpus);
    return awaitStatus(budget, st -> "Exceeded".equals(st.getPhase()));
  }

  /** The end of the budget's current period as the ledger wrote it. */
  public Instant periodEnd(String budget) {
    return OffsetDateTime.parse(budget(budget).getStatus().getPeriod().getEnd()).toInstant();
  }

  /**
   * Moves the shared clock (forward only) just past the end of the budget's period and has the
   * agent report again with unchanged counters: the ledger rolls the period over. Returns the
   * budget once its status shows the new period.
   */
  public EnergyBudget rollOver(
      String budget,
      String node,
      List<Sample> samplesWithEnergy,
      List<NodeEnergyReportStatus.Gpu> gpus) {
    Instant end = periodEnd(budget);
    Instant now = clock.instant();
    if (!end.isAfter(now)) {
      throw new IllegalStateException("period end " + end + " is not after the clock " + now);
    }
    clock.advance(Duration.between(now, end).plusSeconds(30));
    report(node, samplesWithEnergy, gpus);
    return awaitStatus(
        budget,
        st ->
            st.getPeriod() != null
                && OffsetDateTime.parse(st.getPeriod().getStart()).toInstant().equals(end));
  }

  public EnergyBudget budget(String name) {
    return client.resources(EnergyBudget.class).inNamespace(ns).withName(name).get();
  }

  public Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  public void annotate(Class<? extends HasMetadata> type, String name, String key, String value) {
    client
        .resources(type)
        .inNamespace(ns)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}");
  }

  public void scaleExternally(Class<? extends HasMetadata> type, String name, int replicas) {
    client
        .resources(type)
        .inNamespace(ns)
        .withName(name)
        .subresource("scale")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  public List<Event> events(String involvedName) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  public static Map<String, String> annotations(HasMetadata o) {
    return o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations();
  }
}
