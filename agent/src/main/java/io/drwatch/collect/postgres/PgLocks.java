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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Locks and blocking: lock counts by mode from {@code pg_locks} (every standard mode always
 * present, 0 when unused), and for the sessions waiting on a lock, who blocks them
 * ({@code pg_blocking_pids}, called only for sessions whose wait event type is Lock, since it
 * briefly takes the lock manager's locks) and since when the longest one has waited
 * ({@code pg_locks.waitstart}, 14+; the blocked query's start on 13).
 */
@AutoService(Collector.class)
public final class PgLocks implements PostgresCollector {

  static final List<String> MODES = List.of("AccessShareLock", "RowShareLock", "RowExclusiveLock",
      "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock",
      "AccessExclusiveLock", "SIReadLock");

  static final MetricFamily HELD = gauge("pg_locks_held", "Granted locks by mode (pg_locks).", "mode");
  static final MetricFamily WAITING = gauge("pg_locks_waiting", "Lock requests waiting, by mode.", "mode");
  static final MetricFamily BLOCKED = gauge("pg_locks_blocked_sessions",
      "Sessions waiting for a lock held by another session (pg_blocking_pids).");
  static final MetricFamily BLOCKING = gauge("pg_locks_blocking_sessions",
      "Distinct sessions that block at least one other session.");
  static final MetricFamily OLDEST_WAIT = gauge("pg_locks_oldest_wait_start_timestamp_seconds",
      "Since when the longest-blocked session has waited (absent when none is blocked).");

  /**
   * One statement: the blocked-session summary (one row, always) joined with the lock counts per
   * mode, so each row carries both; {@code mode} is null only when pg_locks had no rows.
   */
  static String sql(int major) {
    String waitStart = major >= 14
        ? "(SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted)"
        : "w.query_start";
    return """
        WITH w AS (
          SELECT pid, query_start, pg_blocking_pids(pid) AS blockers
          FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()),
        b AS (
          SELECT count(*) FILTER (WHERE cardinality(blockers) > 0) AS blocked,
                 (SELECT count(DISTINCT x) FROM w, unnest(w.blockers) x) AS blocking,
                 extract(epoch FROM min(%s) FILTER (WHERE cardinality(blockers) > 0))::float8 AS oldest_wait
          FROM w),
        m AS (
          SELECT mode, count(*) FILTER (WHERE granted) AS held, count(*) FILTER (WHERE NOT granted) AS waiting
          FROM pg_locks GROUP BY mode)
        SELECT m.mode, m.held, m.waiting, b.blocked, b.blocking, b.oldest_wait
        FROM b LEFT JOIN m ON true ORDER BY m.mode""".formatted(waitStart);
  }

  @Override
  public String name() {
    return "locks";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(HELD, WAITING, BLOCKED, BLOCKING, OLDEST_WAIT);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    if (!server.readsAllStats()) {
      db.warn("other roles' wait events are hidden from this role (grant pg_monitor): blocked sessions are undercounted");
    }
    List<Row> rows = db.query(sql(server.majorVersion()));
    return map(rows.stream().filter(r -> r.string("mode") != null).toList(), rows.get(0));
  }

  static List<Sample> map(List<Row> modes, Row blocked) {
    Map<String, double[]> byMode = new LinkedHashMap<>();
    MODES.forEach(m -> byMode.put(m, new double[2]));
    for (Row r : modes) {
      double[] v = byMode.computeIfAbsent(r.string("mode"), m -> new double[2]);
      v[0] = r.dbl("held");
      v[1] = r.dbl("waiting");
    }
    Samples out = new Samples();
    byMode.forEach((m, v) -> out.add(HELD, v[0], m).add(WAITING, v[1], m));
    return out.add(BLOCKED, blocked.dbl("blocked"))
        .add(BLOCKING, blocked.dbl("blocking"))
        .add(OLDEST_WAIT, blocked.dbl("oldest_wait"))
        .toList();
  }
}
