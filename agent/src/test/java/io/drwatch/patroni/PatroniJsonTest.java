package io.drwatch.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.patroni.PatroniJson.ClusterReport;
import io.drwatch.patroni.PatroniJson.HistoryEntry;
import io.drwatch.patroni.PatroniJson.MemberStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers captured from a real Patroni 3.0.2 (Debian) cluster, parsed. */
class PatroniJsonTest {

  static String fixture(String name) {
    try (InputStream in = PatroniJsonTest.class.getResourceAsStream("/patroni/3.0.2/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing fixture " + name, e);
    }
  }

  @Test
  void clusterWithASyncStandby() {
    ClusterReport r = PatroniJson.cluster(fixture("cluster-sync.json"));
    assertEquals(List.of("m1", "m2", "m3"), r.members().stream().map(PatroniJson.ClusterMember::name).toList());
    assertEquals("m2", r.leader().name());
    assertNull(r.leader().lagBytes(), "the leader has no lag field");
    assertTrue(r.members().get(2).syncStandby());
    assertEquals(0L, r.members().get(2).lagBytes());
    assertEquals(25433, r.members().get(2).port());
    assertEquals(2L, r.members().get(0).timeline());
    assertFalse(r.paused());
    assertNull(r.scheduledSwitchoverAt());
  }

  @Test
  void pausedPendingAndScheduled() {
    assertTrue(PatroniJson.cluster(fixture("cluster-paused.json")).paused());
    assertTrue(PatroniJson.cluster(fixture("cluster-pending.json")).members().stream()
        .allMatch(PatroniJson.ClusterMember::pendingRestart));
    ClusterReport s = PatroniJson.cluster(fixture("cluster-scheduled.json"));
    assertEquals(Instant.parse("2026-12-07T18:56:02Z"), s.scheduledSwitchoverAt());
    assertEquals(Instant.parse("2026-12-07T18:56:02Z"), s.members().get(2).scheduledRestartAt());
  }

  @Test
  void memberStatusOfPrimaryReplicaAndDuringAFailsafeOutage() {
    MemberStatus primary = PatroniJson.member(fixture("patroni-m2.json"));
    assertTrue(primary.primary());
    assertEquals(2L, primary.timeline());
    assertEquals("7716621609825884086", primary.systemIdentifier());
    assertEquals("3.0.2", primary.version());
    assertEquals(List.of(new PatroniJson.Replication("m3", "streaming", "sync"),
        new PatroniJson.Replication("m1", "streaming", "async")), primary.replication());
    MemberStatus sync = PatroniJson.member(fixture("patroni-m3.json"));
    assertFalse(sync.primary());
    assertTrue(sync.syncStandby());
    assertEquals(1796666150.0, sync.dcsLastSeenSeconds());
    MemberStatus outage = PatroniJson.member(fixture("patroni-failsafe-m2.json"));
    assertTrue(outage.primary() && outage.failsafeActive() && outage.clusterUnlocked() && outage.pendingRestart());
  }

  @Test
  void historyAndConfig() {
    List<HistoryEntry> h = PatroniJson.history(fixture("history.json"));
    assertEquals(List.of(new HistoryEntry(1, 67417096L, "no recovery target specified",
        Instant.parse("2026-12-07T17:55:37.167397Z"), "m2")), h);
    assertEquals(List.of(), PatroniJson.history("[]"));
    // Old entries without a timestamp (Patroni keeps them as PostgreSQL's history file has them).
    assertEquals(new HistoryEntry(3, 100L, "reason", null, null), PatroniJson.history("[[3, 100, \"reason\"]]").get(0));
    PatroniJson.DcsConfig c = PatroniJson.config(fixture("config.json"));
    assertTrue(c.synchronousMode() && c.failsafeMode());
    assertFalse(c.synchronousModeStrict());
    assertEquals(10L, c.ttlSeconds());
    assertTrue(PatroniJson.config("{\"synchronous_mode\": \"on\"}").synchronousMode());
  }

  @Test
  void garbageIsAnErrorNotAZero() {
    assertThrows(IllegalArgumentException.class, () -> PatroniJson.cluster("<html>"));
    assertThrows(IllegalArgumentException.class, () -> PatroniJson.history("{}"));
  }
}
