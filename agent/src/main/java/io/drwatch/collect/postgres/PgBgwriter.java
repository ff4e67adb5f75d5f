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
 * The background writer from {@code pg_stat_bgwriter}: only the columns it keeps in 17+, so the
 * names hold on every version. Checkpoint columns (in this view until 16) belong to the
 * {@code checkpointer} collector; backend writes to {@code io} (pg_stat_io, 16+).
 */
@AutoService(Collector.class)
public final class PgBgwriter implements PostgresCollector {

  static final MetricFamily CLEAN = counter("pg_bgwriter_buffers_clean_total",
      "Buffers written by the background writer.");
  static final MetricFamily MAXWRITTEN = counter("pg_bgwriter_maxwritten_clean_total",
      "Times the background writer stopped a cleaning scan for writing too many buffers (bgwriter_lru_maxpages).");
  static final MetricFamily ALLOC = counter("pg_bgwriter_buffers_alloc_total", "Buffers allocated.");
  static final MetricFamily STATS_RESET = gauge("pg_bgwriter_stats_reset_timestamp_seconds",
      "When pg_stat_bgwriter was last reset.");

  static final String SQL = """
      SELECT buffers_clean, maxwritten_clean, buffers_alloc,
             extract(epoch FROM stats_reset)::float8 AS stats_reset
      FROM pg_stat_bgwriter""";

  @Override
  public String name() {
    return "bgwriter";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(CLEAN, MAXWRITTEN, ALLOC, STATS_RESET);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.queryOne(SQL).orElseThrow());
  }

  static List<Sample> map(Row r) {
    return new Samples()
        .add(CLEAN, r.dbl("buffers_clean"))
        .add(MAXWRITTEN, r.dbl("maxwritten_clean"))
        .add(ALLOC, r.dbl("buffers_alloc"))
        .add(STATS_RESET, r.dbl("stats_reset"))
        .toList();
  }
}
