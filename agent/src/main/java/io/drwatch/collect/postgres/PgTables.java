package io.drwatch.collect.postgres;

import static io.drwatch.collect.MetricFamily.counter;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Table access patterns and vacuum state from {@code pg_stat_user_tables} of the connected
 * database, bounded like statements ({@link TopN}): the top N tables by sequential scans in the
 * last interval and the top N by dead tuples get their own series (at most 2N), all others are one
 * {@code table="other"} rollup per database. Until per-database fan-out exists this covers the
 * connected database only.
 */
@AutoService(Collector.class)
public final class PgTables implements PostgresCollector {

  static final String[] LABELS = {"database", "schema", "table"};

  static final String[] COUNTER_COLUMNS = {"seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch",
      "n_tup_ins", "n_tup_upd", "n_tup_del", "vacuum_count", "autovacuum_count", "analyze_count",
      "autoanalyze_count"};
  static final int SEQ_SCAN = 0;
  static final MetricFamily[] COUNTERS = {
      counter("pg_table_seq_scans_total", "Sequential scans started on the table.", LABELS),
      counter("pg_table_seq_tuples_read_total", "Live rows fetched by sequential scans.", LABELS),
      counter("pg_table_index_scans_total", "Index scans started on the table's indexes (0 without indexes).", LABELS),
      counter("pg_table_index_tuples_fetched_total", "Live rows fetched by index scans (0 without indexes).", LABELS),
      counter("pg_table_tuples_inserted_total", "Rows inserted.", LABELS),
      counter("pg_table_tuples_updated_total", "Rows updated (including HOT).", LABELS),
      counter("pg_table_tuples_deleted_total", "Rows deleted.", LABELS),
      counter("pg_table_vacuums_total", "Manual vacuums.", LABELS),
      counter("pg_table_autovacuums_total", "Autovacuum runs.", LABELS),
      counter("pg_table_analyzes_total", "Manual analyzes.", LABELS),
      counter("pg_table_autoanalyzes_total", "Autoanalyze runs.", LABELS),
  };
  static final String[] GAUGE_COLUMNS = {"n_live_tup", "n_dead_tup", "last_vacuum", "last_autovacuum",
      "last_analyze", "last_autoanalyze"};
  static final int DEAD = 1;
  /** Gauges that add up in the "other" rollup; timestamps do not. */
  static final int SUMMABLE_GAUGES = 2;
  static final MetricFamily[] GAUGES = {
      gauge("pg_table_live_tuples", "Estimated live rows.", LABELS),
      gauge("pg_table_dead_tuples", "Estimated dead rows (vacuum reclaims them).", LABELS),
      gauge("pg_table_last_vacuum_timestamp_seconds", "Last manual vacuum (absent if never).", LABELS),
      gauge("pg_table_last_autovacuum_timestamp_seconds", "Last autovacuum (absent if never).", LABELS),
      gauge("pg_table_last_analyze_timestamp_seconds", "Last manual analyze (absent if never).", LABELS),
      gauge("pg_table_last_autoanalyze_timestamp_seconds", "Last autoanalyze (absent if never).", LABELS),
  };
  static final MetricFamily TRACKED = gauge("pg_table_tracked",
      "Tables in pg_stat_user_tables of the connected database (behind the bounded series).", "database");

  static final String SQL = """
      SELECT relid::int8 AS relid, current_database() AS datname, schemaname, relname,
             seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan,
             coalesce(idx_tup_fetch, 0) AS idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_del,
             vacuum_count, autovacuum_count, analyze_count, autoanalyze_count,
             n_live_tup, n_dead_tup,
             extract(epoch FROM last_vacuum)::float8 AS last_vacuum,
             extract(epoch FROM last_autovacuum)::float8 AS last_autovacuum,
             extract(epoch FROM last_analyze)::float8 AS last_analyze,
             extract(epoch FROM last_autoanalyze)::float8 AS last_autoanalyze
      FROM pg_stat_user_tables""";

  private final int topN;
  private final TopN<Long> tracker = new TopN<>(COUNTER_COLUMNS.length, GAUGE_COLUMNS.length);
  private String identity;

  public PgTables() {
    this(10);
  }

  public PgTables(int topN) {
    this.topN = topN;
  }

  public int topN() {
    return topN;
  }

  @Override
  public String name() {
    return "tables";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofMinutes(1);
  }

  @Override
  public List<MetricFamily> families() {
    List<MetricFamily> all = new java.util.ArrayList<>(List.of(COUNTERS));
    all.addAll(List.of(GAUGES));
    all.add(TRACKED);
    return all;
  }

  @Override
  public Set<String> optionKeys() {
    return Set.of("top-n");
  }

  @Override
  public Collector configure(Config o) {
    int n = o.hasPath("top-n") ? o.getInt("top-n") : topN;
    if (n < 1 || n > 1000) {
      throw new IllegalArgumentException("top-n must be between 1 and 1000, got " + n);
    }
    return new PgTables(n);
  }

  @Override
  public Collector perTarget() {
    return new PgTables(topN);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    String id = server.systemIdentifier() + "/" + server.postmasterStartSeconds();
    if (identity != null && !id.equals(identity)) {
      tracker.rebaseline();
    }
    identity = id;
    return run(tracker, db.query(SQL), topN);
  }

  /** One full run of the tracker over the rows, and its samples. */
  static List<Sample> run(TopN<Long> tracker, List<Row> rows, int topN) {
    tracker.begin(true);
    double[] counters = new double[COUNTER_COLUMNS.length];
    double[] gauges = new double[GAUGE_COLUMNS.length];
    String database = null;
    for (Row r : rows) {
      for (int i = 0; i < counters.length; i++) {
        Double v = r.dbl(COUNTER_COLUMNS[i]);
        counters[i] = v == null ? Double.NaN : v;
      }
      for (int i = 0; i < gauges.length; i++) {
        Double v = r.dbl(GAUGE_COLUMNS[i]);
        gauges[i] = v == null ? Double.NaN : v;
      }
      database = r.string("datname");
      tracker.observe(r.lng("relid"), database,
          List.of(database, r.string("schemaname"), r.string("relname")), counters, gauges, null);
    }
    TopN.Result result = tracker.finish(topN, List.of(
        (e, run, baseline) -> baseline ? e.current(SEQ_SCAN) : e.delta(SEQ_SCAN, run),
        (e, run, baseline) -> e.gauge(DEAD)));
    Samples out = new Samples();
    for (TopN.Entry e : result.top()) {
      String[] l = e.labels.toArray(new String[0]);
      for (int i = 0; i < COUNTERS.length; i++) {
        finite(out, COUNTERS[i], e.exported[i], l);
      }
      for (int i = 0; i < GAUGES.length; i++) {
        finite(out, GAUGES[i], e.gauge(i), l);
      }
    }
    for (Map.Entry<String, double[]> g : result.otherCounters().entrySet()) {
      String[] l = {g.getKey(), "", "other"};
      for (int i = 0; i < COUNTERS.length; i++) {
        finite(out, COUNTERS[i], g.getValue()[i], l);
      }
      double[] sums = result.otherGauges().get(g.getKey());
      for (int i = 0; i < SUMMABLE_GAUGES; i++) {
        finite(out, GAUGES[i], sums[i], l);
      }
    }
    if (database != null) {
      out.add(TRACKED, tracker.size(), database);
    }
    return out.toList();
  }

  private static void finite(Samples out, MetricFamily f, double v, String[] labels) {
    if (!Double.isNaN(v)) {
      out.add(f, v, labels);
    }
  }
}
