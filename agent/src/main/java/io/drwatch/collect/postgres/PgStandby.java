package io.drwatch.collect.postgres;

import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.info;

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
 * A standby's own view: WAL receiver state ({@code pg_stat_wal_receiver}, zero rows when not
 * streaming) and how far replay trails what was received. Gated on recovery, because a promoted
 * node keeps non-NULL receive/replay positions.
 */
@AutoService(Collector.class)
public final class PgStandby implements Collector {

  public static final String NAME = "standby";

  public static final MetricFamily STREAMING = gauge("pg_standby_streaming",
      "1 when the WAL receiver is streaming from its upstream.");
  static final MetricFamily RECEIVER_INFO = info("pg_standby_wal_receiver_info",
      "WAL receiver status and upstream (pg_stat_wal_receiver; never the conninfo).",
      "status", "sender_host", "sender_port", "slot_name");
  public static final MetricFamily REPLAY_LAG = gauge("pg_standby_replay_lag_bytes",
      "WAL received but not yet replayed.");
  public static final MetricFamily REPLAY_DELAY = gauge("pg_standby_replay_delay_seconds",
      "0 while streaming with all received WAL replayed, else now minus the last replayed commit's timestamp.");
  public static final MetricFamily PAUSED = gauge("pg_standby_replay_paused",
      "1 when replay is paused or a pause was requested.");
  public static final MetricFamily RECEIVE_LSN = gauge("pg_standby_receive_lsn_bytes",
      "Last WAL position received and flushed by the standby, as a byte number.");
  static final MetricFamily LAST_REPLAY = gauge("pg_standby_last_replay_timestamp_seconds",
      "Commit time (primary's clock) of the last replayed transaction.");
  static final MetricFamily UPSTREAM_LAG = gauge("pg_standby_upstream_lag_bytes",
      "Upstream's last reported WAL end minus this standby's replay position.");
  static final MetricFamily LAST_MESSAGE = gauge("pg_standby_last_message_receipt_timestamp_seconds",
      "When the last message from the upstream arrived.");

  private static final String SQL = """
      SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::float8 AS receive_lsn,
             pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS replay_lag,
             -- Caught up only while streaming with nothing more upstream: a receiver that is
             -- stalled or disconnected has replayed all it has, yet falls behind with every commit.
             CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                       AND (r.status = 'streaming' OR (r.pid IS NOT NULL AND r.status IS NULL))
                       AND (r.latest_end_lsn IS NULL OR r.latest_end_lsn <= pg_last_wal_replay_lsn())
                  THEN 0
                  -- greatest() ignores NULL: without a replayed commit the delay is unknown, not 0
                  WHEN pg_last_xact_replay_timestamp() IS NULL THEN NULL
                  ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
             END::float8 AS replay_delay,
             extract(epoch FROM pg_last_xact_replay_timestamp())::float8 AS last_replay,
             %s AS paused,
             r.pid AS receiver_pid, r.status, r.sender_host, r.sender_port::text AS sender_port, r.slot_name,
             pg_wal_lsn_diff(r.latest_end_lsn, pg_last_wal_replay_lsn())::float8 AS upstream_lag,
             extract(epoch FROM r.last_msg_receipt_time)::float8 AS last_message
      FROM (SELECT 1) one LEFT JOIN pg_stat_wal_receiver r ON true""";

  static String sql(int major) {
    return SQL.formatted(major >= 14
        ? "pg_get_wal_replay_pause_state() <> 'not paused'"
        : "pg_is_wal_replay_paused()");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean appliesTo(ServerInfo server) {
    return server.isPostgres() && server.inRecovery();
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(STREAMING, RECEIVER_INFO, REPLAY_LAG, REPLAY_DELAY, PAUSED, RECEIVE_LSN,
        LAST_REPLAY, UPSTREAM_LAG, LAST_MESSAGE);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    Row row = db.queryOne(sql(server.majorVersion())).orElseThrow();
    if (row.get("receiver_pid") != null && row.get("status") == null) {
      db.warn("pg_stat_wal_receiver details are hidden from this role (grant pg_monitor): "
          + "no streaming state or upstream");
    }
    return map(row);
  }

  static List<Sample> map(Row r) {
    Samples out = new Samples();
    String status = r.string("status");
    boolean hidden = r.has("receiver_pid") && r.get("receiver_pid") != null && status == null;
    if (!hidden) { // a receiver we cannot see is not the same as one that is not streaming
      out.flag(STREAMING, "streaming".equals(status));
    }
    if (status != null) {
      out.info(RECEIVER_INFO, status, r.string("sender_host"), r.string("sender_port"),
          r.string("slot_name"));
    }
    out.add(REPLAY_LAG, r.dbl("replay_lag"));
    out.add(REPLAY_DELAY, r.dbl("replay_delay"));
    out.flag(PAUSED, r.bool("paused"));
    out.add(RECEIVE_LSN, r.dbl("receive_lsn"));
    out.add(LAST_REPLAY, r.dbl("last_replay"));
    out.add(UPSTREAM_LAG, r.dbl("upstream_lag"));
    out.add(LAST_MESSAGE, r.dbl("last_message"));
    return out.toList();
  }
}
