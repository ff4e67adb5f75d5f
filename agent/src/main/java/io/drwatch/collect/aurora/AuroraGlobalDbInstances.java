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
 * Every instance of every cluster of the Aurora global database, from
 * {@code aurora_global_db_instance_status()}
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora_global_db_instance_status.html).
 * {@code visibility_lag_in_msec} is how far a reader lags behind its writer (primary cluster) or
 * behind its secondary volume (secondary clusters); the writer's reader-only columns are NULL.
 */
@AutoService(Collector.class)
public final class AuroraGlobalDbInstances implements AuroraCollector {

  static final MetricFamily INSTANCE = info("aurora_global_db_instance_info",
      "1 per instance of the Aurora global database: its region and role (writer or reader).",
      "server_id", "aws_region", "role");
  static final MetricFamily VISIBILITY_LAG = gauge("aurora_global_db_instance_visibility_lag_seconds",
      "How far the reader lags behind its cluster's writer, or behind its secondary volume in a "
          + "secondary region (visibility_lag_in_msec).", "server_id", "aws_region");

  static final String SQL = """
      SELECT server_id::text AS server_id, session_id::text AS session_id, aws_region::text AS aws_region,
             visibility_lag_in_msec::float8 / 1000 AS visibility_lag_seconds
      FROM aurora_global_db_instance_status()
      ORDER BY 3, 1""";

  @Override
  public String name() {
    return "aurora_global_db_instances";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(INSTANCE, VISIBILITY_LAG);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(SQL));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String id = r.string("server_id");
      String region = r.string("aws_region");
      boolean writer = AuroraReplicas.WRITER_SESSION.equals(r.string("session_id"));
      out.info(INSTANCE, id, region, writer ? "writer" : "reader");
      if (!writer) {
        out.add(VISIBILITY_LAG, r.dbl("visibility_lag_seconds"), id, region);
      }
    }
    return out.toList();
  }
}
