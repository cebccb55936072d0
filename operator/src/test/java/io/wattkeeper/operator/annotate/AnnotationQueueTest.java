package io.wattkeeper.operator.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnnotationQueueTest {

  static PodWrite w(String uid, double priority) {
    return new PodWrite(uid, "ns", "pod-" + uid, priority);
  }

  @Test
  void onePendingEntryPerPodWithItsLatestPriority() {
    AnnotationQueue q = new AnnotationQueue();
    q.offer(w("a", 5));
    q.offer(w("b", 3));
    q.offer(w("a", 1));
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.replaced()).isEqualTo(1);
    assertThat(q.poll().uid()).isEqualTo("b");
    assertThat(q.poll().uid()).isEqualTo("a");
    assertThat(q.poll()).isNull();
  }

  @Test
  void highestPriorityFirst() {
    AnnotationQueue q = new AnnotationQueue();
    q.offer(w("small", 2));
    q.offer(w("big", 900));
    q.offer(w("mid", 60));
    assertThat(q.poll().uid()).isEqualTo("big");
    assertThat(q.poll().uid()).isEqualTo("mid");
    assertThat(q.poll().uid()).isEqualTo("small");
  }

  @Test
  void aPodInFlightIsNotTakenTwiceAndWaitsForItsWrite() {
    AnnotationQueue q = new AnnotationQueue();
    q.offer(w("a", 5));
    PodWrite first = q.poll();
    q.offer(w("a", 50));
    q.offer(w("b", 1));
    // "a" is being written: offered again, it waits; "b" goes.
    assertThat(q.poll().uid()).isEqualTo("b");
    assertThat(q.poll()).isNull();
    q.done(first.uid());
    assertThat(q.poll().priority()).isEqualTo(50);
  }

  @Test
  void manyReplacementsKeepTheHeapBounded() {
    AnnotationQueue q = new AnnotationQueue();
    for (int i = 0; i < 100_000; i++) {
      q.offer(w("p" + (i % 10), i % 7));
    }
    int n = 0;
    while (q.poll() != null) {
      n++;
    }
    assertThat(n).isEqualTo(10);
  }

  @Test
  void priorityIsStalenessTimesChange() {
    assertThat(PodWrite.priority(600, 0.5, false)).isEqualTo(300.0);
    assertThat(PodWrite.priority(60, 0.5, false)).isEqualTo(30.0);
    // A state change outranks a large figure change of the same staleness.
    assertThat(PodWrite.priority(60, 2, true)).isGreaterThan(PodWrite.priority(60, 2, false));
    // Below 1 % still counts a little: nothing waits forever.
    assertThat(PodWrite.priority(0, 0, false)).isPositive();
  }

  @Test
  void writeRateHoldsOnAverageAfterAOneSecondBurst() {
    AtomicLong nanos = new AtomicLong();
    WriteRate r = new WriteRate(10, nanos::get);
    int granted = 0;
    // 10 simulated seconds polled every millisecond.
    for (int ms = 0; ms < 10_000; ms++) {
      nanos.set(ms * 1_000_000L);
      while (r.tryAcquire() == 0) {
        granted++;
      }
    }
    assertThat(granted).isBetween(100, 101);
    nanos.set(20_000_000_000L); // idle for 10 s: at most one second's burst is saved
    int burst = 0;
    while (r.tryAcquire() == 0) {
      burst++;
    }
    assertThat(burst).isEqualTo(10);
    assertThat(r.tryAcquire()).isBetween(99_000_000L, 100_000_000L);
  }
}
