package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutageTrackerTest {

  private final OutageTracker tracker = new OutageTracker();

  private void probe(boolean answered, Duration after) {
    tracker.observe("w", "c1", answered, T0.plus(after));
  }

  private OutageTracker.Snapshot snapshot() {
    return tracker.snapshots().get("w");
  }

  @Test
  void aTargetThatNeverAnsweredHasHadNoOutage() {
    probe(false, Duration.ZERO);
    probe(false, Duration.ofSeconds(5));
    probe(true, Duration.ofSeconds(10)); // first answer ever: it was never up to go down
    OutageTracker.Snapshot s = snapshot();
    assertArrayEquals(new long[10], s.counts());
    assertEquals(0, s.sum());
    assertNull(s.lastSeconds());
    assertEquals(Double.POSITIVE_INFINITY, s.upperBounds()[9]);
    assertEquals(10, s.upperBounds().length);
  }

  @Test
  void fromTheFirstFailedProbeToTheNextAnswer() {
    probe(true, Duration.ZERO);
    probe(false, Duration.ofMillis(1000));
    probe(false, Duration.ofMillis(2000)); // still down: the start stays at the first failure
    probe(false, Duration.ofMillis(4000));
    probe(true, Duration.ofMillis(8500));
    probe(true, Duration.ofMillis(9500));
    OutageTracker.Snapshot s = snapshot();
    assertEquals(7.5, s.lastSeconds());
    assertEquals(7.5, s.sum());
    assertArrayEquals(new long[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, s.counts(), "in (5, 10]");
  }

  @Test
  void bucketsIncludeTheirUpperBoundAndOverflowGoesToInf() {
    double[] durations = {0.2, 1.0, 1.5, 600.0, 601.0, 4000.0};
    Duration t = Duration.ZERO;
    probe(true, t);
    for (double d : durations) {
      t = t.plusSeconds(1);
      probe(false, t);
      t = t.plusMillis((long) (d * 1000));
      probe(true, t);
    }
    OutageTracker.Snapshot s = snapshot();
    assertArrayEquals(new long[] {2, 1, 0, 0, 0, 0, 0, 0, 1, 2}, s.counts());
    assertEquals(0.2 + 1.0 + 1.5 + 600 + 601 + 4000, s.sum(), 1e-9);
    assertEquals(4000.0, s.lastSeconds());
  }

  @Test
  void targetsAreTrackedApartWithTheirCluster() {
    tracker.observe("a", "c1", true, T0);
    tracker.observe("b", "c2", true, T0);
    tracker.observe("a", "c1", false, T0.plusSeconds(1));
    tracker.observe("a", "c1", true, T0.plusSeconds(3));
    assertEquals(2.0, tracker.snapshots().get("a").lastSeconds());
    assertEquals("c1", tracker.snapshots().get("a").cluster());
    assertNull(tracker.snapshots().get("b").lastSeconds());
    assertEquals("c2", tracker.snapshots().get("b").cluster());
  }

  @Test
  void snapshotsAreCopies() {
    probe(true, Duration.ZERO);
    OutageTracker.Snapshot before = snapshot();
    probe(false, Duration.ofSeconds(1));
    probe(true, Duration.ofSeconds(2));
    assertEquals(0, before.counts()[1]);
    assertEquals(1, snapshot().counts()[0]);
  }
}
