package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The archiver collector: {@code pg_stat_archiver} and the {@code .ready} backlog → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgArchiverTest {

  private static final long MIB = 1024 * 1024;
  private static final long SEG = 16 * MIB;

  /** 12 segments + 4096 bytes into timeline 1: 12 * 16777216 + 4096. */
  private static final double CURRENT = 201_330_688.0;

  private static Row archiverStats(long archived, long failed, Double lastArchived, Double lastFailed,
      String mode, boolean inRecovery, Double current) {
    return row("archived_count", archived, "failed_count", failed,
        "last_archived_time", lastArchived, "last_failed_time", lastFailed,
        "archive_mode", mode, "in_recovery", inRecovery, "segment_size", SEG, "current_lsn", current);
  }

  private static Optional<Row> ready(long files, String oldest, Double oldestModified) {
    return Optional.of(row("ready_files", files, "oldest_segment", oldest, "oldest_modified", oldestModified));
  }

  @Test
  void readyBacklogCountsFromTheOldestReadySegment() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", false, CURRENT);
    // unarchived = current - start of segment 0xA = 201330688 - 10 * 16777216 = 33558528;
    // archived up to the start of segment 0xA = 167772160
    assertEquals("""
        # TYPE pg_archiver_archived_total counter
        pg_archiver_archived_total{target="pg-a"} 5.0
        # TYPE pg_archiver_archived_lsn_bytes gauge
        pg_archiver_archived_lsn_bytes{target="pg-a"} 1.6777216E8
        # TYPE pg_archiver_enabled gauge
        pg_archiver_enabled{target="pg-a"} 1.0
        # TYPE pg_archiver_failed_total counter
        pg_archiver_failed_total{target="pg-a"} 0.0
        # TYPE pg_archiver_failing gauge
        pg_archiver_failing{target="pg-a"} 0.0
        # TYPE pg_archiver_last_archived_timestamp_seconds gauge
        pg_archiver_last_archived_timestamp_seconds{target="pg-a"} 1.735689E9
        # TYPE pg_archiver_oldest_ready_timestamp_seconds gauge
        pg_archiver_oldest_ready_timestamp_seconds{target="pg-a"} 1.7356891E9
        # TYPE pg_archiver_ready_files gauge
        pg_archiver_ready_files{target="pg-a"} 3.0
        # TYPE pg_archiver_unarchived_bytes gauge
        pg_archiver_unarchived_bytes{target="pg-a"} 3.3558528E7
        """, expose("archiver", PgArchiver.map(stats,
            ready(3, "00000001000000000000000A.ready", 1735689100.0))));
  }

  @Test
  void noBacklogCountsFromTheStartOfTheCurrentSegment() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", false, CURRENT);
    // unarchived = current - 12 * 16777216 = 4096; archived up to the segment in progress
    assertEquals("""
        # TYPE pg_archiver_archived_lsn_bytes gauge
        pg_archiver_archived_lsn_bytes{target="pg-a"} 2.01326592E8
        # TYPE pg_archiver_ready_files gauge
        pg_archiver_ready_files{target="pg-a"} 0.0
        # TYPE pg_archiver_unarchived_bytes gauge
        pg_archiver_unarchived_bytes{target="pg-a"} 4096.0
        """, Exposition.only(expose("archiver", PgArchiver.map(stats, ready(0, null, null))),
            "pg_archiver_archived_lsn", "pg_archiver_ready", "pg_archiver_unarchived", "pg_archiver_oldest"));
  }

  @Test
  void standbyWithArchiveModeOnDoesNotArchive() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", true, null);
    assertEquals("""
        # TYPE pg_archiver_archived_total counter
        pg_archiver_archived_total{target="pg-a"} 5.0
        # TYPE pg_archiver_enabled gauge
        pg_archiver_enabled{target="pg-a"} 0.0
        # TYPE pg_archiver_failed_total counter
        pg_archiver_failed_total{target="pg-a"} 0.0
        # TYPE pg_archiver_failing gauge
        pg_archiver_failing{target="pg-a"} 0.0
        # TYPE pg_archiver_last_archived_timestamp_seconds gauge
        pg_archiver_last_archived_timestamp_seconds{target="pg-a"} 1.735689E9
        """, expose("archiver", PgArchiver.map(stats,
            ready(3, "00000001000000000000000A.ready", 1735689100.0))));
  }

  @Test
  void standbyWithArchiveModeAlwaysShowsBacklogButNoBytes() throws Exception {
    // A standby has no current write position, so unarchived bytes cannot be derived.
    Row stats = archiverStats(5, 0, 1735689000.0, null, "always", true, null);
    assertEquals("""
        # TYPE pg_archiver_enabled gauge
        pg_archiver_enabled{target="pg-a"} 1.0
        # TYPE pg_archiver_ready_files gauge
        pg_archiver_ready_files{target="pg-a"} 1.0
        """, Exposition.only(expose("archiver", PgArchiver.map(stats,
            ready(1, "00000001000000000000000A.ready", 1735689100.0))),
            "pg_archiver_enabled", "pg_archiver_ready", "pg_archiver_unarchived"));
  }

  @Test
  void lastFailureAfterLastSuccessIsFailing() throws Exception {
    Row stats = archiverStats(5, 3, 1735689000.0, 1735689060.0, "on", false, CURRENT);
    // unarchived = current - 11 * 16777216 = 16781312
    assertEquals("""
        # TYPE pg_archiver_failed_total counter
        pg_archiver_failed_total{target="pg-a"} 3.0
        # TYPE pg_archiver_failing gauge
        pg_archiver_failing{target="pg-a"} 1.0
        # TYPE pg_archiver_last_archived_timestamp_seconds gauge
        pg_archiver_last_archived_timestamp_seconds{target="pg-a"} 1.735689E9
        # TYPE pg_archiver_last_failed_timestamp_seconds gauge
        pg_archiver_last_failed_timestamp_seconds{target="pg-a"} 1.73568906E9
        # TYPE pg_archiver_unarchived_bytes gauge
        pg_archiver_unarchived_bytes{target="pg-a"} 1.6781312E7
        """, Exposition.only(expose("archiver", PgArchiver.map(stats,
            ready(2, "00000001000000000000000B.ready", 1735689030.0))),
            "pg_archiver_fail", "pg_archiver_last", "pg_archiver_unarchived"));
  }

  @Test
  void failingIsDecidedByTimesNotCounts() throws Exception {
    String failing = "pg_archiver_failing{";
    // Failed before, archived since: recovered.
    assertEquals("pg_archiver_failing{target=\"pg-a\"} 0.0\n", Exposition.only(expose("archiver",
        PgArchiver.map(archiverStats(5, 3, 1735689060.0, 1735689000.0, "on", false, CURRENT),
            Optional.empty())), failing));
    // Never archived, failed once.
    assertEquals("pg_archiver_failing{target=\"pg-a\"} 1.0\n", Exposition.only(expose("archiver",
        PgArchiver.map(archiverStats(0, 1, null, 1735689000.0, "on", false, CURRENT),
            Optional.empty())), failing));
  }

  @Test
  void backlogUnreadableForTheRoleGivesOnlyStats() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", false, CURRENT);
    assertEquals("", Exposition.only(expose("archiver", PgArchiver.map(stats, Optional.empty())),
        "pg_archiver_ready", "pg_archiver_unarchived", "pg_archiver_oldest"));
  }
}
