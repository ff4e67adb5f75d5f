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
import java.time.Duration;
import java.util.List;

/**
 * Database sizes. {@code pg_database_size()} stats every file of a database, so it runs on its
 * own, slower interval. It needs CONNECT on the database or pg_read_all_stats (pg_monitor);
 * databases the role may not size are left out and said once.
 */
@AutoService(Collector.class)
public final class PgDatabaseSize implements PostgresCollector {

  static final MetricFamily SIZE = gauge("pg_database_size_bytes",
      "Disk space used by the database (pg_database_size).", "database");

  static final String SQL = """
      SELECT datname,
             CASE WHEN has_database_privilege(oid, 'CONNECT')
                       OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
                  THEN pg_database_size(oid)::float8 END AS size_bytes
      FROM pg_database
      WHERE datallowconn AND %s
      ORDER BY datname""";

  @Override
  public String name() {
    return "database_size";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofMinutes(5);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(SIZE);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    // A managed service's own databases (rdsadmin, cloudsqladmin, …) are not the user's to size.
    List<Row> rows = db.query(SQL.formatted(server.managed().excludeOwnDatabases("datname")));
    if (rows.stream().anyMatch(r -> r.get("size_bytes") == null)) {
      db.warn("some databases cannot be sized by this role (needs CONNECT or pg_monitor): they are left out");
    }
    return map(rows);
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      out.add(SIZE, r.dbl("size_bytes"), r.string("datname"));
    }
    return out.toList();
  }
}
