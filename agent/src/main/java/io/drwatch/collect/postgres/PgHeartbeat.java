package io.drwatch.collect.postgres;

import static io.drwatch.collect.MetricFamily.gauge;

import com.google.auto.service.AutoService;
import com.typesafe.config.Config;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Opt-in heartbeat, the one place drwatch writes. On the primary it stores the agent's clock in
 * the agent's own row (keyed by the {@code agent} option, default the host name); on every
 * standby it reads back that row as replayed, so agent time minus that value is the true
 * end-to-end delay, also while the primary is idle and through cascading standbys, with one clock
 * on both ends: another agent's row, written with another clock, never enters it. Runs on the target's own writable session (one
 * connection); whether to write is decided inside the transaction by pg_is_in_recovery(), never
 * by a role seen at an earlier probe, and the commit is local so a missing synchronous standby
 * cannot make it wait. Table and grants: config/heartbeat.sql.
 */
@AutoService(Collector.class)
public final class PgHeartbeat implements PostgresCollector {

  static final MetricFamily TIMESTAMP = gauge("pg_heartbeat_timestamp_seconds",
      "Agent time at which the newest heartbeat visible on this server was written (on the primary, "
          + "the one just written).");
  static final MetricFamily DELAY = gauge("pg_heartbeat_delay_seconds",
      "Standby: agent time at read minus the newest replayed heartbeat, i.e. end-to-end replication "
          + "delay; its resolution is the primary's heartbeat interval.");

  public static final String DEFAULT_TABLE = "drwatch.heartbeat";
  /** Unquoted, lower-case, optionally schema-qualified: spliced into SQL, so nothing else passes. */
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

  private final String table;
  private final String agent;
  private final Clock clock;

  public PgHeartbeat() {
    this(DEFAULT_TABLE, defaultAgent(), Clock.systemUTC());
  }

  PgHeartbeat(String table) {
    this(table, defaultAgent(), Clock.systemUTC());
  }

  /** @param clock the agent's clock: what it writes and what it measures the delay against */
  PgHeartbeat(String table, String agent, Clock clock) {
    if (table == null || !TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("table must be an unquoted table name such as " + DEFAULT_TABLE
          + " (lower-case letters, digits and _, optionally schema-qualified), not \"" + table + "\"");
    }
    if (agent == null || agent.isBlank() || agent.length() > 200) {
      throw new IllegalArgumentException("agent must be a non-empty name of at most 200 characters, not \""
          + agent + "\"");
    }
    this.table = table;
    this.agent = agent;
    this.clock = clock;
  }

  /** The host name: two agents on two hosts keep two rows without any configuration. */
  static String defaultAgent() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "drwatch";
    }
  }

  public String table() {
    return table;
  }

  public String agent() {
    return agent;
  }

  @Override
  public String name() {
    return "heartbeat";
  }

  /** Opt-in: writes to the target (a table the operator creates). */
  @Override
  public boolean enabledByDefault() {
    return false;
  }

  @Override
  public boolean writesToTarget() {
    return true;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(TIMESTAMP, DELAY);
  }

  @Override
  public Set<String> optionKeys() {
    return Set.of("table", "agent");
  }

  @Override
  public Collector configure(Config options) {
    if (!options.hasPath("table") && !options.hasPath("agent")) {
      return this;
    }
    return new PgHeartbeat(options.hasPath("table") ? options.getString("table") : table,
        options.hasPath("agent") ? options.getString("agent") : agent, clock);
  }

  String writeSql() {
    return "INSERT INTO " + table + " (agent, written_at) VALUES (?, to_timestamp(?)) "
        + "ON CONFLICT (agent) DO UPDATE SET written_at = excluded.written_at";
  }

  String readSql() {
    return "SELECT extract(epoch FROM max(written_at))::float8 AS written FROM " + table + " WHERE agent = ?";
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    try {
      return db.transaction(tx -> {
        boolean standby = Boolean.TRUE.equals(
            tx.queryOne("SELECT pg_is_in_recovery() AS standby").orElseThrow().bool("standby"));
        if (standby) {
          Row r = tx.queryOne(readSql(), agent).orElseThrow();
          return replayed(r.dbl("written"), now());
        }
        double at = now();
        tx.update("SET LOCAL synchronous_commit = local");
        tx.update(writeSql(), agent, at);
        return written(at);
      });
    } catch (SQLException e) {
      throw explain(e);
    }
  }

  private SQLException explain(SQLException e) {
    String hint = switch (String.valueOf(e.getSQLState())) {
      case "42P01", "3F000" -> "heartbeat table " + table + " does not exist; create it with config/heartbeat.sql";
      case "42703", "42P10" -> "heartbeat table " + table + " has no agent key (the one-row layout of earlier "
          + "versions); drop it and create it again with config/heartbeat.sql (docs/upgrading.md)";
      case "42501" -> "no privilege on heartbeat table " + table
          + "; grant SELECT, INSERT, UPDATE on it (config/heartbeat.sql)";
      default -> null;
    };
    return hint == null ? e : new SQLException(hint, e.getSQLState(), e);
  }

  private double now() {
    return clock.millis() / 1000.0;
  }

  static List<Sample> written(double at) {
    return new Samples().add(TIMESTAMP, at).toList();
  }

  /** No row yet (the primary has not written one): no samples, not a zero delay. */
  static List<Sample> replayed(Double writtenAt, double readAt) {
    if (writtenAt == null) {
      return List.of();
    }
    return new Samples().add(TIMESTAMP, writtenAt).add(DELAY, Math.max(0, readAt - writtenAt)).toList();
  }
}
