package io.drwatch.collect.custom;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.MetricType;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigException;
import io.drwatch.config.ConfigLoader;
import io.drwatch.config.ConfigProblem;
import io.drwatch.sample.Schedule;
import io.drwatch.target.DatabaseFilter;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Custom collectors are validated at load: every problem with file:line, key path and what. */
class CustomCollectorConfigTest {

  private static final String TARGET =
      "targets = [ { name = a, host = h, user = u, no-password = true } ]\n";

  private AgentConfig load(String collectors) {
    return new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get)
        .loadString("drwatch {\n" + TARGET + "custom-collectors {\n" + collectors + "\n}\n}\n", "custom.conf");
  }

  private List<ConfigProblem> problems(String collectors) {
    return assertThrows(ConfigException.class, () -> load(collectors)).problems();
  }

  private ConfigProblem problem(String collectors) {
    List<ConfigProblem> ps = problems(collectors);
    assertEquals(1, ps.size(), () -> "expected one problem, got " + ps);
    return ps.get(0);
  }

  private static void assertProblem(ConfigProblem p, String origin, String key, String part) {
    assertAll(p.toString(),
        () -> assertEquals(origin, p.origin()),
        () -> assertEquals(key, p.key()),
        () -> assertTrue(p.message().contains(part), p.message()));
  }

  private static CustomCollector only(AgentConfig c) {
    assertEquals(1, c.customCollectors().size());
    return (CustomCollector) c.customCollectors().get(0).collector();
  }

  private static MetricFamily family(Collector c, String name) {
    return c.families().stream().filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + c.families()));
  }

  // ---- what a valid definition becomes

  @Test
  void tenLinesMakeACollectorWithLabelsGaugesAndCounters() {
    CustomCollector c = only(load("""
        app_queue {
          sql = "SELECT queue, count(*) AS depth, sum(done) AS processed, max(age) AS oldest FROM jobs GROUP BY queue"
          interval = 30s
          role = primary
          labels = [queue]
          metrics {
            depth = gauge
            processed { type = counter, help = "Jobs done." }
            oldest { unit = seconds, help = "Age of the oldest job." }
          }
        }"""));
    assertEquals("app_queue", c.name());
    assertEquals(Duration.ofSeconds(30), c.defaultInterval());
    assertNull(c.defaultTimeout());
    assertFalse(c.perDatabase());
    assertEquals(io.drwatch.config.CustomCollectorsSection.DEFAULT_MAX_SERIES, c.maxSeries());
    assertEquals(new MetricFamily("app_queue_depth", MetricType.GAUGE,
        "Column depth of custom collector app_queue. (custom collector app_queue; sampled on a schedule, not per scrape)",
        List.of("queue")), family(c, "app_queue_depth"));
    MetricFamily processed = family(c, "app_queue_processed_total");
    assertEquals(MetricType.COUNTER, processed.type());
    assertTrue(processed.help().startsWith("Jobs done."), processed.help());
    assertEquals("seconds", family(c, "app_queue_oldest_seconds").unit());
  }

  @Test
  void explicitNamesAndPerDatabaseLabelsComeFirst() {
    CustomCollector c = only(load("""
        bloat {
          sql = "SELECT schemaname, relname, 1 AS b"
          databases { match = ["app*"], exclude = [app_test] }
          labels = [schemaname, relname]
          metrics { b { name = "app_table_bloat_bytes", unit = bytes } }
        }"""));
    assertTrue(c.perDatabase());
    assertEquals(List.of("database", "schemaname", "relname"), family(c, "app_table_bloat_bytes").labelNames());
    assertTrue(c.appliesToDatabase("app_main"));
    assertFalse(c.appliesToDatabase("app_test"));
    assertFalse(c.appliesToDatabase("postgres"));
  }

  @Test
  void gatesFollowFlavorVersionAndRole() {
    CustomCollector c = only(load("""
        g { sql = "SELECT 1 AS x", min-version = 14, max-version = 17, role = standby, metrics { x = gauge } }"""));
    assertFalse(c.appliesTo(server(13, true)));
    assertTrue(c.appliesTo(server(14, true)));
    assertTrue(c.appliesTo(server(17, true)));
    assertFalse(c.appliesTo(server(18, true)));
    assertFalse(c.appliesTo(server(15, false)), "standby only");
    ServerInfo crdb = new ServerInfo(Flavor.COCKROACHDB, 150000, "15.0", false, null, null, null, true, Set.of());
    assertFalse(only(load("h { sql = \"SELECT 1 AS x\", metrics { x = gauge } }")).appliesTo(crdb),
        "postgresql unless flavor says otherwise");
    assertTrue(only(load("h { sql = \"SELECT 1 AS x\", flavor = any, metrics { x = gauge } }")).appliesTo(crdb));
  }

  @Test
  void ownTimeoutBeatsTheTargetsButNotAPerTargetOverride() {
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString("""
        drwatch {
          custom-collectors { slow { sql = "SELECT 1 AS x", interval = 1m, timeout = 20s, metrics { x = gauge } } }
          targets = [
            { name = a, host = h, user = u, no-password = true, timeout = 2s }
            { name = b, host = h, user = u, no-password = true, collectors { slow { timeout = 5s, enabled = true } } }
            { name = c, host = h, user = u, no-password = true, collectors { slow { enabled = false } } }
          ]
        }""", "t.conf");
    CollectorRegistry registry = c.registry(CollectorRegistry.builtIn());
    assertEquals(Duration.ofSeconds(20), schedule(c, registry, 0).timeout());
    assertEquals(Duration.ofMinutes(1), schedule(c, registry, 0).interval());
    assertEquals(Duration.ofSeconds(5), schedule(c, registry, 1).timeout());
    assertTrue(Schedule.forTarget(c.targets().get(2), c.defaults(), registry).stream()
        .noneMatch(s -> s.collector().name().equals("slow")), "switched off per target like a built-in");
  }

  private static Schedule schedule(AgentConfig c, CollectorRegistry r, int target) {
    return Schedule.forTarget(c.targets().get(target), c.defaults(), r).stream()
        .filter(s -> s.collector().name().equals("slow")).findFirst().orElseThrow();
  }

  @Test
  void sqlWithSemicolonsInsideQuotesIsOneStatement() {
    only(load("""
        q { sql = \"\"\"SELECT 'a;b' AS "x;y", $$;$$ AS z -- ; comment
                  /* ; */ ;\"\"\", metrics { z = gauge } }"""));
    assertEquals(-1, SqlText.secondStatement("SELECT E'\\';' AS a;"));
    assertTrue(SqlText.secondStatement("SELECT E'\\\\';' AS a;") > 0, "E'\\\\' ends the string");
    assertEquals(-1, SqlText.secondStatement("SELECT $1, $tag$ ; $tag$;;  "));
    assertTrue(SqlText.secondStatement("SELECT 1; DELETE FROM t") > 0);
  }

  // ---- problems, one each, with file:line and key

  @Test
  void missingSqlAndMetrics() {
    List<ConfigProblem> ps = problems("q { labels = [a] }");
    assertEquals(2, ps.size(), ps.toString());
    assertProblem(ps.get(0), "custom.conf:4", "drwatch.custom-collectors.q.sql", "is required");
    assertProblem(ps.get(1), "custom.conf:4", "drwatch.custom-collectors.q.metrics", "is required");
  }

  @Test
  void twoStatementsAreRejected() {
    assertProblem(problem("q { sql = \"SELECT 1 AS x; UPDATE t SET a = 1\", metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.sql", "must be one statement; found another after ';': \"UPDATE t");
  }

  @Test
  void aColumnIsALabelOrAMetric() {
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", labels = [x], metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x", "already a label");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", ignore = [x], metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x", "also listed under ignore");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", labels = [a, a], metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.labels", "names column \"a\" twice");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics", "at least one value column");
  }

  @Test
  void badTypesUnitsAndKeys() {
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x = histogram } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x", "type must be gauge or counter, not \"histogram\"");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { unit = milliseconds } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.unit", "must be one of [bytes, ratio, seconds]");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { kind = gauge } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.kind", "unknown key");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", query = \"x\", metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.query", "unknown key");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", interval = 30, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.interval", "needs a unit");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", interval = 5s, timeout = 10s, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.timeout", "must not exceed the interval");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", max-series = 0, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.max-series", "between 1 and 100000");
  }

  @Test
  void invalidNames() {
    assertProblem(problem("Queue { sql = \"SELECT 1 AS x\", metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.Queue", "collector name must be lowercase");
    assertProblem(problem("wal { sql = \"SELECT 1 AS x\", metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.wal", "taken by a built-in collector");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = \"App-Depth\" } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "lowercase snake_case");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = app_x, type = counter } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "a counter's name ends in _total");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = app_x_total } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "only counters end in _total");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = app_delay_ms } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "non-base unit _ms");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = app_delay, unit = seconds } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "must end in _seconds for unit = seconds");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = drwatch_x } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "the drwatch_ prefix is the agent's own");
    assertProblem(problem("q { sql = \"SELECT 1 AS \\\"x y\\\"\", metrics { \"x y\" = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.\"x y\"", "does not make a metric name");
  }

  @Test
  void duplicateMetricNamesAgainstBuiltInsTheAgentAndEachOther() {
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = pg_wal_lsn_bytes } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name",
        "pg_wal_lsn_bytes is already declared by the built-in collector wal");
    // a gauge named like a counter's base name would collide in the exposition
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = pg_archiver_archived } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "already declared by the built-in collector archiver");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", metrics { x { name = pg_in_recovery } } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.metrics.x.name", "already declared by the agent itself");
    List<ConfigProblem> ps = problems("""
        a { sql = "SELECT 1 AS x", metrics { x { name = app_x } } }
        b { sql = "SELECT 1 AS x", metrics { x { name = app_x } } }""");
    assertEquals(1, ps.size(), ps.toString());
    assertProblem(ps.get(0), "custom.conf:5", "drwatch.custom-collectors.b.metrics.x.name",
        "app_x is already declared by custom collector a");
    assertProblem(problem("""
        a { sql = "SELECT 1 AS x, 2 AS y", metrics { x = gauge, y { name = a_x } } }"""),
        "custom.conf:4", "drwatch.custom-collectors.a.metrics.y.name", "already declared by custom collector a");
  }

  @Test
  void labelClashes() {
    assertProblem(problem("q { sql = \"SELECT 1 AS x, 't' AS target\", labels = [target], metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.labels", "clash with the label \"target\" that drwatch puts on every series");
    assertProblem(problem("q { sql = \"SELECT 1 AS x, 'i' AS instance\", labels = [instance], metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.labels", "that Prometheus sets on scrape");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", labels = [__x], metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.labels", "not a valid Prometheus label name");
    assertProblem(problem("q { sql = \"SELECT 1 AS x, 'd' AS database\", databases = all, labels = [database], "
        + "metrics { x = gauge } }"), "custom.conf:4", "drwatch.custom-collectors.q.labels", "clash with the database label");
    // with fan-out, a datname column is an ordinary label; without it, datname is too (pg_stat_database, say)
    assertEquals(List.of("database", "datname"), only(load("q { sql = \"SELECT datname, 1 AS x\", databases = all, "
        + "flavor = postgresql, labels = [datname], metrics { x = gauge } }")).families().get(0).labelNames());
    assertEquals(List.of("datname"), only(load("q { sql = \"SELECT datname, 1 AS x FROM pg_stat_database\", "
        + "labels = [datname], metrics { x = gauge } }")).families().get(0).labelNames());
  }

  @Test
  void gatesAndDatabases() {
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", role = leader, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.role", "must be primary, standby or any");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", flavor = mysql, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.flavor", "must be postgresql, cockroachdb or any");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", min-version = 16, max-version = 14, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.max-version", "must not be below min-version (16)");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", min-version = \"14.2\", metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.min-version", "major version number");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", databases = some, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.databases", "must be \"all\", a list of name patterns");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", database = a, databases = all, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.database", "either database or databases");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", flavor = cockroachdb, database = a, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.database", "PostgreSQL only");
    assertProblem(problem("q { sql = \"SELECT 1 AS x\", databases { match = [a], skip = [b] }, metrics { x = gauge } }"),
        "custom.conf:4", "drwatch.custom-collectors.q.databases", "unknown key skip");
  }

  @Test
  void everyProblemIsReportedInOnePassWithTheTargetsToo() {
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(CollectorRegistry.builtIn(),
        Map.<String, String>of()::get).loadString("""
        drwatch {
          custom-collectors {
            q { sql = "SELECT 1 AS x", metrics { x = gauge } }
            bad { metrics { x = gauge } }
          }
          targets = [ { name = a, host = h, user = u, no-password = true, collectors { q { interval = 1m }, nope {} } } ]
        }""", "all.conf"));
    String m = e.getMessage();
    assertTrue(m.contains("all.conf:4 drwatch.custom-collectors.bad.sql — is required"), m);
    assertTrue(m.contains("all.conf:6 drwatch.targets[0].collectors.nope — unknown collector (known: "), m);
    assertTrue(m.contains(", q, "), "the custom collector is listed among the known ones: " + m);
    assertFalse(m.contains("collectors.q "), "a custom collector is a known collector name: " + m);
    assertFalse(m.toLowerCase().contains("exception"), m);
  }

  @Test
  void targetDatabases() {
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString("""
        drwatch { targets = [
          { name = a, host = h, user = u, no-password = true, databases = all, database-connections = 2 }
          { name = b, host = h, user = u, no-password = true, databases = [app, "shop_*"] }
          { name = c, host = h, user = u, no-password = true }
        ] }""", "db.conf");
    assertEquals(DatabaseFilter.ALL, c.targets().get(0).databases());
    assertEquals(2, c.targets().get(0).databaseConnections());
    assertTrue(c.targets().get(1).databases().matches("shop_eu"));
    assertFalse(c.targets().get(1).databases().matches("apps"));
    assertNull(c.targets().get(2).databases());
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(CollectorRegistry.builtIn(),
        Map.<String, String>of()::get).loadString("""
        drwatch { targets = [
          { name = a, host = h, user = u, no-password = true, database-connections = 2 }
          { name = b, host = h, user = u, no-password = true, databases = all, database-connections = 50 }
        ] }""", "db.conf"));
    assertTrue(e.getMessage().contains("db.conf:2 drwatch.targets[0].database-connections — applies only with databases"),
        e.getMessage());
    assertTrue(e.getMessage().contains("db.conf:3 drwatch.targets[1].database-connections — must be between 1 and 10"),
        e.getMessage());
  }

  @Test
  void globs() {
    DatabaseFilter f = new DatabaseFilter(List.of("app_?", "x*y", "lit.eral"), List.of("app_9"));
    assertTrue(f.matches("app_1"));
    assertFalse(f.matches("app_9"));
    assertFalse(f.matches("app_10"));
    assertTrue(f.matches("x-and-y"));
    assertTrue(f.matches("lit.eral"));
    assertFalse(f.matches("litXeral"), "only * and ? are special");
    assertTrue(DatabaseFilter.only("we*rd?").matches("we*rd?"));
    assertFalse(DatabaseFilter.only("we*rd?").matches("weXrdY"));
  }

  private static ServerInfo server(int major, boolean inRecovery) {
    return new ServerInfo(Flavor.POSTGRESQL, major * 10000, major + ".0", inRecovery, 1L, "1", 0.0, true, Set.of());
  }
}
