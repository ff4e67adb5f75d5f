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
import io.vertx.core.json.JsonArray;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Whether commits can complete: {@code synchronous_standby_names} against the standbys that
 * qualify as sync candidates right now (syncrep.c: streaming or stopping, priority above 0, valid
 * flush position). Commits block when fewer candidates are connected than the setting requires.
 */
@AutoService(Collector.class)
public final class PgSyncReplication implements Collector {

  public static final MetricFamily REQUIRED = gauge("pg_replication_sync_standbys_required",
      "Synchronous standbys that must confirm a commit (num_sync of synchronous_standby_names; 0 = off).");
  public static final MetricFamily CONNECTED = gauge("pg_replication_sync_standbys_connected",
      "Connected standbys that qualify as synchronous candidates (streaming, listed, valid flush).");
  public static final MetricFamily WOULD_BLOCK = gauge("pg_replication_commits_would_block",
      "1 when synchronous_standby_names requires more qualifying standbys than are connected and "
          + "synchronous_commit (as the server default) is remote_write, on or remote_apply, so commits wait.");
  public static final MetricFamily WAITING = gauge("pg_replication_syncrep_waiting_sessions",
      "Sessions waiting right now for synchronous replication (wait_event SyncRep).");
  public static final MetricFamily CONFIG = info("pg_replication_sync_config_info",
      "Synchronous replication method (off, first, any) and the server's synchronous_commit.",
      "method", "synchronous_commit");
  public static final MetricFamily COMMIT_OVERRIDE = info("pg_replication_sync_commit_override_info",
      "1 per role and/or database setting synchronous_commit (ALTER ROLE/DATABASE ... SET, "
          + "pg_db_role_setting; empty label = all); local or off commits there without waiting "
          + "for any standby.", "database", "role", "synchronous_commit");

  static final String SQL = """
      SELECT current_setting('synchronous_standby_names') AS names,
             current_setting('synchronous_commit') AS synchronous_commit,
             (SELECT count(*) FROM pg_stat_replication
               WHERE state IN ('streaming', 'stopping') AND sync_priority > 0
                 AND flush_lsn IS NOT NULL) AS candidates,
             (SELECT count(*) FROM pg_stat_replication WHERE state IS NULL) AS hidden,
             (SELECT count(*) FROM pg_stat_activity
               WHERE wait_event_type = 'IPC' AND wait_event = 'SyncRep') AS waiting,
             (SELECT json_agg(json_build_array(coalesce(d.datname, ''), coalesce(r.rolname, ''),
                                               substr(c, length('synchronous_commit=') + 1)))::text
                FROM pg_db_role_setting s
                LEFT JOIN pg_database d ON d.oid = s.setdatabase
                LEFT JOIN pg_roles r ON r.oid = s.setrole,
                     unnest(s.setconfig) c
               WHERE c LIKE 'synchronous_commit=%') AS overrides""";

  private static final Set<String> WAITING_COMMIT_LEVELS = Set.of("remote_write", "on", "remote_apply");

  @Override
  public String name() {
    return "sync_replication";
  }

  @Override
  public boolean appliesTo(ServerInfo server) {
    // A standby ignores the setting until promoted; Aurora replicates through its storage, not walsenders.
    return server.isPostgres() && !server.inRecovery() && server.managed() != ManagedService.AURORA;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(REQUIRED, CONNECTED, WOULD_BLOCK, WAITING, CONFIG, COMMIT_OVERRIDE);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    Row row = db.queryOne(SQL).orElseThrow();
    if (!server.readsAllStats() || row.lng("hidden") > 0) {
      throw new SQLException(
          "walsender and session details are hidden from this role, so sync candidates and "
              + "waiting commits cannot be counted; grant pg_monitor", "42501");
    }
    return map(row);
  }

  static List<Sample> map(Row row) {
    SynchronousStandbyNames ssn = SynchronousStandbyNames.parse(row.string("names"));
    String commit = row.string("synchronous_commit");
    long candidates = row.lng("candidates");
    boolean blocks = ssn.method() != SynchronousStandbyNames.Method.OFF
        && WAITING_COMMIT_LEVELS.contains(commit)
        && candidates < ssn.numSync();
    Samples out = new Samples()
        .add(REQUIRED, ssn.numSync())
        .add(CONNECTED, candidates)
        .flag(WOULD_BLOCK, blocks)
        .add(WAITING, row.lng("waiting"))
        .info(CONFIG, ssn.method().label(), commit);
    String overrides = row.string("overrides");
    if (overrides != null) {
      for (Object o : new JsonArray(overrides)) {
        JsonArray a = (JsonArray) o;
        out.info(COMMIT_OVERRIDE, a.getString(0), a.getString(1), commitLevel(a.getString(2)));
      }
    }
    return out.toList();
  }

  /**
   * A stored setting as the server reads it: synchronous_commit is an enum whose names match in
   * any case, with true/yes/1 and false/no/0 as hidden spellings of on and off (guc_tables.c).
   */
  static String commitLevel(String stored) {
    String v = stored.trim().toLowerCase(java.util.Locale.ROOT);
    return switch (v) {
      case "true", "yes", "1" -> "on";
      case "false", "no", "0" -> "off";
      default -> v;
    };
  }
}
