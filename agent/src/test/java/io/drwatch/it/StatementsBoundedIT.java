package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.Sample;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sandbox.PgSandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The "done when": on every version 13-18, as the pg_monitor-only role, a workload of many
 * distinct queries shows up as a fixed, small number of series whose rates match what
 * pg_stat_statements itself says over the same window. The workload runs in its own database
 * {@code app}, so nothing but the workload moves its numbers (drwatch and the test read from
 * {@code postgres}); sums over {@code database="app"} must then equal the view's own deltas
 * exactly, through top-N churn, new statements and a full reset.
 */
class StatementsBoundedIT {

  static final int TOP_N = 5;
  static final int TABLES = 30;
  static final int COLUMNS = 10;

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 14, 15, 16, 17, 18})
  void manyDistinctQueriesAreAFixedNumberOfSeriesWhoseRatesMatch(int major) throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(major).start()) {
      pg.primary().sql("CREATE DATABASE app");
      try (Connection app = DriverManager.getConnection(pg.primary().jdbcUrl("app"), "postgres", "");
          Statement st = app.createStatement()) {
        for (int t = 0; t < TABLES; t++) {
          StringBuilder cols = new StringBuilder();
          for (int c = 0; c < COLUMNS; c++) {
            cols.append(c == 0 ? "" : ", ").append("c").append(c).append(" int");
          }
          st.execute("CREATE TABLE t" + t + " (" + cols + ")");
          st.execute("INSERT INTO t" + t + " SELECT g, g, g, g, g, g, g, g, g, g FROM generate_series(1, 50) g");
        }
        try (Watch watch = new Watch(config(pg))) {
          watch.run("primary", "statements"); // baseline
          assertOk(watch);
          Map<Set<String>, Double> seen = counters(watch);
          // each series' last value, kept across gaps as a Prometheus range vector does
          Map<List<String>, Double> expPrev = new HashMap<>(series(watch, "app"));
          Map<String, Double> pssPrev = pss(pg);
          Set<List<String>> labelSets = null;
          for (int round = 0; round < 4; round++) {
            workload(st, round);
            watch.run("primary", "statements");
            assertOk(watch);
            Map<String, Double> pssNow = pss(pg);
            Map<List<String>, Double> expNow = series(watch, "app");
            Map<String, Double> inc = increase(expPrev, expNow);
            for (String col : List.of("calls", "rows")) {
              assertEquals(pssNow.get(col) - pssPrev.get(col), inc.get(col), 1e-9,
                  major + " round " + round + ": sum(increase()) of " + col + " in database app");
            }
            double pssTime = pssNow.get("exec") - pssPrev.get("exec");
            assertEquals(pssTime, inc.get("exec"), 1e-6 * Math.max(1, pssTime),
                major + " round " + round + ": sum(increase()) of exec time in database app");
            assertTrue(pssNow.get("statements") > 3 * TOP_N, "workload has many distinct statements");
            Set<List<String>> sets = labelSets(watch);
            long others = sets.stream().filter(l -> l.get(2).equals("other")).count();
            assertEquals(2, others, "one other per database with statements (app, postgres): " + sets);
            assertEquals(TOP_N + others, sets.size(), "top-n statements plus one other per database: " + sets);
            if (labelSets != null) {
              assertEquals(labelSets.size(), sets.size(), "series count is fixed");
            }
            labelSets = sets;
            assertMonotonic(seen, counters(watch), major + " round " + round);
            pssPrev = pssNow;
            expPrev.putAll(expNow);
          }
          // A full reset between two runs: the view restarts from zero, drwatch's counters do not
          // go back, and the increase drwatch reports is what the view holds since the reset.
          pg.primary().sql("SELECT pg_stat_statements_reset()");
          workload(st, 7);
          watch.run("primary", "statements");
          assertOk(watch);
          Map<String, Double> pssNow = pss(pg);
          Map<String, Double> inc = increase(expPrev, series(watch, "app"));
          assertEquals(pssNow.get("calls"), inc.get("calls"), 1e-9, major + ": calls after a reset");
          assertMonotonic(seen, counters(watch), major + " after reset");
          String text = watch.exposition();
          assertEquals("", Promtool.checkMetrics(text));
          assertTrue(text.contains("pg_statements_query_info{"), "query texts of the top are exposed");
        }
      }
    }
  }

  /**
   * With pg_stat_statements.max at its minimum (100) and 300 distinct statements per round, the
   * view evicts all the time: drwatch notices the deallocations, forgets evicted entries (so what
   * it tracks stays near the view's size instead of growing), keeps its counters monotonic and
   * its series count fixed.
   */
  @org.junit.jupiter.api.Test
  void evictionsAreForgotten() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(17).start()) {
      pg.primary().sql("ALTER SYSTEM SET pg_stat_statements.max = 100");
      pg.primary().stop();
      pg.primary().start();
      pg.primary().sql("CREATE DATABASE app");
      try (Connection app = DriverManager.getConnection(pg.primary().jdbcUrl("app"), "postgres", "");
          Statement st = app.createStatement(); Watch watch = new Watch(config(pg))) {
        for (int t = 0; t < TABLES; t++) {
          st.execute("CREATE TABLE t" + t + " (c0 int, c1 int, c2 int, c3 int, c4 int, c5 int, c6 int, c7 int, c8 int, c9 int)");
        }
        watch.run("primary", "statements");
        Map<Set<String>, Double> seen = counters(watch);
        Set<List<String>> sets = null;
        for (int round = 0; round < 4; round++) {
          workload(st, round);
          watch.run("primary", "statements");
          assertOk(watch);
          assertMonotonic(seen, counters(watch), "eviction round " + round);
          double tracked = watch.require("primary", "pg_statements_tracked");
          assertTrue(tracked <= 100 + 10, "tracked " + tracked + " stays near pg_stat_statements.max");
          Set<List<String>> now = labelSets(watch);
          assertEquals(TOP_N + now.stream().filter(l -> l.get(2).equals("other")).count(), now.size(), now.toString());
          if (sets != null) {
            assertEquals(sets.size(), now.size(), "series count is fixed");
          }
          sets = now;
        }
        assertTrue(watch.require("primary", "pg_statements_deallocations_total") > 0);
      }
    }
  }

  static AgentConfig config(PgSandbox pg) {
    String conf = """
        drwatch { defaults { interval = 5s, timeout = 5s, connect-timeout = 2s }
          targets = [ { name = primary, url = "%s", user = "%s", no-password = true,
            collectors { statements { top-n = %d } } } ] }
        """.formatted(pg.primary().jdbcUrl(), PgSandbox.MONITOR_ROLE, TOP_N);
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(conf, "it");
  }

  /**
   * Distinct statements (table x selected column x filtered column), executed a varying number of
   * times so the top changes from round to round; a few new ones appear every round.
   */
  static void workload(Statement st, int round) throws SQLException {
    for (int t = 0; t < TABLES; t++) {
      for (int c = 0; c < COLUMNS; c++) {
        int times = 1 + ((t * COLUMNS + c + round * 7) % 5 == 0 ? 3 : 0);
        for (int i = 0; i < times; i++) {
          try (ResultSet rs = st.executeQuery("SELECT c" + c + " FROM t" + t + " WHERE c" + ((c + round) % COLUMNS)
              + " < " + (10 + i))) {
            while (rs.next()) {
              rs.getInt(1);
            }
          }
        }
      }
    }
    // new statements this round, one of them slow enough to enter the top
    st.executeQuery("SELECT count(*) FROM t0 a, t1 b WHERE a.c0 < b.c" + round % COLUMNS).close();
    st.executeQuery("SELECT pg_sleep(0.05), " + round + " AS \"odd \"\"alias\"\" \\ ü\n" + round + "\"").close();
  }

  /** The view's own totals for database app, read as superuser from postgres. */
  static Map<String, Double> pss(PgSandbox pg) throws SQLException {
        try (Connection c = pg.primary().connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(sum(calls), 0)::float8 AS calls, coalesce(sum(rows), 0)::float8 AS rows,"
            + " coalesce(sum(total_exec_time), 0)::float8 / 1000 AS exec, count(*)::float8 AS statements"
            + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'app')")) {
      rs.next();
      return Map.of("calls", rs.getDouble(1), "rows", rs.getDouble(2), "exec", rs.getDouble(3),
          "statements", rs.getDouble(4));
    }
  }

  static CollectorResult result(Watch watch) {
    return watch.result("primary", "statements").orElseThrow();
  }

  static void assertOk(Watch watch) {
    CollectorResult r = result(watch);
    assertTrue(r.success(), "statements failed: " + r.error());
  }

  static final Map<String, String> FAMILIES = Map.of("pg_statements_calls_total", "calls",
      "pg_statements_rows_total", "rows", "pg_statements_exec_time_seconds_total", "exec");

  /** drwatch's statement counters in one database: [column, labels...] to value. */
  static Map<List<String>, Double> series(Watch watch, String db) {
    Map<List<String>, Double> out = new HashMap<>();
    for (Sample s : result(watch).samples()) {
      String col = FAMILIES.get(s.family().name());
      if (col != null && s.labelValues().get(0).equals(db)) {
        List<String> key = new java.util.ArrayList<>();
        key.add(col);
        key.addAll(s.labelValues());
        out.put(key, s.value());
      }
    }
    return out;
  }

  /**
   * What Prometheus' {@code sum(increase())} sees between two samples: per series present in both,
   * its increase (a decrease would be a counter reset, taken as the whole new value); a series
   * that appears contributes nothing, its first value is the baseline.
   */
  static Map<String, Double> increase(Map<List<String>, Double> before, Map<List<String>, Double> after) {
    Map<String, Double> out = new HashMap<>(Map.of("calls", 0.0, "rows", 0.0, "exec", 0.0));
    after.forEach((k, v) -> {
      Double b = before.get(k);
      if (b != null) {
        out.merge(k.get(0), v >= b ? v - b : v, Double::sum);
      }
    });
    return out;
  }

  static Set<List<String>> labelSets(Watch watch) {
    Set<List<String>> out = new HashSet<>();
    for (Sample s : result(watch).samples()) {
      if (s.family().name().equals("pg_statements_calls_total")) {
        out.add(s.labelValues());
      }
    }
    return out;
  }

  /** Every counter series ever seen, by family and labels, with its last value. */
  static Map<Set<String>, Double> counters(Watch watch) {
    Map<Set<String>, Double> out = new HashMap<>();
    for (Sample s : result(watch).samples()) {
      if (s.family().name().endsWith("_total")) {
        Set<String> key = new HashSet<>(s.labelValues());
        key.add("family=" + s.family().name());
        key.add("labels=" + s.labelValues());
        out.put(key, s.value());
      }
    }
    return out;
  }

  static void assertMonotonic(Map<Set<String>, Double> seen, Map<Set<String>, Double> now, String when) {
    for (Map.Entry<Set<String>, Double> e : now.entrySet()) {
      Double before = seen.get(e.getKey());
      if (before != null) {
        assertTrue(e.getValue() >= before, when + ": counter went backwards " + e.getKey() + " " + before + " -> " + e.getValue());
      }
      seen.put(e.getKey(), e.getValue());
    }
  }
}
