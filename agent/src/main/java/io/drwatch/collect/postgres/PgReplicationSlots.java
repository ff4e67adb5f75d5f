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
 * Per replication slot, from {@code pg_replication_slots}. Columns are selected by name because
 * their order changes in 17 and 18; {@code conflicting} exists from 16, {@code inactive_since} and
 * {@code invalidation_reason} from 17.
 */
@AutoService(Collector.class)
public final class PgReplicationSlots implements PostgresCollector {

  static final List<String> WAL_STATUSES = List.of("reserved", "extended", "unreserved", "lost");

  static final MetricFamily ACTIVE = gauge("pg_replication_slot_active",
      "1 when a consumer is connected to the slot.", "slot_name", "slot_type");
  public static final MetricFamily RETAINED = gauge("pg_replication_slot_retained_bytes",
      "WAL kept on disk for the slot: current position minus restart_lsn.", "slot_name", "slot_type");
  static final MetricFamily SAFE_WAL = gauge("pg_replication_slot_safe_wal_size_bytes",
      "WAL that can still be written before the slot is lost; may be negative; absent when "
          + "max_slot_wal_keep_size = -1 or the slot is already lost.", "slot_name", "slot_type");
  static final MetricFamily WAL_STATUS = gauge("pg_replication_slot_wal_status",
      "1 for the slot's current wal_status (reserved, extended, unreserved, lost), 0 for the others.",
      "slot_name", "slot_type", "wal_status");
  static final MetricFamily CONFIRMED_LAG = gauge("pg_replication_slot_confirmed_flush_lag_bytes",
      "Logical slots: current position minus confirmed_flush_lsn.", "slot_name", "slot_type");
  static final MetricFamily CONFLICTING = gauge("pg_replication_slot_conflicting",
      "16+, logical slots: 1 when invalidated by a recovery conflict (17+: only rows_removed or "
          + "wal_level_insufficient).",
      "slot_name", "slot_type");
  static final MetricFamily INACTIVE_SINCE = gauge("pg_replication_slot_inactive_since_timestamp_seconds",
      "17+: when the slot became inactive (absent while in use).", "slot_name", "slot_type");
  static final MetricFamily INVALIDATED = info("pg_replication_slot_invalidation_info",
      "17+: present for an invalidated slot, with the reason.", "slot_name", "slot_type", "reason");

  private static final String BASE = """
      SELECT slot_name, slot_type, active, wal_status, safe_wal_size::float8 AS safe_wal_size,
             pg_wal_lsn_diff(w.cur, restart_lsn)::float8 AS retained_bytes,
             pg_wal_lsn_diff(w.cur, confirmed_flush_lsn)::float8 AS confirmed_flush_lag""";
  private static final String FROM = """

      FROM pg_replication_slots,
           (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                        ELSE pg_current_wal_lsn() END AS cur) w
      ORDER BY slot_name""";

  static String sql(int major) {
    String cols = BASE;
    if (major >= 16) {
      cols += ", conflicting";
    }
    if (major >= 17) {
      cols += ", invalidation_reason, extract(epoch FROM inactive_since)::float8 AS inactive_since";
    }
    return cols + FROM;
  }

  @Override
  public String name() {
    return "replication_slots";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(ACTIVE, RETAINED, SAFE_WAL, WAL_STATUS, CONFIRMED_LAG, CONFLICTING,
        INACTIVE_SINCE, INVALIDATED);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(sql(server.majorVersion())));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String slot = r.string("slot_name");
      String type = r.string("slot_type");
      out.flag(ACTIVE, r.bool("active"), slot, type);
      out.add(RETAINED, r.dbl("retained_bytes"), slot, type);
      out.add(SAFE_WAL, r.dbl("safe_wal_size"), slot, type);
      String status = r.string("wal_status");
      if (status != null) {
        for (String s : WAL_STATUSES) {
          out.add(WAL_STATUS, s.equals(status) ? 1 : 0, slot, type, s);
        }
      }
      out.add(CONFIRMED_LAG, r.dbl("confirmed_flush_lag"), slot, type);
      if (r.has("conflicting")) {
        out.flag(CONFLICTING, r.bool("conflicting"), slot, type);
      }
      if (r.has("inactive_since")) {
        out.add(INACTIVE_SINCE, r.dbl("inactive_since"), slot, type);
        String reason = r.string("invalidation_reason");
        if (reason != null) {
          out.info(INVALIDATED, slot, type, reason);
        }
      }
    }
    return out.toList();
  }
}
