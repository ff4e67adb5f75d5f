package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The database collector: {@code pg_stat_database} rows per version shape → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgDatabaseTest {

  /** A pg_stat_database row; {@code extra} adds columns (a standby's conflict counts). */
  static Row database(String name, boolean v14, boolean v18, Long checksumFailures, Object... extra) {
    List<Object> kv = new java.util.ArrayList<>(List.of("datname", name, "numbackends", 3, "xact_commit", 100L,
        "xact_rollback", 2L, "blks_read", 10L, "blks_hit", 990L, "tup_returned", 5L, "tup_fetched", 4L,
        "tup_inserted", 3L, "tup_updated", 2L, "tup_deleted", 1L, "conflicts", 0L, "temp_files", 1L,
        "temp_bytes", 8192L, "deadlocks", 0L, "blk_read_time", 0.25, "blk_write_time", 0.0,
        "stats_reset", 1735680000.0, "xid_age", 1000.0, "mxid_age", 0.0));
    kv.addAll(java.util.Arrays.asList("checksum_failures", checksumFailures, "checksum_last_failure", null));
    if (v14) {
      kv.addAll(List.of("session_time", 12.5, "active_time", 2.0, "idle_in_transaction_time", 0.5,
          "sessions", 7L, "sessions_abandoned", 0L, "sessions_fatal", 0L, "sessions_killed", 1L));
    }
    if (v18) {
      kv.addAll(List.of("parallel_workers_to_launch", 4L, "parallel_workers_launched", 3L));
    }
    kv.addAll(List.of(extra));
    return row(kv.toArray());
  }

  @Test
  void databaseOn13HasNoSessionStatsAndNoChecksumsWhenOff() throws Exception {
    String text = expose("database", PgDatabase.map(List.of(database("app", false, false, null))));
    assertFalse(text.contains("pg_database_sessions"), text);
    assertFalse(text.contains("pg_database_checksum"), text);
    assertFalse(text.contains("pg_database_conflicts_by_reason"), text);
    assertEquals("""
        # TYPE pg_database_frozen_xid_age gauge
        pg_database_frozen_xid_age{database="app",target="pg-a"} 1000.0
        # TYPE pg_database_xact_commits_total counter
        pg_database_xact_commits_total{database="app",target="pg-a"} 100.0
        # TYPE pg_database_xid_wraparound_headroom gauge
        pg_database_xid_wraparound_headroom{database="app",target="pg-a"} 2.147482647E9
        """, Exposition.only(text, "pg_database_frozen_xid", "pg_database_xact_commits", "pg_database_xid_"));
  }

  @Test
  void database18WithChecksumsAndStandbyConflicts() throws Exception {
    Row standby = database("app", true, true, 0L, "confl_tablespace", 0L, "confl_lock", 1L, "confl_snapshot", 2L,
        "confl_bufferpin", 0L, "confl_deadlock", 0L, "confl_active_logicalslot", 0L);
    String text = expose("database", PgDatabase.map(List.of(standby)));
    assertEquals("""
        # TYPE pg_database_checksum_failures_total counter
        pg_database_checksum_failures_total{database="app",target="pg-a"} 0.0
        # TYPE pg_database_conflicts_by_reason_total counter
        pg_database_conflicts_by_reason_total{database="app",reason="active_logicalslot",target="pg-a"} 0.0
        pg_database_conflicts_by_reason_total{database="app",reason="bufferpin",target="pg-a"} 0.0
        pg_database_conflicts_by_reason_total{database="app",reason="deadlock",target="pg-a"} 0.0
        pg_database_conflicts_by_reason_total{database="app",reason="lock",target="pg-a"} 1.0
        pg_database_conflicts_by_reason_total{database="app",reason="snapshot",target="pg-a"} 2.0
        pg_database_conflicts_by_reason_total{database="app",reason="tablespace",target="pg-a"} 0.0
        # TYPE pg_database_parallel_workers_launched_total counter
        pg_database_parallel_workers_launched_total{database="app",target="pg-a"} 3.0
        # TYPE pg_database_session_time_seconds_total counter
        pg_database_session_time_seconds_total{database="app",target="pg-a"} 12.5
        """, Exposition.only(text, "pg_database_checksum", "pg_database_conflicts_by", "pg_database_parallel_workers_l",
        "pg_database_session_time"));
  }
}
