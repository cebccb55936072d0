package io.wattkeeper.activator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One workload's cold-start state on this replica: the connections held for it and where its
 * current wake stands. Guarded by its own monitor; no I/O happens while it is held.
 */
final class Gate {

  /** A connection waiting for a Ready endpoint. No thread and no buffer: just the socket. */
  record Held(Socket socket, Route route, long acceptedNanos) {}

  final WorkloadRef workload;
  final ArrayDeque<Held> held = new ArrayDeque<>();

  /** First held connection of the current cold start, or -1. */
  long episodeStart = -1;

  boolean readyInEpisode;
  boolean wakeAsked;
  long nextWakeTry;
  long retryDrainAt = Long.MAX_VALUE;
  boolean overflowReported;
  boolean timeoutReported;
  String refusal;
  long refusalUntil;

  /** From the workload's {@code wattkeeper.io/wake-timeout}; null: the configured default. */
  Duration timeout;

  String timeoutAnnotation;
  HasMetadata seen;
  double lastColdStartSeconds = -1;

  Gate(WorkloadRef workload) {
    this.workload = workload;
  }

  void endEpisodeIfIdle() {
    if (held.isEmpty()) {
      episodeStart = -1;
      readyInEpisode = false;
      wakeAsked = false;
      overflowReported = false;
      timeoutReported = false;
      retryDrainAt = Long.MAX_VALUE;
    }
  }
}
