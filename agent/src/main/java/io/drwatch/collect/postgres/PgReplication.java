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
import io.drwatch.target.ManagedService;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per connected standby, from {@code pg_stat_replication} (identical columns 13-18). On a cascading
 * standby the view lists its downstream standbys and positions are measured against the WAL it
 * has received, since {@code pg_current_wal_lsn()} raises during recovery.
 *
 * <p>The view lists logical walsenders (subscriptions, CDC tools) beside physical standbys. They
 * cannot be promoted, so they get families of their own and the standby families (which the
 * replica layer reads) list physical walsenders only. Logical means: the walsender holds a
 * logical slot, or it is connected to a database (a physical replication connection never is).
 */
@AutoService(Collector.class)
public final class PgReplication implements PostgresCollector {

  /** Aurora's readers share its storage and use no walsender: 0 standbys there would be a false zero. */
  @Override
  public boolean appliesTo(ServerInfo server) {
    return server.isPostgres() && server.managed() != ManagedService.AURORA;
  }

  public static final MetricFamily STANDBY_INFO = info("pg_replication_standby_info",
      "1 per standby connected to this server (pg_stat_replication).",
      "application_name", "client_addr", "state", "sync_state");
  public static final MetricFamily LAG_BYTES = gauge("pg_replication_lag_bytes",
      "WAL bytes between this server's current position and the standby's position at each stage.",
      "application_name", "stage");
  public static final MetricFamily LAG_SECONDS = gauge("pg_replication_lag_seconds",
      "Time the standby's write/flush/replay lags behind: pg_stat_replication *_lag, but at least "
          + "the time since the standby's last reply while WAL is outstanding at that stage (the "
          + "server's lag freezes when replies stop); 0 for a caught-up streaming standby.",
      "application_name", "stage");
  static final MetricFamily SYNC_PRIORITY = gauge("pg_replication_sync_priority",
      "Priority for being chosen as synchronous standby (0 = asynchronous).", "application_name");
  static final MetricFamily LAST_REPLY = gauge("pg_replication_last_reply_timestamp_seconds",
      "When the last reply message arrived from the standby (Unix time).", "application_name");
  public static final MetricFamily STANDBYS = gauge("pg_replication_standbys_connected",
      "Number of physical WAL senders (standbys, base backups) on this server.");
  static final MetricFamily LOGICAL_INFO = info("pg_replication_logical_sender_info",
      "1 per logical walsender (subscription, CDC tool) on this server; not a standby.",
      "application_name", "slot_name", "database", "client_addr", "state");
  static final MetricFamily LOGICAL_LAG_BYTES = gauge("pg_replication_logical_lag_bytes",
      "WAL bytes between this server's current position and the logical receiver's position at "
          + "each stage (flush = what the receiver confirmed).", "application_name", "stage");
  static final MetricFamily LOGICAL_SENDERS = gauge("pg_replication_logical_senders_connected",
      "Number of logical walsenders (subscriptions, CDC tools) on this server.");

  static final String SQL = """
      SELECT r.application_name, coalesce(host(r.client_addr), 'local') AS client_addr, r.pid,
             r.state, r.sync_state, r.sync_priority,
             pg_wal_lsn_diff(w.cur, r.sent_lsn)::float8   AS sent_lag,
             pg_wal_lsn_diff(w.cur, r.write_lsn)::float8  AS write_lag,
             pg_wal_lsn_diff(w.cur, r.flush_lsn)::float8  AS flush_lag,
             pg_wal_lsn_diff(w.cur, r.replay_lsn)::float8 AS replay_lag,
             extract(epoch FROM r.write_lag)::float8  AS write_lag_s,
             extract(epoch FROM r.flush_lag)::float8  AS flush_lag_s,
             extract(epoch FROM r.replay_lag)::float8 AS replay_lag_s,
             extract(epoch FROM r.reply_time)::float8 AS reply_time,
             extract(epoch FROM now() - r.reply_time)::float8 AS reply_age,
             sl.slot_name, a.datname,
             (sl.slot_type = 'logical' OR a.datname IS NOT NULL) AS logical
      FROM pg_stat_replication r
      LEFT JOIN pg_replication_slots sl ON sl.active_pid = r.pid
      LEFT JOIN pg_stat_activity a ON a.pid = r.pid,
           (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                        ELSE pg_current_wal_lsn() END AS cur) w
      ORDER BY r.application_name, r.pid""";


  @Override
  public String name() {
    return "replication";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(STANDBY_INFO, LAG_BYTES, LAG_SECONDS, SYNC_PRIORITY, LAST_REPLY, STANDBYS,
        LOGICAL_INFO, LOGICAL_LAG_BYTES, LOGICAL_SENDERS);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    List<Row> rows = db.query(SQL);
    if (rows.stream().anyMatch(r -> r.get("state") == null)) {
      db.warn("pg_stat_replication details are hidden from this role; grant pg_monitor");
    }
    return map(rows);
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    long logical = rows.stream().filter(r -> Boolean.TRUE.equals(r.bool("logical"))).count();
    out.add(STANDBYS, rows.size() - logical);
    out.add(LOGICAL_SENDERS, logical);
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> seenLogical = new HashMap<>();
    for (Row r : rows) {
      boolean isLogical = Boolean.TRUE.equals(r.bool("logical"));
      String app = r.string("application_name");
      // Two walsenders may share an application_name; the later ones get their pid appended so
      // label sets stay unique.
      if ((isLogical ? seenLogical : seen).merge(app, 1, Integer::sum) > 1) {
        app = app + "#" + r.string("pid");
      }
      String state = r.string("state");
      if (isLogical) {
        out.info(LOGICAL_INFO, app, r.string("slot_name"), r.string("datname"), r.string("client_addr"), state);
        if (state != null) {
          for (String stage : List.of("sent", "write", "flush", "replay")) {
            out.add(LOGICAL_LAG_BYTES, r.dbl(stage + "_lag"), app, stage);
          }
        }
        continue;
      }
      out.info(STANDBY_INFO, app, r.string("client_addr"), state, r.string("sync_state"));
      if (state == null) {
        continue; // walsender details need pg_read_all_stats
      }
      for (String stage : List.of("sent", "write", "flush", "replay")) {
        out.add(LAG_BYTES, r.dbl(stage + "_lag"), app, stage);
      }
      for (String stage : List.of("write", "flush", "replay")) {
        out.add(LAG_SECONDS, lagSeconds(r.dbl(stage + "_lag_s"), r.dbl(stage + "_lag"),
            r.dbl("reply_age"), state), app, stage);
      }
      out.add(SYNC_PRIORITY, r.dbl("sync_priority"), app);
      out.add(LAST_REPLY, r.dbl("reply_time"), app);
    }
    return out.toList();
  }

  /**
   * The server computes *_lag only when a reply arrives, so a standby that stops replying keeps
   * its last value (or NULL, once it had caught up) however much WAL piles up. While WAL is
   * outstanding at the stage, the standby has confirmed nothing since its reply, so the lag is at
   * least the reply's age. A reply is due every wal_receiver_status_interval even when idle, so
   * a sample taken just as new WAL leaves may read up to that interval too high, never too low.
   */
  static Double lagSeconds(Double reported, Double outstandingBytes, Double replyAge, String state) {
    Double lag = reported;
    if (lag == null && "streaming".equals(state)) {
      lag = 0.0; // NULL while streaming means caught up (walsender clears idle lag times)
    }
    if (outstandingBytes != null && outstandingBytes > 0 && replyAge != null) {
      lag = Math.max(lag == null ? 0 : lag, Math.max(0, replyAge));
    }
    return lag;
  }
}
