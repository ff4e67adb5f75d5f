package io.drwatch.collect.postgres;

import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.TestClock;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Row mappings of the database, activity, locks, tables, bgwriter, checkpointer and io collectors,
 * per version shape, against golden exposition (every rendering also passes promtool).
 */
class PgDatabaseTest {

  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  static String expose(String collector, List<Sample> samples) throws Exception {
    TestClock clock = new TestClock(NOW);
    SampleCache cache = new SampleCache(clock);
    cache.putResult(new CollectorResult("pg-a", collector, true, samples, NOW, 0.01, null, NOW, 0,
        Duration.ofSeconds(45)));
    String full = Exposition.text(new CacheSnapshots(cache, clock).collect());
    assertEquals("", Promtool.checkMetrics(full), full);
    return Exposition.withoutAgentFamilies(full);
  }

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

  @Test
  void activityCountsOldestTimesAndLimits() throws Exception {
    List<Row> counts = List.of(
        row("datname", "app", "state", "active", "wait_event_type", "Lock", "connections", 2L),
        row("datname", "app", "state", "idle in transaction", "wait_event_type", "Client", "connections", 1L),
        row("datname", "", "state", "", "wait_event_type", "", "connections", 1L));
    List<Row> oldest = List.of(row("datname", "app", "oldest_xact", 1735689500.5, "oldest_idle_xact", 1735689600.0,
        "oldest_query", null));
    String text = expose("activity", PgActivity.map(counts, oldest,
        row("max_connections", 100, "superuser_reserved", 3, "reserved", 2)));
    assertEquals("""
        # TYPE pg_activity_connections gauge
        pg_activity_connections{database="",state="",target="pg-a",wait_event_type=""} 1.0
        pg_activity_connections{database="app",state="active",target="pg-a",wait_event_type="Lock"} 2.0
        pg_activity_connections{database="app",state="idle in transaction",target="pg-a",wait_event_type="Client"} 1.0
        # TYPE pg_activity_max_connections gauge
        pg_activity_max_connections{target="pg-a"} 100.0
        # TYPE pg_activity_oldest_idle_in_transaction_timestamp_seconds gauge
        pg_activity_oldest_idle_in_transaction_timestamp_seconds{database="app",target="pg-a"} 1.7356896E9
        # TYPE pg_activity_oldest_xact_start_timestamp_seconds gauge
        pg_activity_oldest_xact_start_timestamp_seconds{database="app",target="pg-a"} 1.7356895005E9
        # TYPE pg_activity_reserved_connections gauge
        pg_activity_reserved_connections{target="pg-a"} 2.0
        # TYPE pg_activity_superuser_reserved_connections gauge
        pg_activity_superuser_reserved_connections{target="pg-a"} 3.0
        """, text);
    assertFalse(expose("activity", PgActivity.map(List.of(), List.of(),
        row("max_connections", 100, "superuser_reserved", 3))).contains("pg_activity_reserved_connections"));
  }

  @Test
  void locksFillEveryModeAndReportTheBlocked() throws Exception {
    String text = expose("locks", PgLocks.map(
        List.of(row("mode", "AccessExclusiveLock", "held", 1L, "waiting", 0L),
            row("mode", "AccessShareLock", "held", 5L, "waiting", 1L)),
        row("blocked", 1L, "blocking", 1L, "oldest_wait", 1735689590.0)));
    assertEquals(9, text.lines().filter(l -> l.startsWith("pg_locks_held{")).count(), text);
    assertTrue(text.contains("pg_locks_held{mode=\"ShareLock\",target=\"pg-a\"} 0.0"), text);
    assertTrue(text.contains("pg_locks_waiting{mode=\"AccessShareLock\",target=\"pg-a\"} 1.0"), text);
    assertEquals("""
        # TYPE pg_locks_blocked_sessions gauge
        pg_locks_blocked_sessions{target="pg-a"} 1.0
        # TYPE pg_locks_blocking_sessions gauge
        pg_locks_blocking_sessions{target="pg-a"} 1.0
        # TYPE pg_locks_oldest_wait_start_timestamp_seconds gauge
        pg_locks_oldest_wait_start_timestamp_seconds{target="pg-a"} 1.73568959E9
        """, Exposition.only(text, "pg_locks_blocked", "pg_locks_blocking", "pg_locks_oldest"));
    assertFalse(expose("locks", PgLocks.map(List.of(), row("blocked", 0L, "blocking", 0L, "oldest_wait", null)))
        .contains("pg_locks_oldest"));
  }

  static Row table(long relid, String name, long seqScan, long dead, Double lastAutovacuum) {
    return row("relid", relid, "datname", "app", "schemaname", "public", "relname", name, "seq_scan", seqScan,
        "seq_tup_read", seqScan * 10, "idx_scan", 0L, "idx_tup_fetch", 0L, "n_tup_ins", 1L, "n_tup_upd", 0L,
        "n_tup_del", 0L, "vacuum_count", 0L, "autovacuum_count", 0L, "analyze_count", 0L,
        "autoanalyze_count", 0L, "n_live_tup", 100L, "n_dead_tup", dead, "last_vacuum", null,
        "last_autovacuum", lastAutovacuum, "last_analyze", null, "last_autoanalyze", null);
  }

  @Test
  void tablesTopBySeqScansAndByDeadTuplesPlusOther() throws Exception {
    TopN<Long> t = new TopN<>(PgTables.COUNTER_COLUMNS.length, PgTables.GAUGE_COLUMNS.length);
    PgTables.run(t, List.of(table(1, "scanned", 50, 0, null), table(2, "bloated", 1, 900, 1735680000.0),
        table(3, "quiet", 2, 1, null), table(4, "idle", 0, 2, null)), 1);
    String text = expose("tables", PgTables.run(t, List.of(table(1, "scanned", 50, 0, null),
        table(2, "bloated", 1, 900, 1735680000.0), table(3, "quiet", 9, 1, null), table(4, "idle", 0, 2, null)), 1));
    assertEquals("""
        # TYPE pg_table_dead_tuples gauge
        pg_table_dead_tuples{database="app",schema="",table="other",target="pg-a"} 2.0
        pg_table_dead_tuples{database="app",schema="public",table="bloated",target="pg-a"} 900.0
        pg_table_dead_tuples{database="app",schema="public",table="quiet",target="pg-a"} 1.0
        # TYPE pg_table_last_autovacuum_timestamp_seconds gauge
        pg_table_last_autovacuum_timestamp_seconds{database="app",schema="public",table="bloated",target="pg-a"} 1.73568E9
        # TYPE pg_table_seq_scans_total counter
        pg_table_seq_scans_total{database="app",schema="",table="other",target="pg-a"} 9.0
        pg_table_seq_scans_total{database="app",schema="public",table="bloated",target="pg-a"} 1.0
        pg_table_seq_scans_total{database="app",schema="public",table="quiet",target="pg-a"} 9.0
        # TYPE pg_table_tracked gauge
        pg_table_tracked{database="app",target="pg-a"} 4.0
        """, Exposition.only(text, "pg_table_dead", "pg_table_last_autovacuum", "pg_table_seq_scans", "pg_table_tracked"));
    // Baseline (top 1 per ranking): scanned leads lifetime scans, bloated dead rows; other starts
    // at quiet 2 + idle 0 scans. Then quiet scans 7 times, the most in the interval, and enters
    // the top at its lifetime 9; those 7 go to other (2 + 7 = 9), scanned drops out with its 50,
    // so Prometheus sees exactly +7. Dead rows of the rest (scanned 0, idle 2) are summed.
  }

  @Test
  void checkpointerKeepsItsNamesAcrossTheSeventeenSplit() throws Exception {
    Row v16 = row("num_timed", 10L, "num_requested", 2L, "write_time", 1.5, "sync_time", 0.25,
        "buffers_written", 300L, "stats_reset", 1735680000.0);
    Row v18 = row("num_timed", 10L, "num_requested", 2L, "write_time", 1.5, "sync_time", 0.25,
        "buffers_written", 300L, "restartpoints_timed", 1L, "restartpoints_req", 0L, "restartpoints_done", 1L,
        "num_done", 11L, "slru_written", 4L, "stats_reset", 1735680000.0);
    String common = """
        # TYPE pg_checkpointer_buffers_written_total counter
        pg_checkpointer_buffers_written_total{target="pg-a"} 300.0
        # TYPE pg_checkpointer_checkpoints_requested_total counter
        pg_checkpointer_checkpoints_requested_total{target="pg-a"} 2.0
        # TYPE pg_checkpointer_checkpoints_timed_total counter
        pg_checkpointer_checkpoints_timed_total{target="pg-a"} 10.0
        """;
    String t16 = expose("checkpointer", PgCheckpointer.map(v16));
    String t18 = expose("checkpointer", PgCheckpointer.map(v18));
    String[] same = {"pg_checkpointer_buffers", "pg_checkpointer_checkpoints_requested", "pg_checkpointer_checkpoints_timed"};
    assertEquals(common, Exposition.only(t16, same));
    assertEquals(common, Exposition.only(t18, same));
    assertFalse(t16.contains("restartpoints") || t16.contains("checkpoints_done") || t16.contains("slru"), t16);
    assertTrue(t18.contains("pg_checkpointer_restartpoints_done_total{target=\"pg-a\"} 1.0"), t18);
    assertTrue(t18.contains("pg_checkpointer_checkpoints_done_total{target=\"pg-a\"} 11.0"), t18);
    assertTrue(PgCheckpointer.sql(16).contains("pg_stat_bgwriter") && PgCheckpointer.sql(17).contains("pg_stat_checkpointer"));
  }

  @Test
  void ioRowsMapToOperationsTimesAndBytesAndSkipNull() throws Exception {
    Row r = row("backend_type", "client backend", "object", "relation", "context", "normal",
        "read", 5L, "write", 2L, "writeback", null, "extend", 1L, "hit", 100L, "eviction", 0L, "reuse", null,
        "fsync", 0L, "read_time", 0.003, "write_time", 0.0, "writeback_time", null, "extend_time", 0.0,
        "fsync_time", 0.0, "read_bytes", 40960.0, "write_bytes", 16384.0, "extend_bytes", 8192.0);
    String text = expose("io", PgIo.map(List.of(r)));
    assertEquals(6, text.lines().filter(l -> l.startsWith("pg_io_operations_total{")).count(), text);
    assertFalse(text.contains("operation=\"writeback\""), "NULL is no sample: " + text);
    assertTrue(text.contains("pg_io_bytes_total{backend_type=\"client backend\",context=\"normal\",object=\"relation\","
        + "operation=\"read\",target=\"pg-a\"} 40960.0"), text);
    assertTrue(text.contains("pg_io_time_seconds_total{backend_type=\"client backend\",context=\"normal\",object=\"relation\","
        + "operation=\"read\",target=\"pg-a\"} 0.003"), text);
    assertTrue(PgIo.sql(16).contains("reads * op_bytes") && PgIo.sql(18).contains("read_bytes::float8"));
  }

  @Test
  void bgwriterAndDatabaseSize() throws Exception {
    assertEquals("""
        # TYPE pg_bgwriter_buffers_alloc_total counter
        pg_bgwriter_buffers_alloc_total{target="pg-a"} 7.0
        # TYPE pg_bgwriter_buffers_clean_total counter
        pg_bgwriter_buffers_clean_total{target="pg-a"} 5.0
        # TYPE pg_bgwriter_maxwritten_clean_total counter
        pg_bgwriter_maxwritten_clean_total{target="pg-a"} 0.0
        """, expose("bgwriter", PgBgwriter.map(row("buffers_clean", 5L, "maxwritten_clean", 0L,
        "buffers_alloc", 7L, "stats_reset", null))));
    assertEquals("""
        # TYPE pg_database_size_bytes gauge
        pg_database_size_bytes{database="app",target="pg-a"} 7.5E7
        """, expose("database_size", PgDatabaseSize.map(List.of(row("datname", "app", "size_bytes", 7.5e7),
        row("datname", "secret", "size_bytes", null)))));
  }
}
