package io.wattkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.v1alpha1.EnergyBudgetSpec;
import io.wattkeeper.api.v1alpha1.NodeEnergyReport;
import io.wattkeeper.api.v1alpha1.NodeEnergyReportStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real objects for the mock API server: namespaces, nodes, pods, reports, budgets. */
public final class Fixtures {

  private final KubernetesClient client;

  public Fixtures(KubernetesClient client) {
    this.client = client;
  }

  public void namespace(String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .createOr(r -> r.update());
  }

  public Node node(String name, Map<String, String> labels, Map<String, String> annotations) {
    return client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .build())
        .create();
  }

  public Pod pod(String ns, String name, String node, Map<String, String> labels) {
    return client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("main")
                .withImage("example/model:1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
  }

  public Pod get(Pod p) {
    return client
        .pods()
        .inNamespace(p.getMetadata().getNamespace())
        .withName(p.getMetadata().getName())
        .get();
  }

  public EnergyBudget budget(String ns, String name, EnergyBudgetSpec spec) {
    EnergyBudget b = new EnergyBudget();
    b.getMetadata().setName(name);
    b.getMetadata().setNamespace(ns);
    b.setSpec(spec);
    return client.resources(EnergyBudget.class).inNamespace(ns).resource(b).create();
  }

  /** Waits until the operator has written the budget's status once: it is up and watching. */
  public void awaitReconciled(String ns, String name) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> budget(ns, name) != null && budget(ns, name).getStatus() != null);
  }

  public EnergyBudget budget(String ns, String name) {
    return client.resources(EnergyBudget.class).inNamespace(ns).withName(name).get();
  }

  /** One pod's counters in a report. */
  public static NodeEnergyReportStatus.PodEnergy energy(
      Pod p, double cpuJ, double gpuJ, double watts) {
    return new NodeEnergyReportStatus.PodEnergy()
        .setUid(p.getMetadata().getUid())
        .setNamespace(p.getMetadata().getNamespace())
        .setName(p.getMetadata().getName())
        .setCpuJoules(cpuJ)
        .setMemoryJoules(0.0)
        .setGpuJoules(gpuJ)
        .setCpuWatts(watts)
        .setEstimated(false);
  }

  /**
   * Writes the node's report (creating it first), as the agent does: a PUT of the status. The Node
   * is created when missing: the ledger believes only reports named after a Node.
   */
  public void report(
      String node, String epoch, long seq, Instant ts, NodeEnergyReportStatus.PodEnergy... pods) {
    if (client.nodes().withName(node).get() == null) {
      node(node, Map.of(), Map.of());
    }
    writeReportOnly(node, epoch, seq, ts, pods);
  }

  /** Writes the node's report as {@link #report} does, without creating its Node. */
  public void writeReportOnly(
      String node, String epoch, long seq, Instant ts, NodeEnergyReportStatus.PodEnergy... pods) {
    NodeEnergyReport r = client.resources(NodeEnergyReport.class).withName(node).get();
    if (r == null) {
      NodeEnergyReport fresh = new NodeEnergyReport();
      fresh.getMetadata().setName(node);
      r = client.resources(NodeEnergyReport.class).resource(fresh).create();
    }
    r.setStatus(
        new NodeEnergyReportStatus()
            .setAgent(
                new NodeEnergyReportStatus.Agent()
                    .setCounterEpoch(epoch)
                    .setSequence(seq)
                    .setVersion("test"))
            .setTimestamp(ts.toString())
            .setIntervalSeconds(60)
            .setSources(
                new NodeEnergyReportStatus.Sources()
                    .setCpu("rapl")
                    .setMemory("rapl")
                    .setGpu("nvml")
                    .setSummary("rapl/nvml"))
            .setPodCount(pods.length)
            .setPods(new ArrayList<>(List.of(pods))));
    client.resources(NodeEnergyReport.class).resource(r).updateStatus();
  }

  public void deleteReport(String node) {
    client.resources(NodeEnergyReport.class).withName(node).delete();
  }

  public List<Event> events(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems();
  }

  public List<String> eventMessages(String ns, String reason) {
    return events(ns).stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }
}
