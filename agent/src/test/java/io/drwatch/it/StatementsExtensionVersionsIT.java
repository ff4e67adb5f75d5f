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
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * pg_stat_statements columns follow the installed extension version, not the server's: an
 * upgraded server keeps its old extversion until ALTER EXTENSION UPDATE. One PostgreSQL 18 serves
 * every layout from 1.7 to 1.12 (each created in its own database with CREATE EXTENSION …
 * VERSION), and the collector, as the pg_monitor role, reads each with the right columns. A
 * database without the extension gives no statement series and no failure.
 */
class StatementsExtensionVersionsIT {

  static final List<String> VERSIONS = List.of("1.7", "1.8", "1.9", "1.10", "1.11", "1.12");

  static String db(String v) {
    return "ext_" + v.replace('.', '_');
  }

  @Test
  void everyExtensionLayoutOnOneServer() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(18).start()) {
      StringBuilder targets = new StringBuilder();
      for (String v : VERSIONS) {
        pg.primary().sql("CREATE DATABASE " + db(v));
        try (Connection c = DriverManager.getConnection(pg.primary().jdbcUrl(db(v)), "postgres", "");
            Statement st = c.createStatement()) {
          st.execute("CREATE EXTENSION pg_stat_statements VERSION '" + v + "'");
          st.execute("CREATE TABLE t (id int)");
          st.execute("INSERT INTO t SELECT generate_series(1, 10)");
        }
        targets.append("{ name = \"").append(db(v)).append("\", url = \"").append(pg.primary().jdbcUrl(db(v)))
            .append("\", user = \"").append(PgSandbox.MONITOR_ROLE).append("\", no-password = true }\n");
      }
      pg.primary().sql("CREATE DATABASE bare");
      targets.append("{ name = bare, url = \"").append(pg.primary().jdbcUrl("bare")).append("\", user = \"")
          .append(PgSandbox.MONITOR_ROLE).append("\", no-password = true }\n");
      AgentConfig config = new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(
          "drwatch { defaults { timeout = 5s }, targets = [\n" + targets + "] }", "it");
      try (Watch watch = new Watch(config)) {
        for (int i = 0; i < 2; i++) {
          for (String v : VERSIONS) {
            watch.run(db(v), "statements");
          }
          watch.run("bare", "statements");
        }
        for (String v : VERSIONS) {
          int ext = Integer.parseInt(v.split("\\.")[0]) * 100 + Integer.parseInt(v.split("\\.")[1]);
          CollectorResult r = watch.result(db(v), "statements").orElseThrow();
          assertTrue(r.success(), v + ": " + r.error());
          Set<String> families = r.samples().stream().map(s -> s.family().name()).collect(Collectors.toSet());
          assertTrue(families.contains("pg_statements_calls_total"), v + " " + families);
          assertTrue(families.contains("pg_statements_exec_time_seconds_total"), v + " " + families);
          assertTrue(families.contains("pg_statements_block_read_time_seconds_total"), v + " " + families);
          assertTrue(families.contains("pg_statements_query_info"), v + " " + families);
          assertEquals(ext >= 108, families.contains("pg_statements_wal_bytes_total"), v + " wal columns are 1.8+");
          assertEquals(ext >= 108, families.contains("pg_statements_plan_time_seconds_total"), v + " planning is 1.8+");
          assertEquals(ext >= 109, families.contains("pg_statements_deallocations_total"), v + " info view is 1.9+");
          Set<String> toplevel = r.samples().stream().filter(s -> s.family().name().equals("pg_statements_calls_total"))
              .filter(s -> !s.labelValues().get(2).equals("other")).map(s -> s.labelValues().get(3))
              .collect(Collectors.toSet());
          assertEquals(ext >= 109 ? Set.of("true") : Set.of(""), toplevel, v + " toplevel label");
          double calls = r.samples().stream().filter(s -> s.family().name().equals("pg_statements_calls_total"))
              .mapToDouble(Sample::value).sum();
          assertTrue(calls > 0, v + " counts calls");
        }
        CollectorResult bare = watch.result("bare", "statements").orElseThrow();
        assertTrue(bare.success(), "a database without the extension is not a failure: " + bare.error());
        assertEquals(List.of(), bare.samples());
        assertEquals("", Promtool.checkMetrics(watch.exposition()));

        // Dropped between two runs (the steady run reads the extension and its info view in one
        // statement, which now fails): no statement series, no failure; back once it is created again.
        String last = db(VERSIONS.get(VERSIONS.size() - 1));
        try (Connection c = DriverManager.getConnection(pg.primary().jdbcUrl(last), "postgres", "");
            Statement st = c.createStatement()) {
          st.execute("DROP EXTENSION pg_stat_statements");
          watch.run(last, "statements");
          CollectorResult dropped = watch.result(last, "statements").orElseThrow();
          assertTrue(dropped.success(), "dropped extension: " + dropped.error());
          assertEquals(List.of(), dropped.samples());
          st.execute("CREATE EXTENSION pg_stat_statements");
          watch.run(last, "statements");
          CollectorResult back = watch.result(last, "statements").orElseThrow();
          assertTrue(back.success(), "re-created extension: " + back.error());
          assertTrue(back.samples().stream().anyMatch(x -> x.family().name().equals("pg_statements_deallocations_total")),
              "info view read again after re-creation");
        }
      }
    }
  }
}
