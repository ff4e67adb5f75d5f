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
 * Prepared (two-phase) transactions per database from {@code pg_prepared_xacts}. They outlive a
 * crash and a promotion (they are in the WAL, and a promoted standby still holds them), and until
 * someone commits or rolls them back they hold their locks and the xmin horizon, so an orphan left
 * by a failed transaction manager blocks vacuum and DDL on whichever server is primary next.
 */
@AutoService(Collector.class)
public final class PgPreparedTransactions implements PostgresCollector {

  static final MetricFamily COUNT = gauge("pg_prepared_transactions",
      "Prepared transactions waiting for COMMIT PREPARED or ROLLBACK PREPARED (0 when none).", "database");
  static final MetricFamily OLDEST = gauge("pg_prepared_transactions_oldest_timestamp_seconds",
      "When the oldest prepared transaction of the database was prepared (absent when none is).", "database");

  /** Every database that takes connections, 0 where none is prepared (a managed service's own left out). */
  static final String SQL = """
      SELECT d.datname AS database, count(p.transaction) AS prepared,
             extract(epoch FROM min(p.prepared))::float8 AS oldest
      FROM pg_database d LEFT JOIN pg_prepared_xacts p ON p.database = d.datname
      WHERE d.datallowconn AND NOT d.datistemplate AND %s
      GROUP BY d.datname ORDER BY d.datname""";

  @Override
  public String name() {
    return "prepared_transactions";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(COUNT, OLDEST);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(SQL.formatted(server.managed().excludeOwnDatabases("d.datname"))));
  }

  /** One row per database; the oldest is absent where none is prepared. */
  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      out.add(COUNT, r.dbl("prepared"), r.string("database"));
      out.add(OLDEST, r.dbl("oldest"), r.string("database"));
    }
    return out.toList();
  }
}
