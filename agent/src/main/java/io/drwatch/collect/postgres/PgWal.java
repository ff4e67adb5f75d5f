package io.drwatch.collect.postgres;

import static io.drwatch.collect.MetricFamily.counter;
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
 * WAL position and generation. The position is the write LSN on a primary and the replay LSN on a
 * standby, so {@code rate(pg_wal_lsn_bytes[5m])} is WAL throughput on either. {@code pg_stat_wal}
 * (14+) adds record, full-page-image and byte counters.
 */
@AutoService(Collector.class)
public final class PgWal implements PostgresCollector {

  public static final MetricFamily LSN = gauge("pg_wal_lsn_bytes",
      "Current WAL position as a byte number (primary: write LSN; standby: replay LSN).");
  static final MetricFamily SEGMENT_SIZE = gauge("pg_wal_segment_size_bytes", "WAL segment size.");
  static final MetricFamily CHECKPOINT = gauge("pg_checkpoint_last_timestamp_seconds",
      "Time of the last checkpoint (restartpoint on a standby), from pg_control_checkpoint().");
  static final MetricFamily RECORDS = counter("pg_wal_records_total", "14+: WAL records generated.");
  static final MetricFamily FPI = counter("pg_wal_fpi_total", "14+: WAL full page images generated.");
  static final MetricFamily BYTES = counter("pg_wal_bytes_total", "14+: WAL bytes generated (pg_stat_wal).");
  static final MetricFamily BUFFERS_FULL = counter("pg_wal_buffers_full_total",
      "14+: times WAL was written because WAL buffers were full.");

  private static final String SQL = """
      SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                                  ELSE pg_current_wal_lsn() END, '0/0')::float8 AS lsn,
             (SELECT setting::float8 FROM pg_settings WHERE name = 'wal_segment_size') AS segment_size,
             extract(epoch FROM c.checkpoint_time)::float8 AS checkpoint_time%s
      FROM pg_control_checkpoint() c%s""";

  static String sql(int major) {
    return major >= 14
        ? SQL.formatted(", w.wal_records, w.wal_fpi, w.wal_bytes::float8 AS wal_bytes, w.wal_buffers_full",
            ", pg_stat_wal w")
        : SQL.formatted("", "");
  }

  @Override
  public String name() {
    return "wal";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(LSN, SEGMENT_SIZE, CHECKPOINT, RECORDS, FPI, BYTES, BUFFERS_FULL);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.queryOne(sql(server.majorVersion())).orElseThrow());
  }

  static List<Sample> map(Row r) {
    Samples out = new Samples()
        .add(LSN, r.dbl("lsn"))
        .add(SEGMENT_SIZE, r.dbl("segment_size"))
        .add(CHECKPOINT, r.dbl("checkpoint_time"));
    if (r.has("wal_records")) {
      out.add(RECORDS, r.dbl("wal_records"))
          .add(FPI, r.dbl("wal_fpi"))
          .add(BYTES, r.dbl("wal_bytes"))
          .add(BUFFERS_FULL, r.dbl("wal_buffers_full"));
    }
    return out.toList();
  }
}
