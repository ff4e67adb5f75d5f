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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings that decide what a failover loses, and the one that bounds how far freezing may
 * fall behind before the writer stops (autovacuum_freeze_max_age), from {@code pg_settings},
 * converted to base units. Settings change rarely, so this samples once a minute by default.
 */
@AutoService(Collector.class)
public final class PgSettings implements PostgresCollector {

  static final MetricFamily INFO = info("pg_dr_settings_info",
      "Replication and archiving settings as text.",
      "wal_level", "archive_mode", "synchronous_commit", "synchronous_standby_names");
  static final MetricFamily ARCHIVE_TIMEOUT = gauge("pg_settings_archive_timeout_seconds",
      "archive_timeout: forced WAL switch interval (0 = off).");
  static final MetricFamily WAL_KEEP = gauge("pg_settings_wal_keep_size_bytes",
      "wal_keep_size: WAL kept for standbys regardless of slots.");
  static final MetricFamily SLOT_KEEP = gauge("pg_settings_max_slot_wal_keep_size_bytes",
      "max_slot_wal_keep_size: WAL a slot may retain; -1 = unlimited.");
  static final MetricFamily HS_FEEDBACK = gauge("pg_settings_hot_standby_feedback",
      "hot_standby_feedback: 1 when on.");
  static final MetricFamily MAX_SENDERS = gauge("pg_settings_max_wal_senders", "max_wal_senders.");
  static final MetricFamily MAX_SLOTS = gauge("pg_settings_max_replication_slots",
      "max_replication_slots.");
  static final MetricFamily FREEZE_MAX_AGE = gauge("pg_settings_autovacuum_freeze_max_age",
      "autovacuum_freeze_max_age: transaction age at which autovacuum forces a freezing vacuum.");
  public static final MetricFamily APPLY_DELAY = gauge("pg_settings_recovery_min_apply_delay_seconds",
      "recovery_min_apply_delay: a delayed standby lags by design.");

  private static final String SQL = """
      SELECT name, setting, unit FROM pg_settings
      WHERE name IN ('wal_level', 'archive_mode', 'synchronous_commit', 'synchronous_standby_names',
                     'archive_timeout', 'wal_keep_size', 'max_slot_wal_keep_size',
                     'hot_standby_feedback', 'max_wal_senders', 'max_replication_slots',
                     'recovery_min_apply_delay', 'autovacuum_freeze_max_age')""";

  @Override
  public String name() {
    return "settings";
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofMinutes(1);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(INFO, ARCHIVE_TIMEOUT, WAL_KEEP, SLOT_KEEP, HS_FEEDBACK, MAX_SENDERS, MAX_SLOTS,
        APPLY_DELAY, FREEZE_MAX_AGE);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(SQL));
  }

  static List<Sample> map(List<Row> rows) {
    Map<String, Row> byName = new HashMap<>();
    rows.forEach(r -> byName.put(r.string("name"), r));
    Samples out = new Samples();
    out.info(INFO, text(byName, "wal_level"), text(byName, "archive_mode"),
        text(byName, "synchronous_commit"), text(byName, "synchronous_standby_names"));
    out.add(ARCHIVE_TIMEOUT, base(byName.get("archive_timeout")));
    out.add(WAL_KEEP, base(byName.get("wal_keep_size")));
    out.add(SLOT_KEEP, base(byName.get("max_slot_wal_keep_size")));
    Row hsf = byName.get("hot_standby_feedback");
    out.flag(HS_FEEDBACK, hsf == null ? null : "on".equals(hsf.string("setting")));
    out.add(MAX_SENDERS, base(byName.get("max_wal_senders")));
    out.add(MAX_SLOTS, base(byName.get("max_replication_slots")));
    out.add(APPLY_DELAY, base(byName.get("recovery_min_apply_delay")));
    out.add(FREEZE_MAX_AGE, base(byName.get("autovacuum_freeze_max_age")));
    return out.toList();
  }

  private static String text(Map<String, Row> byName, String name) {
    Row r = byName.get(name);
    return r == null ? "" : r.string("setting");
  }

  /** A numeric setting in base units (seconds, bytes); -1 stays -1 (the "unlimited" value). */
  static Double base(Row r) {
    if (r == null || r.string("setting") == null) {
      return null;
    }
    double v = Double.parseDouble(r.string("setting"));
    if (v < 0) {
      return v;
    }
    String unit = r.string("unit");
    if (unit == null) {
      return v;
    }
    return switch (unit) {
      case "ms" -> v / 1000;
      case "s" -> v;
      case "min" -> v * 60;
      case "h" -> v * 3600;
      case "d" -> v * 86400;
      case "B" -> v;
      case "kB" -> v * 1024;
      case "8kB" -> v * 8192;
      case "16kB" -> v * 16384;
      case "MB" -> v * 1024 * 1024;
      case "GB" -> v * 1024 * 1024 * 1024;
      default -> throw new IllegalArgumentException("unknown unit " + unit + " for " + r.string("name"));
    };
  }
}
