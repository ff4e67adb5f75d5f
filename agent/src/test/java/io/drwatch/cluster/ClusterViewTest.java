package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.T0;
import static io.drwatch.cluster.Fixture.primary;
import static io.drwatch.cluster.Fixture.server;
import static io.drwatch.cluster.Fixture.standby;
import static io.drwatch.cluster.Fixture.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.cluster.ClusterView.MemberState;
import io.drwatch.cluster.ClusterView.Role;
import io.drwatch.fixture.TestClock;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one decision of who is primary and whether there is split brain, from probe states alone. */
class ClusterViewTest {

  @Test
  void rolesPrimaryAndPromotableStandbysCountServersNotTargets() {
    ClusterView v = ClusterView.of("c1", List.of(status("b", "c1", true, standby(3, 2000.0)),
        status("vip", "c1", true, primary(3)), status("a", "c1", true, primary(3)),
        status("b-again", "c1", true, standby(3, 2000.0)), status("down", "c1", false, null)));
    assertEquals(List.of("a", "b", "b-again", "down", "vip"), v.members().stream().map(MemberState::target).toList());
    assertEquals(List.of(Role.PRIMARY, Role.STANDBY, Role.STANDBY, Role.DOWN, Role.PRIMARY),
        v.members().stream().map(MemberState::role).toList());
    assertEquals("a", v.primary(), "the first by name of the targets reaching the primary server");
    assertEquals(1, v.primaries());
    assertEquals(1, v.inRecovery());
    assertFalse(v.splitBrain());
    assertEquals(List.of("b"), v.promotable().stream().map(MemberState::target).toList());
    assertEquals(List.of(), v.otherPrimaries("vip"));
    assertEquals(List.of("a", "vip"), v.sameServer("a"));
    assertEquals(3L, v.highestTimeline());
    assertTrue(v.probed());
  }

  @Test
  void splitBrainIsTwoPrimaryServersOfOneSystem() {
    ClusterView v = ClusterView.of("c1", List.of(status("a", "c1", true, primary(3)),
        status("b", "c1", true, server(false, 4L, Fixture.SYSID, 2000.0)),
        status("other", "c1", true, server(false, 1L, "999", 3000.0))));
    assertTrue(v.splitBrain());
    assertEquals(2, v.primaries(), "the unrelated system's primary is not counted with them");
    assertNull(v.primary(), "no one writer");
    assertEquals(List.of("b"), v.otherPrimaries("a"));
    assertEquals(List.of(), v.otherPrimaries("other"));
    assertEquals(2, v.systemIdentifiers());
  }

  @Test
  void notProbedAndCockroachMembersAreNeitherPrimaryNorStandby() {
    TargetStatus fresh = new TargetStatus("new", "c1", Map.of(), "u", false, null, null, null, null, 0);
    ServerInfo crdb = new ServerInfo(Flavor.COCKROACHDB, 0, "v25.4.1", false, null, null, null, true, Set.of());
    ClusterView v = ClusterView.of("c1", List.of(fresh, status("n1", "c1", true, crdb)));
    assertEquals(List.of(Role.COCKROACHDB, Role.NOT_PROBED), v.members().stream().map(MemberState::role).toList());
    assertFalse(v.probed());
    assertEquals(0, v.primaries());
  }

  @Test
  void publishedOncePerCacheVersion() {
    SampleCache cache = new SampleCache(new TestClock(T0));
    ClusterViews views = new ClusterViews(cache);
    cache.putStatus(status("a", "c1", true, primary(1)));
    Map<String, ClusterView> first = views.all();
    assertSame(first, views.all(), "unchanged cache, same published map");
    assertEquals("a", views.of("c1").orElseThrow().primary());
    cache.putStatus(status("a", "c1", true, standby(1, 1000.0)));
    assertNotSame(first, views.all());
    assertNull(views.of("c1").orElseThrow().primary(), "follows the probes without a scrape");
  }
}
