package io.drwatch.collect.postgres;

import static io.drwatch.collect.MetricFamily.counter;
import static io.drwatch.collect.MetricFamily.gauge;

import com.google.auto.service.AutoService;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.ManagedService;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.util.List;

/**
 * Per-database activity from {@code pg_stat_database} (the shared-objects row with a NULL datname
 * is left out), transaction-ID wraparound headroom from {@code pg_database}, and on a standby the
 * queries cancelled by recovery conflicts ({@code pg_stat_database_conflicts}). Session statistics
 * are 14+, parallel worker counters 18+, {@code confl_active_logicalslot} 16+.
 */
@AutoService(Collector.class)
public final class PgDatabase implements PostgresCollector {

  /** XIDs are 32-bit and compared modulo 2^31: an age of 2^31 - 1 is wraparound. */
  static final double XID_LIMIT = 2147483647d;

  static final MetricFamily BACKENDS = gauge("pg_database_backends",
      "Backends connected to the database (pg_stat_database.numbackends).", "database");
  static final MetricFamily COMMITS = counter("pg_database_xact_commits_total",
      "Transactions committed.", "database");
  static final MetricFamily ROLLBACKS = counter("pg_database_xact_rollbacks_total",
      "Transactions rolled back.", "database");
  static final MetricFamily BLKS_READ = counter("pg_database_blocks_read_total",
      "Disk blocks read (not found in shared buffers).", "database");
  static final MetricFamily BLKS_HIT = counter("pg_database_blocks_hit_total",
      "Disk blocks found in shared buffers.", "database");
  static final MetricFamily TUP_RETURNED = counter("pg_database_tuples_returned_total",
      "Rows returned by sequential scans and index entries returned by index scans.", "database");
  static final MetricFamily TUP_FETCHED = counter("pg_database_tuples_fetched_total",
      "Live rows fetched by index scans.", "database");
  static final MetricFamily TUP_INSERTED = counter("pg_database_tuples_inserted_total", "Rows inserted.", "database");
  static final MetricFamily TUP_UPDATED = counter("pg_database_tuples_updated_total", "Rows updated.", "database");
  static final MetricFamily TUP_DELETED = counter("pg_database_tuples_deleted_total", "Rows deleted.", "database");
  static final MetricFamily CONFLICTS = counter("pg_database_conflicts_total",
      "Queries cancelled by recovery conflicts (standbys only; 0 on a primary).", "database");
  static final MetricFamily TEMP_FILES = counter("pg_database_temp_files_total",
      "Temporary files created by queries.", "database");
  static final MetricFamily TEMP_BYTES = counter("pg_database_temp_bytes_total",
      "Bytes written to temporary files by queries.", "database");
  static final MetricFamily DEADLOCKS = counter("pg_database_deadlocks_total", "Deadlocks detected.", "database");
  static final MetricFamily CHECKSUM_FAILURES = counter("pg_database_checksum_failures_total",
      "Data page checksum failures (absent when data checksums are off).", "database");
  static final MetricFamily CHECKSUM_LAST = gauge("pg_database_checksum_last_failure_timestamp_seconds",
      "When the last checksum failure was detected.", "database");
  static final MetricFamily READ_TIME = counter("pg_database_block_read_time_seconds_total",
      "Time backends spent reading data file blocks (needs track_io_timing).", "database");
  static final MetricFamily WRITE_TIME = counter("pg_database_block_write_time_seconds_total",
      "Time backends spent writing data file blocks (needs track_io_timing).", "database");
  static final MetricFamily SESSION_TIME = counter("pg_database_session_time_seconds_total",
      "14+: time spent by sessions.", "database");
  static final MetricFamily ACTIVE_TIME = counter("pg_database_active_time_seconds_total",
      "14+: time spent executing statements.", "database");
  static final MetricFamily IDLE_XACT_TIME = counter("pg_database_idle_in_transaction_time_seconds_total",
      "14+: time spent idle in a transaction.", "database");
  static final MetricFamily SESSIONS = counter("pg_database_sessions_total", "14+: sessions established.", "database");
  static final MetricFamily SESSIONS_ABANDONED = counter("pg_database_sessions_abandoned_total",
      "14+: sessions ended because the client went away.", "database");
  static final MetricFamily SESSIONS_FATAL = counter("pg_database_sessions_fatal_total",
      "14+: sessions ended by fatal errors.", "database");
  static final MetricFamily SESSIONS_KILLED = counter("pg_database_sessions_killed_total",
      "14+: sessions ended by operator intervention.", "database");
  static final MetricFamily PARALLEL_TO_LAUNCH = counter("pg_database_parallel_workers_to_launch_total",
      "18+: parallel workers planned to be launched.", "database");
  static final MetricFamily PARALLEL_LAUNCHED = counter("pg_database_parallel_workers_launched_total",
      "18+: parallel workers launched.", "database");
  static final MetricFamily STATS_RESET = gauge("pg_database_stats_reset_timestamp_seconds",
      "When the database's statistics were last reset.", "database");
  static final MetricFamily XID_AGE = gauge("pg_database_frozen_xid_age",
      "Transactions since the database's oldest unfrozen XID (age(datfrozenxid)).", "database");
  static final MetricFamily XID_HEADROOM = gauge("pg_database_xid_wraparound_headroom",
      "Transactions left before XID wraparound (2^31 - 1 - age(datfrozenxid)).", "database");
  static final MetricFamily MXID_AGE = gauge("pg_database_frozen_multixact_age",
      "Multixacts since the database's oldest unfrozen multixact (mxid_age(datminmxid)).", "database");
  static final MetricFamily CONFLICTS_BY_REASON = counter("pg_database_conflicts_by_reason_total",
      "Standby only: queries cancelled by recovery conflicts, by reason (pg_stat_database_conflicts).",
      "database", "reason");

  /**
   * One statement per round; on a standby it also carries the recovery-conflict counts by reason
   * (pg_stat_database_conflicts, joined on the database oid), which stay zero on a primary.
   */
  static String sql(int major, boolean inRecovery) {
    return sql(major, inRecovery, ManagedService.NONE);
  }

  /** A managed service's own databases (rdsadmin, cloudsqladmin, …) are left out. */
  static String sql(int major, boolean inRecovery, ManagedService service) {
    String ownDatabases = service.excludeOwnDatabases("d.datname");
    String sessions = major >= 14
        ? ", d.session_time / 1000 AS session_time, d.active_time / 1000 AS active_time,"
            + " d.idle_in_transaction_time / 1000 AS idle_in_transaction_time, d.sessions,"
            + " d.sessions_abandoned, d.sessions_fatal, d.sessions_killed"
        : "";
    String parallel = major >= 18 ? ", d.parallel_workers_to_launch, d.parallel_workers_launched" : "";
    String conflicts = inRecovery
        ? ", c.confl_tablespace, c.confl_lock, c.confl_snapshot, c.confl_bufferpin, c.confl_deadlock"
            + (major >= 16 ? ", c.confl_active_logicalslot" : "")
        : "";
    String conflictsJoin = inRecovery ? " LEFT JOIN pg_stat_database_conflicts c ON c.datid = d.datid" : "";
    return """
        SELECT d.datname, d.numbackends, d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit,
               d.tup_returned, d.tup_fetched, d.tup_inserted, d.tup_updated, d.tup_deleted,
               d.conflicts, d.temp_files, d.temp_bytes, d.deadlocks, d.checksum_failures,
               extract(epoch FROM d.checksum_last_failure)::float8 AS checksum_last_failure,
               d.blk_read_time / 1000 AS blk_read_time, d.blk_write_time / 1000 AS blk_write_time,
               extract(epoch FROM d.stats_reset)::float8 AS stats_reset,
               age(db.datfrozenxid)::float8 AS xid_age, mxid_age(db.datminmxid)::float8 AS mxid_age%s%s%s
        FROM pg_stat_database d JOIN pg_database db ON db.oid = d.datid%s
        WHERE d.datname IS NOT NULL AND %s
        ORDER BY d.datname""".formatted(sessions, parallel, conflicts, conflictsJoin, ownDatabases);
  }

  static final List<String> REASONS = List.of("tablespace", "lock", "snapshot", "bufferpin", "deadlock",
      "active_logicalslot");

  @Override
  public String name() {
    return "database";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(BACKENDS, COMMITS, ROLLBACKS, BLKS_READ, BLKS_HIT, TUP_RETURNED, TUP_FETCHED,
        TUP_INSERTED, TUP_UPDATED, TUP_DELETED, CONFLICTS, TEMP_FILES, TEMP_BYTES, DEADLOCKS,
        CHECKSUM_FAILURES, CHECKSUM_LAST, READ_TIME, WRITE_TIME, SESSION_TIME, ACTIVE_TIME,
        IDLE_XACT_TIME, SESSIONS, SESSIONS_ABANDONED, SESSIONS_FATAL, SESSIONS_KILLED,
        PARALLEL_TO_LAUNCH, PARALLEL_LAUNCHED, STATS_RESET, XID_AGE, XID_HEADROOM, MXID_AGE,
        CONFLICTS_BY_REASON);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(sql(server.majorVersion(), server.inRecovery(), server.managed())));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String d = r.string("datname");
      out.add(BACKENDS, r.dbl("numbackends"), d)
          .add(COMMITS, r.dbl("xact_commit"), d)
          .add(ROLLBACKS, r.dbl("xact_rollback"), d)
          .add(BLKS_READ, r.dbl("blks_read"), d)
          .add(BLKS_HIT, r.dbl("blks_hit"), d)
          .add(TUP_RETURNED, r.dbl("tup_returned"), d)
          .add(TUP_FETCHED, r.dbl("tup_fetched"), d)
          .add(TUP_INSERTED, r.dbl("tup_inserted"), d)
          .add(TUP_UPDATED, r.dbl("tup_updated"), d)
          .add(TUP_DELETED, r.dbl("tup_deleted"), d)
          .add(CONFLICTS, r.dbl("conflicts"), d)
          .add(TEMP_FILES, r.dbl("temp_files"), d)
          .add(TEMP_BYTES, r.dbl("temp_bytes"), d)
          .add(DEADLOCKS, r.dbl("deadlocks"), d)
          .add(CHECKSUM_FAILURES, r.dbl("checksum_failures"), d)
          .add(CHECKSUM_LAST, r.dbl("checksum_last_failure"), d)
          .add(READ_TIME, r.dbl("blk_read_time"), d)
          .add(WRITE_TIME, r.dbl("blk_write_time"), d)
          .add(STATS_RESET, r.dbl("stats_reset"), d);
      Double age = r.dbl("xid_age");
      out.add(XID_AGE, age, d).add(XID_HEADROOM, age == null ? null : XID_LIMIT - age, d)
          .add(MXID_AGE, r.dbl("mxid_age"), d);
      if (r.has("sessions")) {
        out.add(SESSION_TIME, r.dbl("session_time"), d)
            .add(ACTIVE_TIME, r.dbl("active_time"), d)
            .add(IDLE_XACT_TIME, r.dbl("idle_in_transaction_time"), d)
            .add(SESSIONS, r.dbl("sessions"), d)
            .add(SESSIONS_ABANDONED, r.dbl("sessions_abandoned"), d)
            .add(SESSIONS_FATAL, r.dbl("sessions_fatal"), d)
            .add(SESSIONS_KILLED, r.dbl("sessions_killed"), d);
      }
      if (r.has("parallel_workers_launched")) {
        out.add(PARALLEL_TO_LAUNCH, r.dbl("parallel_workers_to_launch"), d)
            .add(PARALLEL_LAUNCHED, r.dbl("parallel_workers_launched"), d);
      }
    }
    for (Row r : rows) {
      String d = r.string("datname");
      for (String reason : REASONS) {
        if (r.has("confl_" + reason)) {
          out.add(CONFLICTS_BY_REASON, r.dbl("confl_" + reason), d, reason);
        }
      }
    }
    return out.toList();
  }
}
