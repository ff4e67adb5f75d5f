package io.drwatch.collect.postgres;

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
 * Client connections from {@code pg_stat_activity} (client backends only, without drwatch's own
 * session): counts by database, state and wait event type, and per database the start of the
 * oldest open transaction, of the oldest idle-in-transaction period and of the oldest running
 * query, as timestamps. Connection limits come from the settings.
 */
@AutoService(Collector.class)
public final class PgActivity implements PostgresCollector {

  static final MetricFamily CONNECTIONS = gauge("pg_activity_connections",
      "Client connections by database, state and wait event type (empty when none).",
      "database", "state", "wait_event_type");
  static final MetricFamily OLDEST_XACT = gauge("pg_activity_oldest_xact_start_timestamp_seconds",
      "Start of the oldest open transaction in the database.", "database");
  static final MetricFamily OLDEST_IDLE_XACT = gauge("pg_activity_oldest_idle_in_transaction_timestamp_seconds",
      "Since when the longest idle-in-transaction session has been idle.", "database");
  static final MetricFamily OLDEST_QUERY = gauge("pg_activity_oldest_query_start_timestamp_seconds",
      "Start of the oldest query still running.", "database");
  static final MetricFamily MAX_CONNECTIONS = gauge("pg_activity_max_connections",
      "The max_connections setting.");
  static final MetricFamily SUPERUSER_RESERVED = gauge("pg_activity_superuser_reserved_connections",
      "Connection slots reserved for superusers (superuser_reserved_connections).");
  static final MetricFamily RESERVED = gauge("pg_activity_reserved_connections",
      "16+: connection slots reserved for pg_use_reserved_connections members (reserved_connections).");

  /**
   * One statement, one snapshot of pg_stat_activity: grouping sets give the counts per database,
   * state and wait event type (level 0), the oldest timestamps per database (level 3) and one
   * row for the limits (level 7), present even when no client is connected.
   */
  static String sql(int major) {
    return """
        SELECT grouping(datname, state, wait_event_type) AS level,
               coalesce(datname, '') AS datname, coalesce(state, '') AS state,
               coalesce(wait_event_type, '') AS wait_event_type, count(pid) AS connections,
               extract(epoch FROM min(xact_start))::float8 AS oldest_xact,
               extract(epoch FROM min(state_change) FILTER (WHERE state IN ('idle in transaction',
                   'idle in transaction (aborted)')))::float8 AS oldest_idle_xact,
               extract(epoch FROM min(query_start) FILTER (WHERE state = 'active'))::float8 AS oldest_query,
               current_setting('max_connections')::int AS max_connections,
               current_setting('superuser_reserved_connections')::int AS superuser_reserved%s
        FROM (SELECT datname, state, wait_event_type, pid, xact_start, state_change, query_start
              FROM pg_stat_activity
              WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()) a
        GROUP BY GROUPING SETS ((datname, state, wait_event_type), (datname), ())
        ORDER BY 1, 2, 3, 4""".formatted(major >= 16
        ? ",\n               current_setting('reserved_connections')::int AS reserved" : "");
  }

  @Override
  public String name() {
    return "activity";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(CONNECTIONS, OLDEST_XACT, OLDEST_IDLE_XACT, OLDEST_QUERY, MAX_CONNECTIONS,
        SUPERUSER_RESERVED, RESERVED);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    if (!server.readsAllStats()) {
      db.warn("other roles' sessions show no state, wait event or times to this role (grant pg_monitor): "
          + "they are counted with an empty state");
    }
    List<Row> rows = db.query(sql(server.majorVersion()));
    return map(level(rows, 0), level(rows, 3), level(rows, 7).get(0));
  }

  private static List<Row> level(List<Row> rows, int level) {
    return rows.stream().filter(r -> r.lng("level") == level).toList();
  }

  static List<Sample> map(List<Row> counts, List<Row> oldest, Row limits) {
    Samples out = new Samples();
    for (Row r : counts) {
      out.add(CONNECTIONS, r.dbl("connections"), r.string("datname"), r.string("state"), r.string("wait_event_type"));
    }
    for (Row r : oldest) {
      String d = r.string("datname");
      out.add(OLDEST_XACT, r.dbl("oldest_xact"), d)
          .add(OLDEST_IDLE_XACT, r.dbl("oldest_idle_xact"), d)
          .add(OLDEST_QUERY, r.dbl("oldest_query"), d);
    }
    out.add(MAX_CONNECTIONS, limits.dbl("max_connections"))
        .add(SUPERUSER_RESERVED, limits.dbl("superuser_reserved"));
    if (limits.has("reserved")) {
      out.add(RESERVED, limits.dbl("reserved"));
    }
    return out.toList();
  }
}
