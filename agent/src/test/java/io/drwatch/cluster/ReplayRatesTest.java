package io.drwatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayRatesTest {

  private final ReplayRates rates = new ReplayRates();

  @Test
  void oneSampleSaysNothing() {
    assertNull(rates.update("s", 100, 1_000_000, 0));
  }

  @Test
  void catchingUpWithinAnIntervalIsALowerBound() {
    rates.update("s", 100, 1_000_000, 0);
    assertEquals(10_000.0, rates.update("s", 110, 1_100_000, 0)); // kept up with 10 kB/s of input
    assertEquals(10_000.0, rates.update("s", 120, 1_150_000, 0), "a quieter interval does not lower it");
    assertEquals(50_000.0, rates.update("s", 130, 1_650_000, 0), "a busier one raises it");
  }

  @Test
  void aBacklogThroughTheIntervalMeasuresTheRateSmoothed() {
    rates.update("s", 100, 0, 0);
    rates.update("s", 110, 100_000, 0); // lower bound 10 kB/s
    rates.update("s", 120, 100_000, 5_000_000); // paused: nothing moved, backlog builds
    assertEquals(10_000.0, rates.rate("s"), "a paused interval leaves the rate alone");
    // resumed, still behind at the end: replay ran flat out at 400 kB/s
    assertEquals(0.5 * 400_000 + 0.5 * 10_000, rates.update("s", 130, 4_100_000, 1_000_000));
  }

  @Test
  void resumingAndCatchingUpRaisesTheRate() {
    rates.update("s", 100, 0, 0);
    rates.update("s", 110, 10_000, 0);
    rates.update("s", 120, 10_000, 30_000_000);
    assertEquals(3_000_000.0, rates.update("s", 130, 30_010_000, 0));
  }

  @Test
  void aDelayedStandbysThrottledMovementMeasuresNothingAndAPeerStandsIn() {
    // delayed: a constant backlog (the delay's worth of WAL) replayed at the primary's 10 kB/s
    rates.update("delayed", 100, 0, 600_000, true);
    assertNull(rates.update("delayed", 110, 100_000, 600_000, true), "the write rate is no replay speed");
    assertNull(rates.unthrottled("delayed", List.of("peer")), "nothing measured anywhere: unknown");
    rates.update("peer", 100, 0, 5_000_000);
    rates.update("peer", 110, 4_000_000, 1_000_000); // drained a backlog at 400 kB/s
    assertEquals(400_000.0, rates.unthrottled("delayed", List.of("peer")));
    assertEquals(400_000.0, rates.rate("peer"));
    assertNull(rates.rate("delayed"));
  }

  @Test
  void theSameSampleTwiceChangesNothing() {
    rates.update("s", 100, 0, 0);
    rates.update("s", 110, 1000, 0);
    assertEquals(100.0, rates.update("s", 110, 999_999, 0));
    assertEquals(100.0, rates.update("s", 105, 5_000_000, 0), "older than the last one seen");
  }

  @Test
  void aPositionGoingBackwardsStartsOver() {
    rates.update("s", 100, 5000, 0);
    rates.update("s", 110, 6000, 0);
    assertNull(rates.update("s", 120, 10, 0));
    assertEquals(100.0, rates.update("s", 130, 1010, 0));
  }

  @Test
  void retainForgetsStandbysThatAreGone() {
    rates.update("a", 100, 0, 0);
    rates.update("a", 110, 1000, 0);
    rates.update("b", 100, 0, 0);
    rates.update("b", 110, 1000, 0);
    rates.retain(Set.of("b"));
    assertNull(rates.rate("a"));
    assertNull(rates.update("a", 120, 2000, 0), "a returning standby starts from scratch");
    assertEquals(100.0, rates.rate("b"));
  }
}
