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

/**
 * Checkpoints under one set of names on every version: {@code pg_stat_bgwriter}'s checkpoint
 * columns up to 16 ({@code checkpoints_timed}, {@code checkpoints_req},
 * {@code checkpoint_write_time}, {@code checkpoint_sync_time}, {@code buffers_checkpoint}), and
 * {@code pg_stat_checkpointer} from 17 (renamed to {@code num_timed} …, plus restartpoints; 18
 * adds {@code num_done} and {@code slru_written}).
 */
@AutoService(Collector.class)
public final class PgCheckpointer implements PostgresCollector {

  static final MetricFamily TIMED = counter("pg_checkpointer_checkpoints_timed_total",
      "Scheduled checkpoints (checkpoint_timeout); from 17 also those skipped on an idle server.");
  static final MetricFamily REQUESTED = counter("pg_checkpointer_checkpoints_requested_total",
      "Requested checkpoints (max_wal_size, CHECKPOINT, shutdown, backups).");
  static final MetricFamily DONE = counter("pg_checkpointer_checkpoints_done_total",
      "18+: checkpoints actually completed.");
  static final MetricFamily WRITE_TIME = counter("pg_checkpointer_write_time_seconds_total",
      "Time spent writing files during checkpoints and restartpoints.");
  static final MetricFamily SYNC_TIME = counter("pg_checkpointer_sync_time_seconds_total",
      "Time spent syncing files to disk during checkpoints and restartpoints.");
  static final MetricFamily BUFFERS = counter("pg_checkpointer_buffers_written_total",
      "Shared buffers written by checkpoints and restartpoints.");
  static final MetricFamily SLRU = counter("pg_checkpointer_slru_written_total",
      "18+: SLRU buffers written by checkpoints and restartpoints.");
  static final MetricFamily RP_TIMED = counter("pg_checkpointer_restartpoints_timed_total",
      "17+: scheduled restartpoints (standby).");
  static final MetricFamily RP_REQUESTED = counter("pg_checkpointer_restartpoints_requested_total",
      "17+: requested restartpoints (standby).");
  static final MetricFamily RP_DONE = counter("pg_checkpointer_restartpoints_done_total",
      "17+: restartpoints performed (standby).");
  static final MetricFamily STATS_RESET = gauge("pg_checkpointer_stats_reset_timestamp_seconds",
      "When these statistics were last reset (pg_stat_bgwriter's reset up to 16).");

  static String sql(int major) {
    if (major <= 16) {
      return """
          SELECT checkpoints_timed AS num_timed, checkpoints_req AS num_requested,
                 checkpoint_write_time / 1000 AS write_time, checkpoint_sync_time / 1000 AS sync_time,
                 buffers_checkpoint AS buffers_written,
                 extract(epoch FROM stats_reset)::float8 AS stats_reset
          FROM pg_stat_bgwriter""";
    }
    return """
        SELECT num_timed, num_requested, write_time / 1000 AS write_time, sync_time / 1000 AS sync_time,
               buffers_written, restartpoints_timed, restartpoints_req, restartpoints_done,%s
               extract(epoch FROM stats_reset)::float8 AS stats_reset
        FROM pg_stat_checkpointer""".formatted(major >= 18 ? " num_done, slru_written," : "");
  }

  @Override
  public String name() {
    return "checkpointer";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(TIMED, REQUESTED, DONE, WRITE_TIME, SYNC_TIME, BUFFERS, SLRU, RP_TIMED, RP_REQUESTED,
        RP_DONE, STATS_RESET);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.queryOne(sql(server.majorVersion())).orElseThrow());
  }

  static List<Sample> map(Row r) {
    Samples out = new Samples()
        .add(TIMED, r.dbl("num_timed"))
        .add(REQUESTED, r.dbl("num_requested"))
        .add(WRITE_TIME, r.dbl("write_time"))
        .add(SYNC_TIME, r.dbl("sync_time"))
        .add(BUFFERS, r.dbl("buffers_written"));
    if (r.has("restartpoints_done")) {
      out.add(RP_TIMED, r.dbl("restartpoints_timed"))
          .add(RP_REQUESTED, r.dbl("restartpoints_req"))
          .add(RP_DONE, r.dbl("restartpoints_done"));
    }
    if (r.has("num_done")) {
      out.add(DONE, r.dbl("num_done")).add(SLRU, r.dbl("slru_written"));
    }
    return out.add(STATS_RESET, r.dbl("stats_reset")).toList();
  }
}
