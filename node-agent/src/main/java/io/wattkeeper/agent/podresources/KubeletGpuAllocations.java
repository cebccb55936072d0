package io.wattkeeper.agent.podresources;

import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Exclusive GPU holders from the kubelet, cached for a TTL. Never throws: when the socket is
 * absent, the kubelet refuses or the call misses its deadline, the answer is an empty map (no pod
 * is known to hold a GPU alone) and one log line says why; another line says when it works again. A
 * failure is cached like an answer, so a dead kubelet is asked at most once per TTL.
 */
public final class KubeletGpuAllocations implements GpuAllocations, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KubeletGpuAllocations.class);

  private final Path socket;
  private final Duration ttl;
  private final Set<String> resourceNames;
  private final Clock clock;
  private final PodResourcesClient client;

  private Map<String, PodRef> cached = Map.of();
  private Instant expires = Instant.MIN;
  private String problem = "";

  public KubeletGpuAllocations(
      Path socket, Duration timeout, Duration ttl, Set<String> resourceNames, Clock clock) {
    this.socket = socket;
    this.ttl = ttl;
    this.resourceNames = Set.copyOf(resourceNames);
    this.clock = clock;
    this.client = new PodResourcesClient(socket, timeout);
  }

  @Override
  public synchronized Map<String, PodRef> exclusiveHolders() {
    Instant now = clock.instant();
    if (now.isBefore(expires)) {
      return cached;
    }
    cached = fetch();
    expires = clock.instant().plus(ttl);
    return cached;
  }

  private Map<String, PodRef> fetch() {
    if (!Files.exists(socket)) {
      report(
          "absent",
          "kubelet PodResources socket "
              + socket
              + " not found: no GPU is known to be held exclusively by a pod");
      return Map.of();
    }
    try {
      Map<String, PodRef> holders = ExclusiveGpuHolders.from(client.list(), resourceNames);
      if (!problem.isEmpty()) {
        LOG.infof("kubelet PodResources answers again on %s", socket);
        problem = "";
      }
      return holders;
    } catch (StatusRuntimeException e) {
      report(
          e.getStatus().getCode().name(),
          "kubelet PodResources List on "
              + socket
              + " failed: "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : " (" + e.getStatus().getDescription() + ")")
              + "; no GPU is known to be held exclusively until it answers");
      return Map.of();
    } catch (RuntimeException e) {
      // Not a gRPC status: a transport or binding fault. Still never allowed to stop a sample.
      report(
          "fault",
          "kubelet PodResources client on "
              + socket
              + " failed: "
              + e
              + "; no GPU is known to be held exclusively until it answers");
      return Map.of();
    }
  }

  /** Logs once per kind of problem, until it clears. */
  private void report(String kind, String message) {
    if (!kind.equals(problem)) {
      LOG.warn(message);
      problem = kind;
    } else {
      LOG.debug(message);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
