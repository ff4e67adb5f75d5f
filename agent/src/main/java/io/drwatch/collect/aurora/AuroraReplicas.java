package io.drwatch.collect.aurora;

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
 * Every instance of the Aurora cluster as {@code aurora_replica_status()} reports it, joined with
 * {@code aurora_db_instance_identifier()} to tell which one drwatch is connected to (the function
 * alone does not). Columns as AWS documents them
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora_replica_status.html): the
 * writer's session_id is {@code MASTER_SESSION_ID} and its reader-only columns are NULL, so it
 * has no lag series. Numbers are cast to float8 in SQL, since AWS documents names but not types.
 * Aurora's LSNs are positions in its storage log, not WAL bytes: they carry no {@code _bytes}.
 */
@AutoService(Collector.class)
public final class AuroraReplicas implements AuroraCollector {

  static final MetricFamily INFO = info("aurora_replica_info",
      "1 per instance of the Aurora cluster (aurora_replica_status()): role writer or reader, and "
          + "connected=true for the instance drwatch's session is on (aurora_db_instance_identifier()).",
      "server_id", "role", "connected");
  static final MetricFamily LAG = gauge("aurora_replica_lag_seconds",
      "How far the reader lags behind the writer (replica_lag_in_msec); readers only.", "server_id");
  static final MetricFamily REPLAY_LATENCY = gauge("aurora_replica_replay_latency_seconds",
      "Expected time to replay the log on the reader (cur_replay_latency_in_usec).", "server_id");
  static final MetricFamily DURABLE_LSN = gauge("aurora_replica_durable_lsn",
      "Log sequence number saved in storage (durable_lsn; Aurora storage LSN, not WAL bytes).", "server_id");
  static final MetricFamily HIGHEST_LSN_RECEIVED = gauge("aurora_replica_highest_lsn_received",
      "Highest log sequence number the instance received from the writer (highest_lsn_rcvd).", "server_id");
  static final MetricFamily TRANSPORT_ERROR = gauge("aurora_replica_last_transport_error_code",
      "Last replication error code (last_transport_error; 0 none, other codes are undocumented).",
      "server_id");
  static final MetricFamily LAST_ERROR = gauge("aurora_replica_last_error_timestamp_seconds",
      "When the last replication error happened (last_error_timestamp).", "server_id");
  static final MetricFamily LAST_UPDATE = gauge("aurora_replica_last_update_timestamp_seconds",
      "When the replica status was last updated (last_update_timestamp; NULL for the connected "
          + "instance since Aurora PostgreSQL 13.9).", "server_id");
  static final MetricFamily LOG_STREAM = gauge("aurora_replica_log_stream_throughput_bytes",
      "Log stream throughput to the instance per second (log_stream_speed_in_kib_per_second x 1024).", "server_id");
  static final MetricFamily ACTIVE_TXNS = gauge("aurora_replica_active_transactions",
      "Transactions active on the instance (active_txns).", "server_id");

  static final String SQL = """
      SELECT r.server_id::text AS server_id, r.session_id::text AS session_id,
             r.server_id::text = aurora_db_instance_identifier()::text AS connected,
             r.replica_lag_in_msec::float8 / 1000 AS lag_seconds,
             r.cur_replay_latency_in_usec::float8 / 1000000 AS replay_latency_seconds,
             r.durable_lsn::float8 AS durable_lsn, r.highest_lsn_rcvd::float8 AS highest_lsn_rcvd,
             r.last_transport_error::float8 AS last_transport_error,
             extract(epoch FROM r.last_error_timestamp)::float8 AS last_error_time,
             extract(epoch FROM r.last_update_timestamp)::float8 AS last_update_time,
             r.log_stream_speed_in_kib_per_second::float8 * 1024 AS log_stream_bytes,
             r.active_txns::float8 AS active_txns
      FROM aurora_replica_status() r
      ORDER BY 1""";

  static final String WRITER_SESSION = "MASTER_SESSION_ID";

  @Override
  public String name() {
    return "aurora_replicas";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(INFO, LAG, REPLAY_LATENCY, DURABLE_LSN, HIGHEST_LSN_RECEIVED, TRANSPORT_ERROR,
        LAST_ERROR, LAST_UPDATE, LOG_STREAM, ACTIVE_TXNS);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(SQL));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String id = r.string("server_id");
      boolean writer = WRITER_SESSION.equals(r.string("session_id"));
      out.info(INFO, id, writer ? "writer" : "reader", String.valueOf(Boolean.TRUE.equals(r.bool("connected"))));
      if (!writer) {
        out.add(LAG, r.dbl("lag_seconds"), id)
            .add(REPLAY_LATENCY, r.dbl("replay_latency_seconds"), id)
            .add(TRANSPORT_ERROR, r.dbl("last_transport_error"), id)
            .add(LAST_ERROR, r.dbl("last_error_time"), id)
            .add(LOG_STREAM, r.dbl("log_stream_bytes"), id);
      }
      out.add(DURABLE_LSN, r.dbl("durable_lsn"), id)
          .add(HIGHEST_LSN_RECEIVED, r.dbl("highest_lsn_rcvd"), id)
          .add(LAST_UPDATE, r.dbl("last_update_time"), id)
          .add(ACTIVE_TXNS, r.dbl("active_txns"), id);
    }
    return out.toList();
  }
}
