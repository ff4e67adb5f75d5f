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
 * The Aurora global database, one row per cluster (region), from {@code aurora_global_db_status()}
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora_global_db_status.html),
 * callable from any instance. The primary cluster reports -1 for both lags and a last calculation
 * time of 1970-01-01: it gets the info series and no lag, never a false 0. A secondary's
 * {@code rpo_lag_in_msec} is what losing the primary region would cost: the cross-region RPO.
 */
@AutoService(Collector.class)
public final class AuroraGlobalDb implements AuroraCollector {

  public static final MetricFamily REGION = info("aurora_global_db_region_info",
      "1 per cluster of the Aurora global database: aws_region and role (primary or secondary).",
      "aws_region", "role");
  static final MetricFamily DURABILITY_LAG = gauge("aurora_global_db_durability_lag_seconds",
      "How far the secondary cluster's storage is behind the primary's (durability_lag_in_msec).",
      "aws_region");
  public static final MetricFamily RPO_LAG = gauge("aurora_global_db_rpo_lag_seconds",
      "Time for the latest commit on the primary to be stored on this secondary cluster "
          + "(rpo_lag_in_msec): the data losing the primary region would cost now.", "aws_region");
  static final MetricFamily LAST_CALCULATION = gauge("aurora_global_db_last_lag_calculation_timestamp_seconds",
      "When the secondary's lags were last calculated (last_lag_calculation_time).", "aws_region");
  static final MetricFamily HIGHEST_LSN = gauge("aurora_global_db_highest_lsn_written",
      "Highest log sequence number that exists on this cluster (highest_lsn_written; Aurora "
          + "storage LSN, not WAL bytes).", "aws_region");

  static final String SQL = """
      SELECT aws_region::text AS aws_region, highest_lsn_written::float8 AS highest_lsn_written,
             durability_lag_in_msec::float8 AS durability_lag_ms, rpo_lag_in_msec::float8 AS rpo_lag_ms,
             extract(epoch FROM last_lag_calculation_time)::float8 AS last_calculation
      FROM aurora_global_db_status()
      ORDER BY 1""";

  @Override
  public String name() {
    return "aurora_global_db";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(REGION, DURABILITY_LAG, RPO_LAG, LAST_CALCULATION, HIGHEST_LSN);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(SQL));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String region = r.string("aws_region");
      Double durability = r.dbl("durability_lag_ms");
      Double rpo = r.dbl("rpo_lag_ms");
      boolean primary = (durability != null && durability < 0) || (rpo != null && rpo < 0);
      out.info(REGION, region, primary ? "primary" : "secondary");
      out.add(HIGHEST_LSN, r.dbl("highest_lsn_written"), region);
      if (primary) {
        continue;
      }
      out.add(DURABILITY_LAG, durability == null ? null : durability / 1000, region)
          .add(RPO_LAG, rpo == null ? null : rpo / 1000, region)
          .add(LAST_CALCULATION, r.dbl("last_calculation"), region);
    }
    return out.toList();
  }
}
