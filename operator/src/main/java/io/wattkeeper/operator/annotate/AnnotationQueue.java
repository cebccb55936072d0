package io.wattkeeper.operator.annotate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Pods whose annotations are due: one entry per pod (offering it again only updates its priority),
 * the highest priority is taken first, and a pod is never written by two threads at once (a pod
 * offered while its write is in flight waits for it, so writes land in order). Memory is bounded by
 * the number of pods.
 */
public final class AnnotationQueue {

  private record Entry(String uid, long version, double priority) {}

  private final Map<String, PodWrite> pending = new HashMap<>();
  private final Map<String, Long> versions = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  // Lazy deletion: replaced values leave stale entries that are skipped when polled.
  private final PriorityQueue<Entry> heap =
      new PriorityQueue<>((a, b) -> Double.compare(b.priority(), a.priority()));
  private long version;
  private long replaced;

  /** Queues a pod, replacing its queued (not yet started) entry. */
  public synchronized void offer(PodWrite w) {
    if (pending.put(w.uid(), w) != null) {
      replaced++;
    }
    long v = ++version;
    versions.put(w.uid(), v);
    if (!inFlight.contains(w.uid())) {
      heap.add(new Entry(w.uid(), v, w.priority()));
    }
    if (heap.size() > 4 * pending.size() + 1024) {
      rebuild();
    }
    notifyAll();
  }

  /** The highest-priority write whose pod is not in flight, now marked in flight; else null. */
  public synchronized PodWrite poll() {
    Entry e;
    while ((e = heap.poll()) != null) {
      if (!Long.valueOf(e.version()).equals(versions.get(e.uid())) || inFlight.contains(e.uid())) {
        continue;
      }
      PodWrite w = pending.remove(e.uid());
      versions.remove(e.uid());
      inFlight.add(e.uid());
      return w;
    }
    return null;
  }

  /** Blocks until a write is available. */
  public synchronized PodWrite take() throws InterruptedException {
    PodWrite w;
    while ((w = poll()) == null) {
      wait();
    }
    return w;
  }

  /** The write of this pod finished (landed or failed): a newer value may go now. */
  public synchronized void done(String uid) {
    inFlight.remove(uid);
    Long v = versions.get(uid);
    if (v != null) {
      heap.add(new Entry(uid, v, pending.get(uid).priority()));
      notifyAll();
    }
  }

  public synchronized int size() {
    return pending.size();
  }

  /** Entries offered again before they were written (each written once, with the latest values). */
  public synchronized long replaced() {
    return replaced;
  }

  private void rebuild() {
    heap.clear();
    versions.forEach(
        (uid, v) -> {
          if (!inFlight.contains(uid)) {
            heap.add(new Entry(uid, v, pending.get(uid).priority()));
          }
        });
  }
}
