package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.SYSID;
import static io.drwatch.cluster.Fixture.T0;
import static io.drwatch.cluster.Fixture.primary;
import static io.drwatch.cluster.Fixture.server;
import static io.drwatch.cluster.Fixture.standby;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailoverTrackerTest {

  private final FailoverTracker tracker = new FailoverTracker();
  private int second;

  private Instant next() {
    return T0.plusSeconds(++second);
  }

  private void see(String target, ServerInfo s) {
    tracker.observe("c1", target, s, next());
  }

  /** Primary a on timeline 1 with standbys b and c, each seen once: the baseline. */
  private void baseline() {
    see("a", primary(1));
    see("b", standby(1, 2000.0));
    see("c", standby(1, 3000.0));
  }

  @Test
  void firstAnswersAreABaselineNotFailovers() {
    see("b", standby(4, 2000.0)); // a lagging standby answers first
    see("a", primary(5));
    assertEquals(0, tracker.failovers("c1"));
    assertNull(tracker.lastFailoverAt("c1"));
  }

  @Test
  void aPromotionAndItsFollowersCountOnce() {
    baseline();
    see("a", null); // the primary is gone
    see("b", server(false, 2L, SYSID, 2000.0)); // promoted
    Instant promotedAt = T0.plusSeconds(second);
    see("c", standby(2, 3000.0)); // follows the new timeline
    see("b", server(false, 2L, SYSID, 2000.0));
    assertEquals(1, tracker.failovers("c1"));
    assertEquals(promotedAt, tracker.lastFailoverAt("c1"));
  }

  @Test
  void aFollowerSeenBeforeThePromotedMemberStillCountsOnce() {
    baseline();
    see("c", standby(2, 3000.0));
    see("b", server(false, 2L, SYSID, 2000.0));
    assertEquals(1, tracker.failovers("c1"));
  }

  @Test
  void aWriterEndpointMovingToTheNewPrimaryIsTheSameFailover() {
    baseline();
    see("writer", primary(1));
    see("writer", null);
    see("writer", server(false, 2L, SYSID, 2000.0)); // now reaches b
    see("b", server(false, 2L, SYSID, 2000.0));
    assertEquals(1, tracker.failovers("c1"));
  }

  @Test
  void theOldPrimaryRejoiningAsAStandbyIsNoNewFailover() {
    baseline();
    see("b", server(false, 2L, SYSID, 2000.0));
    see("a", null);
    see("a", standby(2, 5000.0)); // rewound and restarted to follow b
    assertEquals(1, tracker.failovers("c1"));
  }

  @Test
  void twoIndependentPromotionsOntoTheSameTimelineCountTwice() {
    baseline();
    see("b", server(false, 2L, SYSID, 2000.0));
    see("c", server(false, 2L, SYSID, 3000.0)); // no shared archive: it picked timeline 2 as well
    assertEquals(2, tracker.failovers("c1"));
  }

  @Test
  void successiveFailoversEachCount() {
    baseline();
    see("b", server(false, 2L, SYSID, 2000.0));
    see("c", standby(2, 3000.0));
    see("c", server(false, 3L, SYSID, 3000.0));
    assertEquals(2, tracker.failovers("c1"));
  }

  @Test
  void anotherDatabaseBehindTheSameTargetIsABaseline() {
    baseline();
    see("b", server(false, 7L, "999", 9000.0)); // re-pointed at an unrelated server
    assertEquals(0, tracker.failovers("c1"));
  }

  @Test
  void restartsAndOutagesWithoutPromotionAreNoFailover() {
    baseline();
    see("a", null);
    see("a", server(false, 1L, SYSID, 7000.0)); // restarted
    see("b", standby(1, 2000.0));
    assertEquals(0, tracker.failovers("c1"));
  }

  @Test
  void clustersAreCountedApart() {
    baseline();
    tracker.observe("c2", "x", primary(1), next());
    see("b", server(false, 2L, SYSID, 2000.0));
    assertEquals(1, tracker.failovers("c1"));
    assertEquals(0, tracker.failovers("c2"));
  }

  @Test
  void cockroachTargetsAreIgnored() {
    ServerInfo crdb = new ServerInfo(Flavor.COCKROACHDB, 240300, "24.3.1", false, null, null, null, true, Set.of());
    tracker.observe("r", "n1", crdb, next());
    tracker.observe("r", "n1", crdb, next());
    assertEquals(0, tracker.failovers("r"));
  }
}
