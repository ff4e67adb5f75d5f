package io.drwatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtoTest {

  private static final Duration OVERHEAD = Duration.ofSeconds(10);

  @Test
  void catchupIsBacklogOverRate() {
    assertEquals(4.0, Rto.catchup(8_000_000.0, 2_000_000.0));
    assertEquals(0.0, Rto.catchup(0.0, null), "caught up needs no rate");
    assertEquals(0.0, Rto.catchup(-5.0, null), "replay ahead of receive (archive recovery)");
    assertNull(Rto.catchup(100.0, null), "a backlog and no rate measured yet");
    assertNull(Rto.catchup(100.0, 0.0));
    assertNull(Rto.catchup(null, 1e6), "no backlog sample");
  }

  @Test
  void bestStandbyPlusOverhead() {
    assertEquals(12.5, Rto.estimate(Arrays.asList(30.0, null, 2.5), OVERHEAD));
    assertEquals(10.0, Rto.estimate(List.of(0.0), OVERHEAD));
  }

  @Test
  void noStandbyToPromoteIsInfinite() {
    assertEquals(Double.POSITIVE_INFINITY, Rto.estimate(List.of(), OVERHEAD));
  }

  @Test
  void unknownWhenNoCatchupIsKnown() {
    assertNull(Rto.estimate(Arrays.asList(null, null), OVERHEAD));
  }
}
