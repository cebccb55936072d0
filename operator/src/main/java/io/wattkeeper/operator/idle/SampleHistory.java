package io.wattkeeper.operator.idle;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/** One pod's recent samples, oldest first; a repeated or older report is ignored. */
final class SampleHistory {

  private final ArrayDeque<PodSample> samples = new ArrayDeque<>();

  synchronized void add(PodSample s) {
    PodSample last = samples.peekLast();
    if (last == null || s.at().isAfter(last.at())) {
      samples.addLast(s.withRequestsPerSecond(rate(last, s)));
    }
  }

  /** Requests per second between two samples; null when unknown or the counter went back. */
  static Double rate(PodSample prev, PodSample s) {
    if (prev == null || prev.requests() == null || s.requests() == null) {
      return null;
    }
    double seconds = java.time.Duration.between(prev.at(), s.at()).toMillis() / 1000.0;
    double d = s.requests() - prev.requests();
    return seconds > 0 && d >= 0 ? d / seconds : null;
  }

  synchronized void pruneBefore(Instant cutoff) {
    // Keep one sample older than the cutoff: it bounds the run that starts after it.
    while (samples.size() > 1) {
      Iterator<PodSample> it = samples.iterator();
      it.next();
      if (it.next().at().isBefore(cutoff)) {
        samples.pollFirst();
      } else {
        break;
      }
    }
  }

  synchronized Instant newest() {
    PodSample last = samples.peekLast();
    return last == null ? null : last.at();
  }

  synchronized List<PodSample> snapshot() {
    return List.copyOf(samples);
  }
}
