package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.Sample;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The query-performance collectors on PostgreSQL 13-18, primary and streaming standby, as the
 * pg_monitor-only role. Expectations come from docs/metrics.md itself: every family documented in
 * these collectors' sections must be present on each version its "versions" cell includes, and
 * absent below it; "Standby only" families on the standby only. The few families whose presence
 * depends on something other than the version are listed below with the reason, and checked for
 * that condition instead. Every collector (old and new) must succeed on both nodes.
 */
class QueryPerfMatrixIT {

  /**
   * The docs/metrics.md sections this test reads: the collectors that declare themselves
   * query-performance collectors ({@link Collector#queryPerformance()}), whose families depend on
   * version, role and workload only. The replication collectors' families depend on the set-up
   * around the server, which the scenario tests (VersionMatrixIT, ReplicationSignalsIT, …) vary.
   */
  static final List<String> SECTIONS = CollectorRegistry.builtIn().entries().stream()
      .map(CollectorRegistry.Entry::collector).filter(Collector::queryPerformance).map(Collector::name).toList();

  /** Absent on the standby in this scenario, and why. */
  static final Map<String, String> NOT_ON_STANDBY = Map.of(
      "pg_locks_oldest_wait_start_timestamp_seconds", "nobody waits for a lock on the read-only standby",
      "pg_table_last_vacuum_timestamp_seconds", "vacuum runs on the primary; the standby keeps its own stats",
      "pg_table_last_analyze_timestamp_seconds", "analyze runs on the primary",
      "pg_table_last_autovacuum_timestamp_seconds", "autovacuum does not run on a standby",
      "pg_table_last_autoanalyze_timestamp_seconds", "autovacuum does not run on a standby");
  static final String CHECKSUMS = "pg_database_checksum_failures_total";
  static final String CHECKSUM_LAST = "pg_database_checksum_last_failure_timestamp_seconds";

  record Documented(String name, String section, int since, boolean standbyOnly) {}

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 14, 15, 16, 17, 18})
  void everyDocumentedFamilyAppearsWhereItShould(int major) throws Exception {
    List<Documented> doc = documented();
    assertTrue(doc.size() > 80, "parsed " + doc.size() + " documented families");
    assertEquals(new TreeSet<>(SECTIONS), doc.stream().map(Documented::section).collect(Collectors.toCollection(TreeSet::new)),
        "a docs/metrics.md section with metric rows for each query-performance collector");
    ExecutorService threads = Executors.newCachedThreadPool();
    try (PgSandbox pg = PgSandbox.builder().version(major).standby("s1", PgSandbox.Sync.ASYNC).start();
        Watch watch = Watch.sandbox(pg)) {
      PgNode p = pg.primary();
      PgNode s = pg.standby("s1");
      for (PgNode n : List.of(p, s)) {
        n.sql("SELECT pg_stat_reset()");
        n.sql("SELECT pg_stat_reset_shared('bgwriter')");
        if (major >= 17) {
          n.sql("SELECT pg_stat_reset_shared('checkpointer')");
        }
      }
      p.sql("ALTER SYSTEM SET autovacuum_naptime = 1");
      p.sql("SELECT pg_reload_conf()");
      p.sql("CREATE TABLE qp_dead (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false)");
      p.sql("INSERT INTO qp_dead SELECT g, g FROM generate_series(1, 2000) g");
      p.sql("UPDATE qp_dead SET v = v + 1 WHERE id % 2 = 0");
      p.sql("CREATE TABLE qp_vac (id int)");
      p.sql("INSERT INTO qp_vac SELECT generate_series(1, 100)");
      p.sql("VACUUM ANALYZE qp_vac");
      p.sql("SELECT count(*) FROM qp_vac");
      p.sql("CREATE TABLE qp_auto (id int) WITH (autovacuum_vacuum_threshold = 0, "
          + "autovacuum_vacuum_scale_factor = 0, autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0)");
      p.sql("INSERT INTO qp_auto SELECT generate_series(1, 100)");
      p.sql("DELETE FROM qp_auto WHERE id % 2 = 0");
      p.sql("CREATE TABLE qp_lock (id int)");
      boolean checksums = "on".equals(p.sql("SHOW data_checksums"));

      // primary: a transaction idle while holding a lock, and a session blocked behind it
      Connection holder = p.connect();
      holder.setAutoCommit(false);
      holder.createStatement().execute("LOCK TABLE qp_lock IN ACCESS EXCLUSIVE MODE");
      Future<?> waiter = threads.submit(() -> {
        try (Connection c = p.connect(); Statement st = c.createStatement()) {
          st.execute("SELECT count(*) FROM qp_lock");
        }
        return null;
      });
      // standby: an open transaction and a running query
      pg.waitStreaming(Duration.ofSeconds(30));
      Connection idle = s.connect();
      idle.setAutoCommit(false);
      idle.createStatement().execute("SELECT 1");
      Connection running = s.connect();
      Statement sleeping = running.createStatement();
      Future<?> sleeper = threads.submit(() -> {
        try {
          sleeping.execute("SELECT pg_sleep(60)");
        } catch (SQLException cancelled) {
          // cancelled at the end of the test
        }
        return null;
      });
      try {
        watch.await("primary", "locks", "pg_locks_blocked_sessions", v -> v >= 1, Duration.ofSeconds(30));
        watch.await("primary", "tables", "pg_table_last_autovacuum_timestamp_seconds", v -> v > 0,
            Duration.ofSeconds(90), "table", "qp_auto");
        watch.await("primary", "tables", "pg_table_last_autoanalyze_timestamp_seconds", v -> v > 0,
            Duration.ofSeconds(90), "table", "qp_auto");
        watch.await("s1", "tables", "pg_table_live_tuples", v -> true, Duration.ofSeconds(30), "table", "qp_lock");
        watch.await("s1", "activity", "pg_activity_oldest_query_start_timestamp_seconds", v -> v > 0,
            Duration.ofSeconds(30), "database", "postgres");
        watch.round().round();

        for (String target : List.of("primary", "s1")) {
          for (CollectorResult r : watch.cache().view().results()) {
            if (r.target().equals(target)) {
              assertTrue(r.success(), major + " " + target + "/" + r.collector() + ": " + r.error());
            }
          }
        }
        List<String> problems = new ArrayList<>();
        Set<String> onPrimary = present(watch, "primary");
        Set<String> onStandby = present(watch, "s1");
        for (Documented d : doc) {
          boolean versionHasIt = major >= d.since();
          boolean wantPrimary = versionHasIt && !d.standbyOnly();
          boolean wantStandby = versionHasIt && !NOT_ON_STANDBY.containsKey(d.name());
          if (d.name().equals(CHECKSUMS)) {
            wantPrimary = wantStandby = checksums;
          } else if (d.name().equals(CHECKSUM_LAST)) {
            wantPrimary = wantStandby = false; // no checksum failure in this scenario
          }
          check(problems, d, "primary", wantPrimary, onPrimary.contains(d.name()));
          check(problems, d, "standby", wantStandby, onStandby.contains(d.name()));
        }
        assertTrue(problems.isEmpty(), "PostgreSQL " + major + " (checksums " + checksums + "):\n  "
            + String.join("\n  ", problems));
        assertEquals(1, watch.require("primary", "pg_locks_blocked_sessions"));
        assertEquals(1, watch.require("primary", "pg_locks_blocking_sessions"));
        assertTrue(watch.require("primary", "pg_locks_held", "mode", "AccessExclusiveLock") >= 1);
        assertTrue(watch.require("primary", "pg_table_dead_tuples", "table", "qp_dead") > 0);
        assertTrue(watch.require("primary", "pg_activity_connections", "database", "postgres",
            "state", "idle in transaction") >= 1);
        assertEquals("", Promtool.checkMetrics(watch.exposition()));
      } finally {
        sleeping.cancel();
        holder.rollback();
        holder.close();
        waiter.get();
        sleeper.get();
        idle.close();
        running.close();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static void check(List<String> problems, Documented d, String role, boolean want, boolean have) {
    if (want != have) {
      problems.add(d.name() + " (## " + d.section() + ", versions " + (d.since() == 13 ? "all" : d.since() + "+")
          + (d.standbyOnly() ? ", standby only" : "") + ") is " + (have ? "present" : "missing") + " on the " + role
          + (want ? "" : " but should not be"));
    }
  }

  static Set<String> present(Watch watch, String target) {
    return watch.cache().view().results().stream().filter(r -> r.target().equals(target))
        .flatMap(r -> r.samples().stream()).map(Sample::family).map(f -> f.name())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static final Pattern ROW = Pattern.compile(
      "^\\| `([a-z0-9_]+)` \\| [a-z]+ \\| [^|]* \\| .* \\| (all|1[3-9]\\+) \\| (.*) \\|$");

  /** The metric rows of this suite's sections in docs/metrics.md. */
  static List<Documented> documented() throws IOException {
    Path doc = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/metrics.md"))) {
        doc = dir.resolve("docs/metrics.md");
        break;
      }
    }
    assertFalse(doc == null, "docs/metrics.md not found");
    List<Documented> out = new ArrayList<>();
    String section = null;
    for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
      if (line.startsWith("## ")) {
        section = line.substring(3).strip();
        continue;
      }
      Matcher m = ROW.matcher(line.strip());
      if (section != null && SECTIONS.contains(section) && m.matches()) {
        int since = m.group(2).equals("all") ? 13 : Integer.parseInt(m.group(2).replace("+", ""));
        out.add(new Documented(m.group(1), section, since, m.group(3).startsWith("Standby only")));
      }
    }
    return out;
  }
}
