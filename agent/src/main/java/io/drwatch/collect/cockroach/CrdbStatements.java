package io.drwatch.collect.cockroach;

import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.info;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Statement fingerprints from {@code crdb_internal.statement_statistics} (a supported table, so
 * it stays readable behind the 26.1 access gate; it merges the in-memory statistics of every node,
 * fetched by RPC, with the persisted ones, hence the 60s default). Each run reports what happened
 * in the interval since the previous run ({@link StatementDeltas}, one per target): the {@code
 * top-n} fingerprint/app pairs by service time individually, everything else summed into
 * {@code fingerprint_id="other"}, so the series count is fixed however many statements the cluster
 * has. Statement text appears only in the info family, truncated, and can be switched off.
 */
@AutoService(Collector.class)
public final class CrdbStatements implements CockroachCollector {

  static final String OTHER = "other";

  static final MetricFamily EXECUTIONS = gauge("crdb_statement_interval_executions",
      "Executions in the last sampling interval, per top-N fingerprint and app (fingerprint_id=\"other\": "
          + "all the rest).", "fingerprint_id", "app_name");
  static final MetricFamily SERVICE = gauge("crdb_statement_interval_service_seconds",
      "Service time spent in the last sampling interval (executions times mean service latency); the "
          + "top-N is ranked by it.", "fingerprint_id", "app_name");
  static final MetricFamily LATENCY = gauge("crdb_statement_service_latency_mean_seconds",
      "Mean service latency of the executions in the last sampling interval.", "fingerprint_id", "app_name");
  static final MetricFamily ROWS = gauge("crdb_statement_interval_rows",
      "Rows returned or affected in the last sampling interval.", "fingerprint_id", "app_name");
  static final MetricFamily FAILURES = gauge("crdb_statement_interval_failures",
      "Failed executions in the last sampling interval.", "fingerprint_id", "app_name");
  static final MetricFamily CONTENTION = gauge("crdb_statement_interval_contention_seconds",
      "Time spent waiting on contention in the last sampling interval, over the executions CockroachDB "
          + "sampled for execution statistics only.", "fingerprint_id", "app_name");
  static final MetricFamily CPU = gauge("crdb_statement_interval_cpu_seconds",
      "SQL CPU time in the last sampling interval, over the sampled executions only.",
      "fingerprint_id", "app_name");
  static final MetricFamily STATEMENT_INFO = info("crdb_statement_info",
      "1 per top-N fingerprint and app: database, statement type and the (truncated) statement "
          + "fingerprint text, empty when query-text = false.",
      "fingerprint_id", "app_name", "database", "statement_type", "query");
  static final MetricFamily INTERVAL = gauge("crdb_statements_interval_seconds",
      "Length of the interval the crdb_statement_interval_* values cover (time between the last two runs).");
  static final MetricFamily ACTIVE = gauge("crdb_statements_active_fingerprints",
      "Fingerprint/app pairs with executions in the last sampling interval (top-N plus those in other).");

  static final int DEFAULT_TOP = 20;
  static final int DEFAULT_TEXT_LENGTH = 200;
  static final Duration DEFAULT_LOOKBACK = Duration.ofHours(2);

  private final int top;
  private final boolean queryText;
  private final int textLength;
  private final boolean includeInternal;
  private final Duration lookback;
  private final Clock clock;
  private final StatementDeltas deltas = new StatementDeltas();

  public CrdbStatements() {
    this(DEFAULT_TOP, true, DEFAULT_TEXT_LENGTH, false, DEFAULT_LOOKBACK, Clock.systemUTC());
  }

  CrdbStatements(int top, boolean queryText, int textLength, boolean includeInternal,
      Duration lookback, Clock clock) {
    this.top = top;
    this.queryText = queryText;
    this.textLength = textLength;
    this.includeInternal = includeInternal;
    this.lookback = lookback;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "crdb_statements";
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofSeconds(60);
  }

  /** Each target ranks its own deltas. */
  @Override
  public Collector perTarget() {
    return new CrdbStatements(top, queryText, textLength, includeInternal, lookback, clock);
  }

  @Override
  public Set<String> optionKeys() {
    return Set.of("top-n", "query-text", "query-text-length", "include-internal", "lookback");
  }

  @Override
  public Collector configure(Config o) {
    int n = o.hasPath("top-n") ? o.getInt("top-n") : top;
    if (n < 1 || n > 500) {
      throw new IllegalArgumentException("top-n must be between 1 and 500, not " + n);
    }
    int len = o.hasPath("query-text-length") ? o.getInt("query-text-length") : textLength;
    if (len < 16 || len > 4000) {
      throw new IllegalArgumentException("query-text-length must be between 16 and 4000, not " + len);
    }
    Duration back = o.hasPath("lookback") ? o.getDuration("lookback") : lookback;
    if (back.compareTo(Duration.ofMinutes(10)) < 0 || back.compareTo(Duration.ofDays(2)) > 0) {
      throw new IllegalArgumentException("lookback must be between 10m and 2d (it should span at least "
          + "two aggregation buckets of sql.stats.aggregation.interval), not " + back);
    }
    return new CrdbStatements(n,
        o.hasPath("query-text") ? o.getBoolean("query-text") : queryText, len,
        o.hasPath("include-internal") ? o.getBoolean("include-internal") : includeInternal, back, clock);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(EXECUTIONS, SERVICE, LATENCY, ROWS, FAILURES, CONTENTION, CPU, STATEMENT_INFO,
        INTERVAL, ACTIVE);
  }

  /**
   * One row per statistics key in the lookback window. Failures: {@code failureCount} from 24.1;
   * before, failed executions have their own fingerprint with {@code metadata.failed = true}.
   */
  String sql(ServerInfo server) {
    String failures = server.atLeast(24, 1)
        ? "coalesce((statistics->'statistics'->>'failureCount')::FLOAT8, 0)"
        : "CASE WHEN metadata->>'failed' = 'true' THEN (statistics->'statistics'->>'cnt')::FLOAT8 ELSE 0 END";
    String cnt = "(statistics->'statistics'->>'cnt')::FLOAT8";
    String sampled = "coalesce((statistics->'execution_statistics'->>'cnt')::FLOAT8, 0)";
    // One character more than kept, so that the truncation below knows it cut.
    String text = queryText ? "left(max(metadata->>'query'), " + (textLength + 1) + ")" : "''";
    return """
        SELECT encode(fingerprint_id, 'hex') AS fingerprint_id, app_name,
               extract(epoch FROM aggregated_ts)::FLOAT8 AS bucket,
               %s AS query,
               max(metadata->>'db') AS database,
               max(coalesce(metadata->>'stmtType', metadata->>'stmtTyp')) AS statement_type,
               sum(%s) AS executions,
               sum(%s * coalesce((statistics->'statistics'->'svcLat'->>'mean')::FLOAT8, 0)) AS service_seconds,
               sum(%s * coalesce((statistics->'statistics'->'numRows'->>'mean')::FLOAT8, 0)) AS rows,
               sum(%s) AS failures,
               sum(%s * coalesce((statistics->'execution_statistics'->'contentionTime'->>'mean')::FLOAT8, 0))
                 AS contention_seconds,
               sum(%s * coalesce((statistics->'execution_statistics'->'cpuSQLNanos'->>'mean')::FLOAT8, 0)) / 1e9
                 AS cpu_seconds
        FROM crdb_internal.statement_statistics
        WHERE aggregated_ts >= now() - INTERVAL '%d seconds'%s
        GROUP BY fingerprint_id, app_name, aggregated_ts"""
        .formatted(text, cnt, cnt, cnt, failures, sampled, sampled, lookback.toSeconds(),
            includeInternal ? "" : " AND app_name NOT LIKE '$ internal%'");
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    List<Row> rows = Crdb.query(db, server, "VIEWACTIVITY", "crdb_internal.statement_statistics",
        sql(server));
    double at = clock.millis() / 1000.0;
    String cluster = server.cockroach() == null ? null : server.cockroach().clusterId();
    return map(rows, at, cluster);
  }

  /** Rows to the snapshot, the snapshot to the interval, the interval to samples. */
  List<Sample> map(List<Row> rows, double at, String clusterId) {
    List<Map.Entry<StatementDeltas.Key, StatementDeltas.Totals>> keyed = new ArrayList<>(rows.size());
    Map<StatementDeltas.Statement, Row> describe = new HashMap<>();
    for (Row r : rows) {
      String fp = r.string("fingerprint_id");
      String app = Crdb.truncate(r.string("app_name"), 64);
      StatementDeltas.Key k = new StatementDeltas.Key(fp, app, r.dbl("bucket"));
      keyed.add(Map.entry(k, new StatementDeltas.Totals(num(r, "executions"), num(r, "service_seconds"),
          num(r, "rows"), num(r, "failures"), num(r, "contention_seconds"), num(r, "cpu_seconds"))));
      describe.merge(new StatementDeltas.Statement(fp, app), r,
          (a, b) -> a.dbl("bucket") >= b.dbl("bucket") ? a : b);
    }
    StatementDeltas.Interval interval = deltas.advance(
        new StatementDeltas.Snapshot(at, clusterId, StatementDeltas.totals(keyed)));
    Samples out = new Samples();
    if (interval == null) {
      return out.toList(); // baseline
    }
    out.add(INTERVAL, interval.seconds());
    List<Map.Entry<StatementDeltas.Statement, StatementDeltas.Totals>> best = interval.top(top);
    StatementDeltas.Totals rest = StatementDeltas.Totals.ZERO;
    long active = 0;
    java.util.Set<StatementDeltas.Statement> chosen = new java.util.HashSet<>();
    best.forEach(e -> chosen.add(e.getKey()));
    for (Map.Entry<StatementDeltas.Statement, StatementDeltas.Totals> e : interval.statements().entrySet()) {
      if (e.getValue().active()) {
        active++;
        if (!chosen.contains(e.getKey())) {
          rest = rest.plus(e.getValue());
        }
      }
    }
    out.add(ACTIVE, active);
    for (Map.Entry<StatementDeltas.Statement, StatementDeltas.Totals> e : best) {
      StatementDeltas.Statement s = e.getKey();
      emit(out, s.fingerprintId(), s.appName(), e.getValue());
      Row d = describe.get(s);
      out.info(STATEMENT_INFO, s.fingerprintId(), s.appName(), d == null ? "" : d.string("database"),
          d == null ? "" : d.string("statement_type"),
          d == null || !queryText ? "" : Crdb.truncate(d.string("query"), textLength));
    }
    emit(out, OTHER, "", rest);
    return out.toList();
  }

  private static void emit(Samples out, String fp, String app, StatementDeltas.Totals t) {
    out.add(EXECUTIONS, t.executions(), fp, app);
    out.add(SERVICE, t.serviceSeconds(), fp, app);
    out.add(LATENCY, t.executions() > 0 ? t.serviceSeconds() / t.executions() : null, fp, app);
    out.add(ROWS, t.rows(), fp, app);
    out.add(FAILURES, t.failures(), fp, app);
    out.add(CONTENTION, t.contentionSeconds(), fp, app);
    out.add(CPU, t.cpuSeconds(), fp, app);
  }

  private static double num(Row r, String column) {
    Double v = r.dbl(column);
    return v == null ? 0 : v;
  }
}
