package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.NOW;
import static io.drwatch.cluster.Fixture.readings;
import static io.drwatch.cluster.Fixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Against the pgbackrest collector's contract (DESIGN): completion per stanza and type, status per stanza. */
class BackupLayerTest {

  @Test
  void absentWithoutPgBackRestSamples() {
    assertNull(BackupLayer.estimate(List.of(Readings.NONE, readings(s("pg_archiver_enabled", 1))), Set.of(), 0, NOW));
    assertNull(BackupLayer.estimate(List.of(), Set.of(), 0, NOW));
  }

  @Test
  void theNewestBackupOfAnyTypeOfAHealthyStanza() {
    Readings repoHost = readings(
        s("pgbackrest_stanza_status", 0, "main"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 86400, "main", "full"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 3600, "main", "diff"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 600, "main", "incr"));
    assertEquals(new Layer("backup", true, 600.0, null), BackupLayer.estimate(List.of(Readings.NONE, repoHost), Set.of(), 0, NOW));
  }

  @Test
  void anUnhealthyStanzaIsReportedButNotHealthy() {
    Readings r = readings(s("pgbackrest_stanza_status", 99, "main"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 7200, "main", "full"));
    assertEquals(new Layer("backup", false, 7200.0, null), BackupLayer.estimate(List.of(r), Set.of(), 0, NOW));
  }

  @Test
  void statusWithoutAnyBackupIsUnhealthyWithoutAge() {
    Readings r = readings(s("pgbackrest_stanza_status", 2, "main")); // no valid backups
    assertEquals(new Layer("backup", false, null, null), BackupLayer.estimate(List.of(r), Set.of(), 0, NOW));
  }

  @Test
  void aStanzaReadableFromOneMemberIsHealthyAndMembersMerge() {
    Readings primary = readings(s("pgbackrest_stanza_status", 99, "main"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 5000, "main", "full"));
    Readings standby = readings(s("pgbackrest_stanza_status", 0, "main"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 1000, "main", "incr"));
    assertEquals(new Layer("backup", true, 1000.0, null), BackupLayer.estimate(List.of(primary, standby), Set.of(), 0, NOW));
  }

  @Test
  void onlyHealthyStanzasCountWhenOneIsHealthy() {
    Readings r = readings(
        s("pgbackrest_stanza_status", 0, "old"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 9000, "old", "full"),
        s("pgbackrest_stanza_status", 1, "broken"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 10, "broken", "full"));
    assertEquals(new Layer("backup", true, 9000.0, null), BackupLayer.estimate(List.of(r), Set.of(), 0, NOW));
  }

  @Test
  void extraLabelsSuchAsRepoAreTolerated() {
    MetricFamily withRepo = MetricFamily.gauge("pgbackrest_backup_last_completion_timestamp_seconds", "h",
        "stanza", "repo", "type");
    MetricFamily statusWithRepo = MetricFamily.gauge("pgbackrest_stanza_status", "h", "stanza", "repo");
    Readings r = new Readings(List.of(
        new Sample(statusWithRepo, List.of("main", "1"), 0),
        new Sample(withRepo, List.of("main", "1", "full"), NOW - 300),
        new Sample(withRepo, List.of("main", "2", "full"), NOW - 100)));
    assertEquals(new Layer("backup", true, 100.0, null), BackupLayer.estimate(List.of(r), Set.of(), 0, NOW));
  }

  @Test
  void aCompletionInTheFutureIsNoNegativeAge() {
    Readings r = readings(s("pgbackrest_stanza_status", 0, "main"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW + 2, "main", "full"));
    assertEquals(0.0, BackupLayer.estimate(List.of(r), Set.of(), 0, NOW).seconds());
  }

  @Test
  void anotherClustersStanzaNeverCounts() {
    // one repository, two clusters' stanzas: ours backed up a day ago, the other one a minute ago
    Readings byMatch = readings(
        s("pgbackrest_stanza_status", 0, "ours"), s("pgbackrest_stanza_status", 0, "theirs"),
        s("pgbackrest_stanza_matches_target", 1, "ours"), s("pgbackrest_stanza_matches_target", 0, "theirs"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 86400, "ours", "full"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 60, "theirs", "full"));
    assertEquals(new Layer("backup", true, 86400.0, null), BackupLayer.estimate(List.of(byMatch), Set.of(), 0, NOW));
    // no target system identifier on the collector's side: the stanza's own against the members'
    Readings byInfo = readings(
        s("pgbackrest_stanza_status", 0, "ours"), s("pgbackrest_stanza_status", 0, "theirs"),
        s("pgbackrest_stanza_info", 1, "ours", "none", "15", "7450000000000000001"),
        s("pgbackrest_stanza_info", 1, "theirs", "none", "15", "7450000000000000999"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 86400, "ours", "full"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 60, "theirs", "full"));
    assertEquals(new Layer("backup", true, 86400.0, null),
        BackupLayer.estimate(List.of(byInfo), Set.of("7450000000000000001"), 0, NOW));
    Readings theirsOnly = readings(s("pgbackrest_stanza_status", 0, "theirs"),
        s("pgbackrest_stanza_matches_target", 0, "theirs"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", NOW - 60, "theirs", "full"));
    assertEquals(new Layer("backup", false, null, null), BackupLayer.estimate(List.of(theirsOnly), Set.of(), 0, NOW),
        "a repository holding only other clusters' backups protects nothing here");
  }

  @Test
  void aFailingOrHungCollectorIsAnUnhealthyLayerNotAMissingOne() {
    assertEquals(new Layer("backup", false, null, null),
        BackupLayer.estimate(List.of(Readings.NONE, Readings.NONE), Set.of(), 1, NOW));
  }
}
