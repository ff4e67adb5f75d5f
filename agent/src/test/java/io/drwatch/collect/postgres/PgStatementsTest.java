package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigException;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Exposition;
import io.drwatch.sample.Schedule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pg_stat_statements rows through the tracker to exposition, per extension version shape. */
class PgStatementsTest {

  /** A row as the 1.9+ statements query returns it. */
  static Row stmt(long queryid, String db, double calls, double execSeconds, double rows, Integer toplevel) {
    return row("userid", 10L, "dbid", db.equals("app") ? 16384L : 5L, "queryid", queryid, "toplevel", toplevel,
        "calls", calls, "plans", 0.0, "exec_seconds", execSeconds, "plan_seconds", 0.0, "nrows", rows,
        "shared_blks_hit", 10.0, "shared_blks_read", 1.0, "local_blks_hit", 0.0, "local_blks_read", 0.0,
        "temp_blks_read", 0.0, "temp_blks_written", 0.0, "blk_read_seconds", 0.0, "blk_write_seconds", 0.0,
        "wal_records", 0.0, "wal_bytes", 0.0, "stats_since", null);
  }

  static TopN.Result run(TopN<PgStatements.Key> t, boolean full, int n, Row... rows) throws Exception {
    t.begin(full);
    double[] scratch = new double[PgStatements.COLUMNS.length];
    for (Row r : rows) {
      PgStatements.observe(t, new PgStatements.RowCols(r), scratch, r.get("toplevel") != null, NAMES);
    }
    return t.finish(n, List.of(PgStatements::timeSpent));
  }

  /** Names as pg_database and pg_roles would give them; 9999 was dropped. */
  static final PgStatements.NameLookup NAMES = new PgStatements.NameLookup() {
    @Override
    public String database(long oid) {
      return Map.of(5L, "postgres", 16384L, "app").getOrDefault(oid, Long.toString(oid));
    }

    @Override
    public String role(long oid) {
      return Map.of(10L, "alice", 11L, "bob").getOrDefault(oid, Long.toString(oid));
    }
  };

  static final PgStatements.Options TOP1 = new PgStatements.Options(1, true, 200);

  @Test
  void topStatementOtherPerDatabaseAndHostileQueryTextSurviveExposition() throws Exception {
    TopN<PgStatements.Key> t = new TopN<>(PgStatements.COLUMNS.length, 0);
    run(t, true, 1, stmt(42, "app", 10, 2.0, 100, 1), stmt(-7, "app", 5, 0.5, 5, 1),
        stmt(99, "postgres", 1, 0.25, 1, 0));
    TopN.Result r = run(t, false, 1, stmt(42, "app", 11, 2.5, 101, 1), stmt(-7, "app", 9, 4.5, 9, 1));
    String hostile = "SELECT $1 AS \"we\"\"ird\\\\ ü 🚀\",\n\t'\\n' /* \"quoted\" \\ comment\r\n */ FROM t";
    List<Sample> samples = PgStatements.map(r, Map.of(42L, "unused", -7L, hostile), 3.0, 1735689000.0, 3, TOP1);
    String text = expose("statements", samples);
    assertEquals("""
        # TYPE pg_statements_calls_total counter
        pg_statements_calls_total{database="app",queryid="-7",target="pg-a",toplevel="true",user="alice"} 9.0
        pg_statements_calls_total{database="app",queryid="other",target="pg-a",toplevel="",user=""} 10.0
        pg_statements_calls_total{database="postgres",queryid="other",target="pg-a",toplevel="",user=""} 1.0
        # TYPE pg_statements_exec_time_seconds_total counter
        pg_statements_exec_time_seconds_total{database="app",queryid="-7",target="pg-a",toplevel="true",user="alice"} 4.5
        pg_statements_exec_time_seconds_total{database="app",queryid="other",target="pg-a",toplevel="",user=""} 5.0
        pg_statements_exec_time_seconds_total{database="postgres",queryid="other",target="pg-a",toplevel="",user=""} 0.25
        """, Exposition.only(text, "pg_statements_calls", "pg_statements_exec_time"));
    // Baseline: 42 tops by lifetime; other(app) starts at -7's 5 calls / 0.5 s. Then -7 spends 4 s
    // and enters the top at its current lifetime value (9 calls, 4.5 s; Prometheus takes that
    // first sample as the baseline), so its interval (4 calls, 4 s) and 42's (1 call, 0.5 s, now
    // out of the top) go to other(app): 5 + 4 + 1 calls, 0.5 + 4 + 0.5 s.
    assertTrue(text.contains("pg_statements_query_info{query=\"SELECT $1 AS \\\"we\\\"\\\"ird\\\\\\\\ ü 🚀\\\", "
        + "'\\\\n' /* \\\"quoted\\\" \\\\ comment */ FROM t\",queryid=\"-7\",target=\"pg-a\"} 1"), text);
    assertTrue(text.contains("pg_statements_deallocations_total{target=\"pg-a\"} 3.0"), text);
    assertTrue(text.contains("pg_statements_tracked{target=\"pg-a\"} 3.0"), text);
  }

  @Test
  void legacyExtensionHasNoPlanningWalOrToplevel() throws Exception {
    // extension <= 1.7: total_time, no plans, no wal columns, no toplevel (NULL in the query)
    Row legacy = row("userid", 11L, "dbid", 5L, "queryid", 1L, "toplevel", null, "calls", 3.0, "plans", null,
        "exec_seconds", 0.75, "plan_seconds", null, "nrows", 3.0, "shared_blks_hit", 1.0, "shared_blks_read", 0.0,
        "local_blks_hit", 0.0, "local_blks_read", 0.0, "temp_blks_read", 0.0, "temp_blks_written", 0.0,
        "blk_read_seconds", 0.0, "blk_write_seconds", 0.0, "wal_records", null, "wal_bytes", null,
        "stats_since", null);
    TopN<PgStatements.Key> t = new TopN<>(PgStatements.COLUMNS.length, 0);
    TopN.Result r = run(t, true, 5, legacy);
    String text = expose("statements", PgStatements.map(r, Map.of(), null, null, 1,
        new PgStatements.Options(5, false, 200)));
    assertTrue(text.contains("pg_statements_calls_total{database=\"postgres\",queryid=\"1\",target=\"pg-a\",toplevel=\"\",user=\"bob\"} 3.0"), text);
    for (String absent : List.of("pg_statements_plans_total", "pg_statements_plan_time", "pg_statements_wal_",
        "pg_statements_query_info", "pg_statements_deallocations", "pg_statements_stats_reset")) {
      assertFalse(text.contains(absent), absent + " in\n" + text);
    }
  }

  @Test
  void sqlFollowsTheExtensionVersion() {
    String v17 = PgStatements.statementsSql("public", 107);
    assertTrue(v17.contains("s.total_time") && v17.contains("NULL::int8 AS wal_records") && !v17.contains("s.toplevel"));
    String v110 = PgStatements.statementsSql("public", 110);
    assertTrue(v110.contains("s.total_exec_time") && v110.contains("s.blk_read_time") && v110.contains("s.toplevel"));
    String v111 = PgStatements.statementsSql("we\"ird", 111);
    assertTrue(v111.contains("s.shared_blk_read_time") && v111.contains("s.stats_since")
        && v111.contains("\"we\"\"ird\".pg_stat_statements(false)"), v111);
    assertEquals(110, PgStatements.extVersion("1.10"));
    assertEquals(107, PgStatements.extVersion("1.7"));
  }

  @Test
  void truncationCountsCodePointsAndFoldsWhitespace() {
    assertEquals("SELECT 1 FROM t", PgStatements.truncate("  SELECT 1\n\t FROM\r\nt ", 100));
    assertEquals("🚀🚀🚀…", PgStatements.truncate("🚀🚀🚀🚀🚀", 4));
    assertEquals(16, PgStatements.truncate("x".repeat(500), 16).codePointCount(0, 16));
  }

  private static AgentConfig load(String statements) {
    return new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString("""
        drwatch { targets = [ { name = a, host = h, user = u, no-password = true,
          collectors { statements { %s } } } ] }
        """.formatted(statements), "s.conf");
  }

  private static PgStatements.Options options(AgentConfig c) {
    Collector s = Schedule.forTarget(c.targets().get(0), c.defaults(), CollectorRegistry.builtIn()).stream()
        .map(Schedule::collector).filter(x -> x.name().equals("statements")).findFirst().orElseThrow();
    return ((PgStatements) s).options();
  }

  @Test
  void optionsAreValidatedAndReachTheTarget() {
    assertEquals(new PgStatements.Options(7, false, 64),
        options(load("top-n = 7, query-text = false, query-text-length = 64")));
    assertEquals(PgStatements.Options.DEFAULT, options(load("interval = 1m")));
    ConfigException e = assertThrows(ConfigException.class, () -> load("top-n = 0"));
    assertTrue(e.getMessage().contains("collectors.statements — top-n must be between 1 and 1000, got 0"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("query-text-length = 5"));
    assertTrue(e.getMessage().contains("query-text-length must be between 16 and 4096"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("topn = 5"));
    assertTrue(e.getMessage().contains("collectors.statements.topn — unknown key"), e.getMessage());
  }

  @Test
  void everyTargetGetsItsOwnState() {
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString("""
        drwatch { targets = [ { name = a, host = h, user = u, no-password = true },
                              { name = b, host = h, user = u, no-password = true } ] }
        """, "s.conf");
    Collector a = Schedule.forTarget(c.targets().get(0), c.defaults(), CollectorRegistry.builtIn()).stream()
        .map(Schedule::collector).filter(x -> x.name().equals("statements")).findFirst().orElseThrow();
    Collector b = Schedule.forTarget(c.targets().get(1), c.defaults(), CollectorRegistry.builtIn()).stream()
        .map(Schedule::collector).filter(x -> x.name().equals("statements")).findFirst().orElseThrow();
    assertFalse(a == b, "top-N state must not be shared between targets");
  }
}
