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
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * WAL archiving: {@code pg_stat_archiver} counters plus the {@code .ready} backlog from
 * {@code pg_ls_archive_statusdir()} (pg_monitor). Unarchived bytes are derived from the backlog,
 * not from {@code last_archived_wal}, which may name a .history/.backup file and is not ordered
 * across promotions: everything from the start of the oldest segment still marked .ready (or of
 * the segment in progress when none is) up to the current write position is not yet archived.
 */
@AutoService(Collector.class)
public final class PgArchiver implements PostgresCollector {

  public static final MetricFamily ENABLED = gauge("pg_archiver_enabled",
      "1 when this server archives WAL now (archive_mode on and primary, or archive_mode always).");
  public static final MetricFamily ARCHIVED = counter("pg_archiver_archived_total",
      "WAL files archived successfully (pg_stat_archiver.archived_count).");
  static final MetricFamily FAILED = counter("pg_archiver_failed_total",
      "Failed archive attempts; each file is tried 3 times per round (pg_stat_archiver.failed_count).");
  public static final MetricFamily LAST_ARCHIVED = gauge("pg_archiver_last_archived_timestamp_seconds",
      "When the last WAL file was archived.");
  public static final MetricFamily LAST_FAILED = gauge("pg_archiver_last_failed_timestamp_seconds",
      "When the last archive attempt failed.");
  public static final MetricFamily FAILING = gauge("pg_archiver_failing",
      "1 when the last archive attempt failed after the last success.");
  public static final MetricFamily READY = gauge("pg_archiver_ready_files",
      "WAL files waiting to be archived (.ready files in pg_wal/archive_status).");
  public static final MetricFamily OLDEST_READY = gauge("pg_archiver_oldest_ready_timestamp_seconds",
      "Modification time of the oldest .ready file (absent when the backlog is empty).");
  public static final MetricFamily CURRENT_SEGMENT_MODIFIED = gauge(
      "pg_archiver_current_segment_modified_timestamp_seconds",
      "Modification time of the WAL segment being written (primary): when WAL was last written.");
  public static final MetricFamily ARCHIVED_LSN = gauge("pg_archiver_archived_lsn_bytes",
      "WAL position up to which every segment is archived: the start of the oldest unarchived "
          + "segment (primary).");
  public static final MetricFamily UNARCHIVED = gauge("pg_archiver_unarchived_bytes",
      "WAL written but not yet archived: current write position minus the start of the oldest "
          + "unarchived segment.");

  private static final String STATS_COLUMNS = """
      SELECT a.archived_count, a.failed_count,
             extract(epoch FROM a.last_archived_time)::float8 AS last_archived_time,
             extract(epoch FROM a.last_failed_time)::float8 AS last_failed_time,
             current_setting('archive_mode') AS archive_mode,
             pg_is_in_recovery() AS in_recovery,
             (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size') AS segment_size,
             CASE WHEN pg_is_in_recovery() THEN NULL
                  ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 END AS current_lsn""";

  private static final String READY_COLUMNS = """
      ,
             r.ready_files, r.oldest_segment, r.oldest_modified""";
  private static final String READY_FROM = """

      FROM pg_stat_archiver a,
           (SELECT count(*) AS ready_files,
                   min(name) FILTER (WHERE name ~ '^[0-9A-F]{24}\\.ready$') AS oldest_segment,
                   extract(epoch FROM min(modification))::float8 AS oldest_modified
            FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') r""";

  /**
   * Counters, the .ready backlog and when WAL was last written, in one statement; the aggregate
   * always returns one row.
   */
  static final String SQL = STATS_COLUMNS + READY_COLUMNS + """
      ,
             (SELECT extract(epoch FROM modification)::float8 FROM pg_ls_waldir()
               WHERE name = CASE WHEN pg_is_in_recovery() THEN NULL
                                 ELSE pg_walfile_name(pg_current_wal_lsn()) END) AS current_segment_modified"""
      + READY_FROM;

  /** Where pg_ls_waldir() alone is revoked (managed services): the backlog without the last write. */
  static final String READY_SQL = STATS_COLUMNS + READY_COLUMNS + READY_FROM;

  /** Without pg_monitor, pg_ls_archive_statusdir() is denied: the counters alone. */
  static final String STATS_ONLY_SQL = STATS_COLUMNS + "\nFROM pg_stat_archiver a";

  @Override
  public String name() {
    return "archiver";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(ENABLED, ARCHIVED, FAILED, LAST_ARCHIVED, LAST_FAILED, FAILING, READY,
        OLDEST_READY, UNARCHIVED, ARCHIVED_LSN, CURRENT_SEGMENT_MODIFIED);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    try {
      Row row = db.queryOne(SQL).orElseThrow();
      return map(row, Optional.of(row));
    } catch (SQLException e) {
      if (!Db.isPermissionDenied(e)) {
        throw e;
      }
    }
    try {
      Row row = db.queryOne(READY_SQL).orElseThrow();
      return map(row, Optional.of(row));
    } catch (SQLException e) {
      if (!Db.isPermissionDenied(e)) {
        throw e;
      }
      db.warn("pg_ls_archive_statusdir() is not allowed for this role ("
          + (server.isManaged() ? server.managed().label() + " revokes it; its archiving is the service's"
              : "grant pg_monitor") + "): no .ready backlog or unarchived bytes");
    }
    return map(db.queryOne(STATS_ONLY_SQL).orElseThrow(), Optional.empty());
  }

  static List<Sample> map(Row stats, Optional<Row> ready) {
    String mode = stats.string("archive_mode");
    boolean inRecovery = Boolean.TRUE.equals(stats.bool("in_recovery"));
    boolean enabled = "always".equals(mode) || ("on".equals(mode) && !inRecovery);
    Double lastArchived = stats.dbl("last_archived_time");
    Double lastFailed = stats.dbl("last_failed_time");
    Samples out = new Samples()
        .flag(ENABLED, enabled)
        .add(ARCHIVED, stats.dbl("archived_count"))
        .add(FAILED, stats.dbl("failed_count"))
        .add(LAST_ARCHIVED, lastArchived)
        .add(LAST_FAILED, lastFailed)
        .flag(FAILING, lastFailed != null && (lastArchived == null || lastFailed > lastArchived));
    if (!enabled || ready.isEmpty()) {
      return out.toList();
    }
    Row r = ready.get();
    out.add(READY, r.dbl("ready_files")).add(OLDEST_READY, r.dbl("oldest_modified"))
        .add(CURRENT_SEGMENT_MODIFIED, r.has("current_segment_modified") ? r.dbl("current_segment_modified") : null);
    Double current = stats.dbl("current_lsn");
    Long segmentSize = stats.lng("segment_size");
    if (current != null && segmentSize != null) {
      String oldest = r.string("oldest_segment");
      double from = oldest != null
          ? Wal.segmentStartBytes(oldest.substring(0, 24), segmentSize)
          : Wal.segmentStartOf(current, segmentSize);
      out.add(UNARCHIVED, Math.max(0, current - from));
      out.add(ARCHIVED_LSN, Math.min(from, current));
    }
    return out.toList();
  }
}
