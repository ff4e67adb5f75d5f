package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.primaryWith;
import static io.drwatch.cluster.Fixture.standbyRow;
import static io.drwatch.cluster.Fixture.syncConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drwatch.collect.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaLayerTest {

  @Test
  void absentWithoutThePrimarysReplicationSamples() {
    assertNull(ReplicaLayer.estimate(Readings.NONE));
  }

  @Test
  void noStandbyMeansNoReplicaProtection() {
    assertEquals(new Layer("replica", false, null, null), ReplicaLayer.estimate(primaryWith(List.of(), List.of())));
  }

  @Test
  void asyncTheMostAdvancedStreamingStandbyCounts() {
    Readings p = primaryWith(List.of(), List.of(
        standbyRow("far", "streaming", "async", 9_000_000, 4.0),
        standbyRow("near", "streaming", "async", 8192, 0.02)));
    assertEquals(new Layer("replica", true, 0.02, 8192.0), ReplicaLayer.estimate(p));
  }

  @Test
  void onlyStreamingStandbysAreCandidates() {
    Readings p = primaryWith(List.of(), List.of(
        standbyRow("catching", "catchup", "async", 10, 0.0),
        standbyRow("basebackup", "backup", "async", 0, null),
        standbyRow("hidden", "", "", 0, null),
        standbyRow("ok", "streaming", "async", 5000, 1.5)));
    assertEquals(new Layer("replica", true, 1.5, 5000.0), ReplicaLayer.estimate(p));
  }

  @Test
  void aStandbyWithoutFlushPositionIsNoCandidate() {
    Readings p = Fixture.readings(Fixture.s("pg_replication_standbys_connected", 1),
        Fixture.s("pg_replication_standby_info", 1, "new", "10.0.0.3", "streaming", "async"));
    assertEquals(new Layer("replica", false, null, null), ReplicaLayer.estimate(p));
  }

  @Test
  void firstInForceLosesNoAcknowledgedCommit() {
    Readings p = primaryWith(syncConfig("first", "on", 1), List.of(
        standbyRow("sync1", "streaming", "sync", 4096, 0.001),
        standbyRow("async1", "streaming", "async", 100_000, 0.5)));
    assertEquals(new Layer("replica", true, 0.0, 0.0), ReplicaLayer.estimate(p));
  }

  @Test
  void underFirstInForceTheSyncStandbysHoldEveryAcknowledgedCommit() {
    List<List<Sample>> standbys = List.of(
        standbyRow("sync1", "streaming", "sync", 4096, 0.001),
        standbyRow("async1", "streaming", "async", 0, 0.0));
    assertEquals(java.util.Set.of("sync1"),
        ReplicaLayer.holdingEveryAcknowledgedCommit(primaryWith(syncConfig("first", "on", 1), standbys)));
    List<Sample> bypass = new ArrayList<>(syncConfig("first", "on", 1));
    bypass.add(Fixture.s("pg_replication_sync_commit_override_info", 1, "app", "", "local"));
    assertEquals(java.util.Set.of(), ReplicaLayer.holdingEveryAcknowledgedCommit(primaryWith(bypass, standbys)),
        "a database committing locally: no standby holds all");
    assertEquals(java.util.Set.of(), ReplicaLayer.holdingEveryAcknowledgedCommit(primaryWith(syncConfig("any", "on", 1),
        List.of(standbyRow("a", "streaming", "quorum", 0, 0.0), standbyRow("b", "streaming", "quorum", 0, 0.0)))),
        "ANY 1: the acknowledged commits are spread over the quorum");
    assertEquals(java.util.Set.of(), ReplicaLayer.holdingEveryAcknowledgedCommit(primaryWith(List.of(), standbys)),
        "no synchronous_standby_names");
  }

  @Test
  void aRoleOrDatabaseCommittingLocallyVoidsTheSynchronousClaim() {
    List<List<Sample>> standbys = List.of(
        standbyRow("sync1", "streaming", "sync", 4096, 0.001),
        standbyRow("async1", "streaming", "async", 100_000, 0.5));
    List<Sample> waiting = new ArrayList<>(syncConfig("first", "on", 1));
    waiting.add(Fixture.s("pg_replication_sync_commit_override_info", 1, "", "batch", "remote_apply"));
    assertEquals(new Layer("replica", true, 0.0, 0.0), ReplicaLayer.estimate(primaryWith(waiting, standbys)),
        "an override that still waits keeps the guarantee");
    for (String level : List.of("local", "off")) {
      List<Sample> bypass = new ArrayList<>(syncConfig("first", "on", 1));
      bypass.add(Fixture.s("pg_replication_sync_commit_override_info", 1, "app", "", level));
      assertEquals(new Layer("replica", true, 0.001, 4096.0), ReplicaLayer.estimate(primaryWith(bypass, standbys)),
          "database app commits with " + level + ": the best standby's flush lag is what it risks");
    }
  }

  @Test
  void firstTwoWithOneSyncStandbyIsNotInForce() {
    // FIRST 2 (a, b) with only a streaming: a shows sync, commits wait; what a holds is what counts
    Readings p = primaryWith(syncConfig("first", "on", 2), List.of(
        standbyRow("a", "streaming", "sync", 300, 0.01),
        standbyRow("c", "streaming", "async", 900, 0.2)));
    assertEquals(new Layer("replica", true, 0.01, 300.0), ReplicaLayer.estimate(p));
  }

  @Test
  void anyCountsQuorumStandbys() {
    Readings inForce = primaryWith(syncConfig("any", "remote_apply", 2), List.of(
        standbyRow("a", "streaming", "quorum", 300, 0.01),
        standbyRow("b", "streaming", "quorum", 200, 0.01),
        standbyRow("c", "streaming", "async", 0, 0.0)));
    assertEquals(new Layer("replica", true, 0.0, 0.0), ReplicaLayer.estimate(inForce));
    Readings short1 = primaryWith(syncConfig("any", "on", 2), List.of(
        standbyRow("a", "streaming", "quorum", 300, 0.03),
        standbyRow("c", "streaming", "async", 700, 0.2)));
    assertEquals(new Layer("replica", true, 0.03, 300.0), ReplicaLayer.estimate(short1));
  }

  @Test
  void syncStateOfTheOtherMethodDoesNotCount() {
    Readings p = primaryWith(syncConfig("any", "on", 1), List.of(standbyRow("a", "streaming", "sync", 50, 0.0)));
    assertEquals(new Layer("replica", true, 0.0, 50.0), ReplicaLayer.estimate(p));
  }

  @Test
  void localCommitsDoNotWaitSoSyncIsNotInForce() {
    for (String commit : List.of("local", "off")) {
      Readings p = primaryWith(syncConfig("first", commit, 1), List.of(standbyRow("s", "streaming", "sync", 64, 0.0)));
      assertEquals(new Layer("replica", true, 0.0, 64.0), ReplicaLayer.estimate(p), commit);
    }
    Readings remoteWrite = primaryWith(syncConfig("first", "remote_write", 1),
        List.of(standbyRow("s", "streaming", "sync", 64, 0.0)));
    assertEquals(0.0, ReplicaLayer.estimate(remoteWrite).bytes(), "remote_write waits too");
  }

  @Test
  void syncOffOrUnknownFallsBackToTheMeasurement() {
    Readings off = primaryWith(syncConfig("off", "on", 0), List.of(standbyRow("s", "streaming", "async", 64, 0.0)));
    assertEquals(64.0, ReplicaLayer.estimate(off).bytes());
    // sync_replication failed (no pg_monitor): no config sample, so no guarantee is assumed
    Readings unknown = primaryWith(List.of(), List.of(standbyRow("s", "streaming", "sync", 64, 0.0)));
    assertEquals(64.0, ReplicaLayer.estimate(unknown).bytes());
  }

  @Test
  void missingSecondsStayMissing() {
    Readings p = primaryWith(List.of(), List.of(standbyRow("s", "streaming", "async", 10, null)));
    assertEquals(new Layer("replica", true, null, 10.0), ReplicaLayer.estimate(p));
  }

  @Test
  void aNegativeLagFromSamplingOrderIsZero() {
    Readings p = primaryWith(List.of(), List.of(standbyRow("s", "streaming", "async", -120, 0.0)));
    assertEquals(0.0, ReplicaLayer.estimate(p).bytes());
  }
}
