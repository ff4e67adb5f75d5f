package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.member;
import static io.drwatch.cluster.Fixture.primary;
import static io.drwatch.cluster.Fixture.server;
import static io.drwatch.cluster.Fixture.standby;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologyTest {

  @Test
  void primaryAndTwoStandbys() {
    Topology t = Topology.of(List.of(member("a", primary(3)), member("b", standby(3, 2000.0)),
        member("c", standby(2, 3000.0))));
    assertEquals(1, t.primaries());
    assertEquals(2, t.inRecovery());
    assertEquals(1, t.systemIdentifiers());
    assertEquals(3L, t.highestTimeline());
    assertEquals(2L, t.lowestTimeline(), "c has not followed the last promotion");
    assertEquals("a", t.writer().target());
    assertEquals(List.of("b", "c"), t.standbys().stream().map(Member::target).toList());
  }

  @Test
  void clusterOfOne() {
    Topology t = Topology.of(List.of(member("solo", primary(1))));
    assertEquals(1, t.primaries());
    assertEquals(0, t.inRecovery());
    assertEquals(1L, t.highestTimeline());
    assertEquals(1L, t.lowestTimeline());
    assertEquals("solo", t.writer().target());
    assertEquals(List.of(), t.standbys());
  }

  @Test
  void promotedStandbyBesideARunningPrimaryIsSplitBrain() {
    Topology t = Topology.of(List.of(member("a", primary(1)), member("b", server(false, 2L, Fixture.SYSID, 2000.0))));
    assertEquals(2, t.primaries());
    assertNull(t.writer(), "no single writer to measure the layers against");
  }

  @Test
  void anUnrelatedDatabaseInTheSameLabelIsNotSplitBrain() {
    Topology t = Topology.of(List.of(member("a", primary(1)), member("x", server(false, 1L, "999", 5000.0))));
    assertEquals(1, t.primaries());
    assertEquals(2, t.systemIdentifiers());
    assertNull(t.writer());
  }

  @Test
  void aWriterEndpointAndTheMemberBehindItAreOneServer() {
    Topology t = Topology.of(List.of(member("writer", primary(2)), member("a", primary(2)),
        member("b", standby(2, 2000.0))));
    assertEquals(1, t.primaries());
    assertEquals("a", t.writer().target(), "deterministic: the first by name stands for the server");
  }

  @Test
  void downMembersAndCockroachMembersDoNotCount() {
    ServerInfo crdb = new ServerInfo(Flavor.COCKROACHDB, 240300, "24.3.1", false, null, null, null, true, Set.of());
    Topology t = Topology.of(List.of(member("a", false, primary(1)), member("b", standby(1, 2000.0)),
        member("r", crdb)));
    assertEquals(0, t.primaries(), "the primary is down: no writer");
    assertEquals(1, t.inRecovery());
    assertNull(t.writer());
    assertEquals(List.of("b"), t.standbys().stream().map(Member::target).toList(),
        "without a writer every reachable standby is a candidate");
  }

  @Test
  void nothingReachable() {
    Topology t = Topology.of(List.of(member("a", false, primary(1)), member("b", false, null)));
    assertEquals(0, t.primaries());
    assertEquals(0, t.inRecovery());
    assertEquals(0, t.systemIdentifiers());
    assertNull(t.highestTimeline());
    assertNull(t.lowestTimeline());
  }

  @Test
  void standbysOfAnotherDatabaseAreNoFailoverCandidates() {
    Topology t = Topology.of(List.of(member("a", primary(1)), member("b", standby(1, 2000.0)),
        member("x", server(true, 1L, "999", 3000.0))));
    assertEquals(List.of("b"), t.standbys().stream().map(Member::target).toList());
    assertEquals(2, t.inRecovery());
  }

  @Test
  void unknownTimelineIsLeftOut() {
    Topology t = Topology.of(List.of(member("a", primary(4)), member("b", server(true, null, Fixture.SYSID, 2.0))));
    assertEquals(4L, t.highestTimeline());
    assertEquals(4L, t.lowestTimeline());
  }

  @Test
  void aMemberNotProbedYetLeavesTheClusterUnjudged() {
    var notYet = new io.drwatch.sample.TargetStatus("b", "c1", java.util.Map.of("cluster", "c1"), "u", false, null,
        null, null, null, 0);
    Member b = new Member(notYet, Readings.NONE, java.util.Map.of());
    assertEquals(false, Topology.of(List.of(member("a", primary(1)), b)).probed());
    assertEquals(true, Topology.of(List.of(member("a", primary(1)))).probed());
  }
}
