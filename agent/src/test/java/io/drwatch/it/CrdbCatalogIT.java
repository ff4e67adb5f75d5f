package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.CrdbCatalog;
import io.drwatch.fixture.CrdbCatalog.Layout;
import io.drwatch.fixture.LogCapture;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.TargetStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CockroachDB collectors end to end (config, pool, detection, collectors, cache, exposition)
 * against the {@link CrdbCatalog} catalog fixture — PostgreSQL databases shaped like the
 * crdb_internal and system catalogs of CockroachDB 23.2, 24.3, 25.3 and 25.4 — as each layout's
 * least-privileged monitoring role. Not CockroachDB: the numbers are the fixture's scenario,
 * and what is tested is that drwatch reads each layout right and maps it to the documented
 * metrics. The 26.1 gate has its own class, {@link CrdbGateIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrdbCatalogIT {

  static final List<String> CRDB_COLLECTORS = List.of("crdb_session", "crdb_liveness", "crdb_nodes",
      "crdb_stores", "crdb_statements", "crdb_jobs", "crdb_schedules", "crdb_settings");

  private CrdbCatalog catalog;

  @BeforeAll
  void start() {
    catalog = CrdbCatalog.start(Layout.V23_2, Layout.V24_3, Layout.V25_3, Layout.V25_4);
  }

  @AfterAll
  void stop() {
    if (catalog != null) {
      catalog.close();
    }
  }

  static String target(CrdbCatalog c, Layout l, String name, String extra) {
    return "{ name = \"" + name + "\", url = \"" + c.jdbcUrl(l) + "\", user = \"" + l.role()
        + "\", no-password = true, labels { cluster = \"crdb\" }" + (extra.isEmpty() ? "" : ", " + extra) + " }\n";
  }

  static AgentConfig config(String targets) {
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(
        "drwatch {\n defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }\n targets = [\n"
            + targets + " ]\n}\n", "crdb-it.conf");
  }

  private static double now() {
    return Instant.now().toEpochMilli() / 1000.0;
  }

  private static void near(double expected, double actual, double tolerance, String what) {
    assertTrue(Math.abs(expected - actual) <= tolerance, what + ": expected ~" + expected + " ± " + tolerance
        + ", got " + actual);
  }

  /** The hours (or days) from {@code start} to now: one, or two across a boundary. */
  private static Set<Instant> since(Instant start, ChronoUnit unit) {
    return Set.copyOf(List.of(start.truncatedTo(unit), Instant.now().truncatedTo(unit)));
  }

  /** {@code actual} is {@code expected} of one of the anchors (to the second). */
  private static void oneOf(Set<Instant> anchors, UnaryOperator<Instant> expected, double actual, String what) {
    Set<Long> allowed = anchors.stream().map(a -> expected.apply(a).getEpochSecond()).collect(Collectors.toSet());
    assertTrue(allowed.stream().anyMatch(e -> Math.abs(e - actual) <= 1), what + ": expected one of " + allowed
        + ", got " + actual);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Layout.class, names = {"V23_2", "V24_3", "V25_3", "V25_4"})
  void everyCollectorReadsTheLayoutAsTheMonitoringRole(Layout l) throws Exception {
    String t = "crdb";
    try (Watch w = new Watch(config(target(catalog, l, t, "")))) {
      Instant roundStarted = Instant.now();
      w.round();
      TargetStatus status = w.cache().view().targets().get(0);
      assertTrue(status.up(), "up: " + status.lastError());
      var server = status.server();
      assertTrue(server.isCockroach());
      assertEquals(l.tag.substring(1), server.version());
      assertEquals(l.year(), server.majorVersion());
      assertEquals(CrdbCatalog.CLUSTER_ID, server.systemIdentifier());
      assertEquals(1L, server.cockroach().nodeId());
      assertEquals(l.tag, server.cockroach().buildTag());
      assertEquals(l.gate == CrdbCatalog.Gate.NONE ? "not_gated" : "session_default",
          server.cockroach().access().label());

      // Only the CockroachDB collectors ran (the PostgreSQL ones do not apply), and all succeeded.
      List<CollectorResult> results = w.cache().view().results();
      assertEquals(Set.copyOf(CRDB_COLLECTORS), results.stream().map(CollectorResult::collector)
          .collect(Collectors.toSet()), "collectors that ran");
      results.forEach(r -> assertTrue(r.success(), l + " " + r.collector() + ": " + r.error()));

      assertEquals(1, w.require(t, "crdb_session_info", "node_id", "1", "build_tag", l.tag,
          "cluster_id", CrdbCatalog.CLUSTER_ID));

      // Liveness (gossip): 1, 2 live; 3 dead (expired 30m ago > time_until_store_dead 15m);
      // 4 decommissioning (37 replicas left); 5 suspect (expired 40s ago); 6 decommissioned.
      assertEquals(1, w.require(t, "crdb_node_live", "node_id", "1"));
      assertEquals(1, w.require(t, "crdb_node_live", "node_id", "4"));
      assertEquals(0, w.require(t, "crdb_node_live", "node_id", "3"));
      assertEquals(0, w.require(t, "crdb_node_live", "node_id", "5"));
      assertEquals(1, w.require(t, "crdb_node_membership", "node_id", "4", "membership", "decommissioning"));
      assertEquals(0, w.require(t, "crdb_node_membership", "node_id", "4", "membership", "active"));
      assertEquals(1, w.require(t, "crdb_node_membership", "node_id", "6", "membership", "decommissioned"));
      assertEquals(1, w.require(t, "crdb_node_draining", "node_id", "4"));
      assertEquals(37, w.require(t, "crdb_node_replicas", "node_id", "4"));
      assertEquals(40, w.require(t, "crdb_node_leases", "node_id", "1"));
      assertEquals(5, w.require(t, "crdb_node_liveness_epoch", "node_id", "3"));
      near(now() - 1800, w.require(t, "crdb_node_liveness_expiration_timestamp_seconds", "node_id", "3"), 30,
          "node 3 expiry");
      near(now() + 3600, w.require(t, "crdb_node_liveness_expiration_timestamp_seconds", "node_id", "1"), 30,
          "node 1 expiry");
      near(now(), w.require(t, "crdb_node_liveness_updated_timestamp_seconds", "node_id", "2"), 30, "gossip update");
      assertEquals(2, w.require(t, "crdb_liveness_nodes", "status", "live"));
      assertEquals(1, w.require(t, "crdb_liveness_nodes", "status", "dead"));
      assertEquals(1, w.require(t, "crdb_liveness_nodes", "status", "suspect"));
      assertEquals(1, w.require(t, "crdb_liveness_nodes", "status", "decommissioning"));
      assertEquals(1, w.require(t, "crdb_liveness_nodes", "status", "decommissioned"));
      assertEquals(0, w.require(t, "crdb_liveness_nodes", "status", "draining"));

      // Nodes (kv_node_status): node 2 runs the older binary; node 5's clock is 310ms off.
      assertEquals(1, w.require(t, "crdb_node_info", "node_id", "2", "build_tag", l.olderTag(),
          "address", "10.0.0.2:26257", "locality", "region=us-east1,zone=us-east1-c"));
      near(now() - 9 * 86400, w.require(t, "crdb_node_started_timestamp_seconds", "node_id", "1"), 60, "start");
      near(now() - 600, w.require(t, "crdb_node_status_updated_timestamp_seconds", "node_id", "3"), 60, "stale");
      assertEquals(0.31, w.require(t, "crdb_node_clock_offset_seconds", "node_id", "5"), 1e-9);
      assertEquals(2, w.require(t, "crdb_node_live_nodes", "node_id", "5"));
      assertTrue(w.value(t, "crdb_node_info", "node_id", "6").isEmpty(), "decommissioned node has no status");

      // Stores (kv_store_status).
      assertEquals(14, w.require(t, "crdb_store_ranges_underreplicated", "node_id", "1", "store_id", "1"));
      assertEquals(2, w.require(t, "crdb_store_ranges_unavailable", "node_id", "1", "store_id", "1"));
      assertEquals(1, w.require(t, "crdb_store_ranges_unavailable", "node_id", "5", "store_id", "5"));
      assertEquals(1, w.require(t, "crdb_store_ranges_overreplicated", "node_id", "2", "store_id", "2"));
      assertEquals(52, w.require(t, "crdb_store_ranges", "node_id", "1", "store_id", "1"));
      assertEquals(40, w.require(t, "crdb_store_leases", "node_id", "1", "store_id", "1"));
      assertEquals(37, w.require(t, "crdb_store_replicas", "node_id", "4", "store_id", "4"));
      assertEquals(3, w.require(t, "crdb_store_replicate_queue_purgatory", "node_id", "4", "store_id", "4"));
      assertEquals(5e11, w.require(t, "crdb_store_capacity_bytes", "node_id", "4", "store_id", "4"));
      assertEquals(3.8e11, w.require(t, "crdb_store_available_bytes", "node_id", "4", "store_id", "4"));
      assertEquals(1.2e11, w.require(t, "crdb_store_used_bytes", "node_id", "4", "store_id", "4"));

      // Jobs: descriptions/errors are not read; counts and times are.
      assertEquals(3, w.require(t, "crdb_jobs", "job_type", "BACKUP", "status", "succeeded"));
      assertEquals(1, w.require(t, "crdb_jobs", "job_type", "BACKUP", "status", "failed"));
      assertEquals(1, w.require(t, "crdb_jobs", "job_type", "BACKUP", "status", "running"));
      assertEquals(0, w.require(t, "crdb_jobs", "job_type", "BACKUP", "status", "paused"));
      assertEquals(1, w.require(t, "crdb_jobs", "job_type", "RESTORE", "status", "failed"));
      assertEquals(1, w.require(t, "crdb_jobs", "job_type", "CHANGEFEED", "status", "running"));
      near(now() - 1800, w.require(t, "crdb_jobs_last_success_timestamp_seconds", "job_type", "BACKUP"), 60,
          "newest backup");
      // Hour- and day-anchored times follow the hour and the day of the query, which ran between
      // roundStarted and now: one hour (or day), two only when the round straddled a boundary.
      Set<Instant> hours = since(roundStarted, ChronoUnit.HOURS);
      Set<Instant> midnights = since(roundStarted, ChronoUnit.DAYS);
      oneOf(hours, h -> h.minus(58, ChronoUnit.MINUTES),
          w.require(t, "crdb_jobs_last_failure_timestamp_seconds", "job_type", "BACKUP"), "backup failure");
      near(now() - 7200, w.require(t, "crdb_jobs_last_failure_timestamp_seconds", "job_type", "RESTORE"), 60,
          "restore failure");
      near(now() - 5 * 86400, w.require(t, "crdb_jobs_oldest_running_created_timestamp_seconds",
          "job_type", "CHANGEFEED"), 60, "changefeed");
      assertTrue(w.value(t, "crdb_jobs_last_success_timestamp_seconds", "job_type", "RESTORE").isEmpty());

      // Schedules: 1001 healthy; 1002 missed its hourly cadence (success 3h ago, then a failure);
      // 1003 paused (and missed); 1004 new, so not yet due; 2001 is not a backup schedule.
      assertEquals(0, w.require(t, "crdb_backup_schedule_missed_cadence", "schedule_id", "1001"));
      assertEquals(1, w.require(t, "crdb_backup_schedule_missed_cadence", "schedule_id", "1002"));
      assertEquals(1, w.require(t, "crdb_backup_schedule_missed_cadence", "schedule_id", "1003"));
      assertEquals(0, w.require(t, "crdb_backup_schedule_missed_cadence", "schedule_id", "1004"));
      assertEquals(1, w.require(t, "crdb_backup_schedule_paused", "schedule_id", "1003",
          "schedule_name", "weekly_archive"));
      assertEquals(0, w.require(t, "crdb_backup_schedule_paused", "schedule_id", "1001"));
      assertTrue(w.value(t, "crdb_backup_schedule_next_run_timestamp_seconds", "schedule_id", "1003").isEmpty());
      assertEquals(86400, w.require(t, "crdb_backup_schedule_expected_interval_seconds", "schedule_id", "1001"));
      assertEquals(3600, w.require(t, "crdb_backup_schedule_expected_interval_seconds", "schedule_id", "1002"));
      assertEquals(7 * 86400, w.require(t, "crdb_backup_schedule_expected_interval_seconds", "schedule_id", "1003"));
      oneOf(midnights, d -> d.minus(1, ChronoUnit.DAYS).plus(20, ChronoUnit.MINUTES),
          w.require(t, "crdb_backup_schedule_last_success_timestamp_seconds", "schedule_id", "1001"), "1001 success");
      oneOf(hours, h -> h.minus(3, ChronoUnit.HOURS).plus(5, ChronoUnit.MINUTES),
          w.require(t, "crdb_backup_schedule_last_success_timestamp_seconds", "schedule_id", "1002"), "1002 success");
      assertEquals(1, w.require(t, "crdb_backup_schedule_unfinished_jobs", "schedule_id", "1002"));
      assertTrue(w.value(t, "crdb_backup_schedule_last_success_timestamp_seconds", "schedule_id", "1003").isEmpty());
      assertEquals(1, w.require(t, "crdb_backup_schedule_info", "schedule_id", "1003", "recurrence", "0 3 * * SUN"));
      assertTrue(w.value(t, "crdb_backup_schedule_info", "schedule_id", "2001").isEmpty());

      // Settings and version: time_until_store_dead left raised to 15m (drift), rangefeeds on.
      assertEquals(900, w.require(t, "crdb_settings_time_until_store_dead_seconds"));
      assertEquals(1, w.require(t, "crdb_setting_non_default", "variable", "server.time_until_store_dead"));
      assertEquals(0, w.require(t, "crdb_setting_non_default", "variable", "jobs.retention_time"));
      assertEquals(14 * 86400, w.require(t, "crdb_settings_jobs_retention_seconds"));
      assertEquals(30, w.require(t, "crdb_settings_time_after_store_suspect_seconds"));
      assertEquals(3, w.require(t, "crdb_settings_closed_timestamp_target_seconds"));
      assertEquals(1, w.require(t, "crdb_settings_rangefeed_enabled"));
      assertEquals(1, w.require(t, "crdb_setting_info", "variable", "server.time_until_store_dead",
          "value", "15m0s", "default_value", "5m0s", "origin", "override"));
      assertEquals(1, w.require(t, "crdb_cluster_version_info", "version", l.clusterVersion));
      assertEquals(2, w.require(t, "crdb_cluster_binary_versions"), "node 2's older binary");
      assertEquals(l == Layout.V25_3 ? 1 : 0, w.require(t, "crdb_cluster_upgrade_pending"));
      assertEquals(5, w.require(t, "crdb_zone_default_num_replicas"));
      assertEquals(14400, w.require(t, "crdb_zone_default_gc_ttl_seconds"));

      String exposition = w.exposition();
      assertTrue(exposition.contains("drwatch_target_info{cluster=\"crdb\",flavor=\"cockroachdb\",role=\"primary\","
          + "service=\"none\",system_identifier=\"" + CrdbCatalog.CLUSTER_ID + "\",target=\"crdb\",version=\"" + l.tag.substring(1) + "\"} 1"),
          exposition);
      assertFalse(exposition.contains("pg_in_recovery"), "no PostgreSQL probe families for CockroachDB");
      assertFalse(exposition.contains("COCKROACH_SECRET") || exposition.contains("certs-dir"),
          "kv_node_status args/env never leave the database");
      assertEquals("", Promtool.checkMetrics(exposition));
    }
  }

  /**
   * Top-N by service time in the interval between two runs, with the rest in "other": the first
   * run is the baseline; the state is per target. Before 24.1 failed executions are their own
   * fingerprint (metadata.failed); from 24.1 they are failureCount.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Layout.class, names = {"V23_2", "V24_3", "V25_3"})
  void statementTopNComesFromTheDeltasBetweenRuns(Layout l) {
    String opts = "collectors { crdb_statements { top-n = 3, query-text-length = 40 } }";
    try (Watch w = new Watch(config(target(catalog, l, "a", opts) + target(catalog, l, "b", opts)))) {
      String a1 = "a1a1a1a1a1a1a1a1";
      String b2 = "b2b2b2b2b2b2b2b2";
      String c3 = "c3c3c3c3c3c3c3c3";
      String d4 = "d4d4d4d4d4d4d4d4";
      String e5 = "e5e5e5e5e5e5e5e5";
      catalog.sql(l, "DELETE FROM crdb_fixture.statement_statistics");
      catalog.execute(l, a1, "bank", 100, 0.010, 1, 0);
      catalog.execute(l, b2, "bank", 50, 0.050, 1, 0);
      catalog.execute(l, c3, "bank", 10, 0.001, 1, 0);
      catalog.execute(l, e5, "shop", 5, 0.2, 10, 0);
      catalog.execute(l, d4, "$ internal-stats-compaction", 1000, 0.1, 1, 0);

      w.run("a", "crdb_statements");
      assertTrue(w.result("a", "crdb_statements").orElseThrow().success());
      assertTrue(w.value("a", "crdb_statement_interval_executions").isEmpty(), "first run is the baseline");

      catalog.execute(l, a1, "bank", 200, 0.010, 1, 0);  // 2.0 s
      catalog.execute(l, b2, "bank", 10, 0.5, 2, 3);     // 5.0 s, 3 of them failed
      catalog.execute(l, c3, "bank", 1000, 0.001, 1, 0); // 1.0 s
      catalog.execute(l, e5, "shop", 2, 0.25, 10, 0);    // 0.5 s
      catalog.execute(l, d4, "$ internal-stats-compaction", 1000, 1.0, 1, 0); // internal: not counted

      w.run("a", "crdb_statements");
      var r = w.result("a", "crdb_statements").orElseThrow();
      assertTrue(r.success(), r.error());
      assertTrue(w.require("a", "crdb_statements_interval_seconds") > 0);
      String bOk = b2;
      if (l.failureCount()) {
        assertEquals(4, w.require("a", "crdb_statements_active_fingerprints"));
        assertEquals(10, w.require("a", "crdb_statement_interval_executions", "fingerprint_id", b2, "app_name", "bank"));
        assertEquals(5.0, w.require("a", "crdb_statement_interval_service_seconds", "fingerprint_id", b2), 1e-6);
        assertEquals(0.5, w.require("a", "crdb_statement_service_latency_mean_seconds", "fingerprint_id", b2), 1e-9);
        assertEquals(3, w.require("a", "crdb_statement_interval_failures", "fingerprint_id", b2));
        assertEquals(1.0, w.require("a", "crdb_statement_interval_service_seconds", "fingerprint_id", c3), 1e-6);
        // other = e5 only
        assertEquals(0.5, w.require("a", "crdb_statement_interval_service_seconds", "fingerprint_id", "other"), 1e-6);
        assertEquals(2, w.require("a", "crdb_statement_interval_executions", "fingerprint_id", "other"));
        assertEquals(20, w.require("a", "crdb_statement_interval_rows", "fingerprint_id", "other"), 1e-6);
        assertTrue(w.value("a", "crdb_statement_interval_executions", "fingerprint_id", e5).isEmpty());
      } else {
        // 23.2: b2 ran 7 times fine (3.5 s), its failed twin 3 times (1.5 s): both in the top 3.
        String twin = CrdbCatalog.failedTwin(b2);
        assertEquals(5, w.require("a", "crdb_statements_active_fingerprints"));
        assertEquals(7, w.require("a", "crdb_statement_interval_executions", "fingerprint_id", bOk));
        assertEquals(3.5, w.require("a", "crdb_statement_interval_service_seconds", "fingerprint_id", bOk), 1e-6);
        assertEquals(0, w.require("a", "crdb_statement_interval_failures", "fingerprint_id", bOk));
        assertEquals(3, w.require("a", "crdb_statement_interval_failures", "fingerprint_id", twin));
        assertEquals(1.5, w.require("a", "crdb_statement_interval_service_seconds", "fingerprint_id", twin), 1e-6);
        // other = c3 + e5
        assertEquals(1.5, w.require("a", "crdb_statement_interval_service_seconds", "fingerprint_id", "other"), 1e-6);
        assertEquals(1002, w.require("a", "crdb_statement_interval_executions", "fingerprint_id", "other"));
      }
      assertEquals(200, w.require("a", "crdb_statement_interval_executions", "fingerprint_id", a1));
      assertEquals(2.0, w.require("a", "crdb_statement_interval_service_seconds", "fingerprint_id", a1), 1e-6);
      assertEquals(0.010, w.require("a", "crdb_statement_service_latency_mean_seconds", "fingerprint_id", a1), 1e-9);
      assertEquals(1, w.require("a", "crdb_statement_info", "fingerprint_id", bOk, "app_name", "bank",
          "database", "bank", "statement_type", "TypeDML", "query", "UPDATE accounts SET balance = balance +…"));
      assertTrue(w.value("a", "crdb_statement_info", "fingerprint_id", d4).isEmpty(), "internal apps excluded");
      // sampled executions: 1/10 of each batch, 2 ms contention and 150 µs CPU each
      assertTrue(w.require("a", "crdb_statement_interval_contention_seconds", "fingerprint_id", a1) > 0);
      assertTrue(w.require("a", "crdb_statement_interval_cpu_seconds", "fingerprint_id", a1) > 0);

      // Target b saw the same statistics but has its own state: its first run is its baseline.
      w.run("b", "crdb_statements");
      assertTrue(w.result("b", "crdb_statements").orElseThrow().success());
      assertTrue(w.value("b", "crdb_statement_interval_executions").isEmpty(), "b keeps its own deltas");

      // No activity since the last run: the rollup stays, at 0.
      w.run("a", "crdb_statements");
      assertEquals(0, w.require("a", "crdb_statements_active_fingerprints"));
      assertEquals(0, w.require("a", "crdb_statement_interval_executions", "fingerprint_id", "other"));
      assertTrue(w.value("a", "crdb_statement_interval_executions", "fingerprint_id", a1).isEmpty());
    }
  }

  /**
   * The scenario must read the same whichever hour or day it is queried in (MonitoringLiveIT runs
   * for minutes and compares alerts with Prometheus's clock): seeded 25 hours earlier, the
   * schedules' cadence and next runs are still those of the scenario, measured from the current
   * hour and midnight. Before the anchored rows slid with the clock, this read the daily schedule
   * as missed and both next runs in the past (and seeding waited out the last 5 minutes of an hour).
   */
  @Test
  void theScheduleScenarioFollowsTheClock() {
    Layout l = Layout.V25_3;
    Runnable restore = catalog.seededEarlier(l, java.time.Duration.ofHours(25));
    try (Watch w = new Watch(config(target(catalog, l, "crdb", "")))) {
      Instant roundStarted = Instant.now();
      w.round();
      Set<Instant> hours = since(roundStarted, ChronoUnit.HOURS);
      Set<Instant> midnights = since(roundStarted, ChronoUnit.DAYS);
      assertEquals(0, w.require("crdb", "crdb_backup_schedule_missed_cadence", "schedule_id", "1001"));
      assertEquals(1, w.require("crdb", "crdb_backup_schedule_missed_cadence", "schedule_id", "1002"));
      oneOf(midnights, d -> d.plus(1, ChronoUnit.DAYS),
          w.require("crdb", "crdb_backup_schedule_next_run_timestamp_seconds", "schedule_id", "1001"), "1001 next run");
      oneOf(hours, h -> h.plus(1, ChronoUnit.HOURS),
          w.require("crdb", "crdb_backup_schedule_next_run_timestamp_seconds", "schedule_id", "1002"), "1002 next run");
      oneOf(midnights, d -> d.minus(1, ChronoUnit.DAYS).plus(20, ChronoUnit.MINUTES),
          w.require("crdb", "crdb_backup_schedule_last_success_timestamp_seconds", "schedule_id", "1001"), "1001 success");
      oneOf(hours, h -> h.minus(3, ChronoUnit.HOURS).plus(5, ChronoUnit.MINUTES),
          w.require("crdb", "crdb_backup_schedule_last_success_timestamp_seconds", "schedule_id", "1002"), "1002 success");
      // Times not anchored to the clock age like stored times do: the backup running since
      // 10 minutes before seeding has now been running for 25 h 10 min.
      near(now() - 25 * 3600 - 600, w.require("crdb", "crdb_jobs_oldest_running_created_timestamp_seconds",
          "job_type", "BACKUP"), 60, "running backup");
    } finally {
      restore.run();
    }
  }

  @Test
  void theKvLivenessViewIsAnOption() {
    Layout l = Layout.V24_3;
    try (Watch w = new Watch(config(target(catalog, l, "kv", "collectors { crdb_liveness { view = kv } }")))) {
      w.run("kv", "crdb_liveness");
      var r = w.result("kv", "crdb_liveness").orElseThrow();
      assertTrue(r.success(), r.error());
      assertEquals(0, w.require("kv", "crdb_node_live", "node_id", "3"));
      assertEquals(1, w.require("kv", "crdb_node_membership", "node_id", "4", "membership", "decommissioning"));
      assertEquals(1, w.require("kv", "crdb_liveness_nodes", "status", "dead"));
      assertTrue(w.value("kv", "crdb_node_replicas").isEmpty(), "kv_node_liveness has no replica counts");
      assertTrue(w.value("kv", "crdb_node_liveness_updated_timestamp_seconds").isEmpty());
    }
  }

  @Test
  void aColumnMissingInAKnownLayoutIsAClearCollectorError() {
    Layout l = Layout.V24_3;
    Runnable restore = catalog.withoutColumn(l, "crdb_internal.cluster_settings", "origin");
    try (Watch w = new Watch(config(target(catalog, l, "t", "")))) {
      w.run("t", "crdb_settings").run("t", "crdb_jobs");
      var r = w.result("t", "crdb_settings").orElseThrow();
      assertFalse(r.success());
      assertTrue(r.error().contains("crdb_internal.cluster_settings on CockroachDB v24.3.5 does not have the layout"
          + " drwatch reads for that version") && r.error().contains("origin") && r.error().contains("42703"),
          r.error());
      assertTrue(w.result("t", "crdb_jobs").orElseThrow().success(), "the other collectors go on");
    } finally {
      restore.run();
    }
  }

  /**
   * A role without a system privilege: the collectors that need it say which grant is missing,
   * once; the others go on; a collector that can do part of its work does it.
   */
  @Test
  void aMissingPrivilegeIsSaidOnceWithTheGrant() {
    Layout l = Layout.V25_3;
    catalog.revoke(l, "viewclustermetadata");
    try (LogCapture log = new LogCapture(); Watch w = new Watch(config(target(catalog, l, "nopriv", "")))) {
      w.round().round().round();
      var live = w.result("nopriv", "crdb_liveness").orElseThrow();
      assertFalse(live.success());
      assertTrue(live.error().contains("crdb_internal.gossip_liveness is not allowed for the monitoring role")
          && live.error().contains("GRANT SYSTEM VIEWCLUSTERMETADATA") && live.error().contains("[SQLSTATE 42501]"),
          live.error());
      assertFalse(w.result("nopriv", "crdb_stores").orElseThrow().success());
      assertFalse(w.result("nopriv", "crdb_nodes").orElseThrow().success());
      assertTrue(w.result("nopriv", "crdb_jobs").orElseThrow().success());
      assertTrue(w.result("nopriv", "crdb_statements").orElseThrow().success());
      var settings = w.result("nopriv", "crdb_settings").orElseThrow();
      assertTrue(settings.success(), "settings and zone still read: " + settings.error());
      assertTrue(w.value("nopriv", "crdb_cluster_binary_versions").isEmpty(), "gossip_nodes part left out");
      assertEquals(900, w.require("nopriv", "crdb_settings_time_until_store_dead_seconds"));
      assertEquals(1, log.count("collector crdb_liveness failed"), log.text());
      assertEquals(1, log.count("mixed-version detection is left out"), log.text());
    } finally {
      catalog.grant(l, "viewclustermetadata");
    }
  }

  @Test
  void withoutViewClusterSettingLivenessFallsBackToTheDefaultDeadThreshold() {
    Layout l = Layout.V25_3;
    catalog.revoke(l, "viewclustersetting");
    try (LogCapture log = new LogCapture(); Watch w = new Watch(config(target(catalog, l, "noset", "")))) {
      w.round().round();
      assertTrue(w.result("noset", "crdb_liveness").orElseThrow().success());
      // node 3 expired 30 minutes ago: dead under the 5m default as under the configured 15m
      assertEquals(1, w.require("noset", "crdb_liveness_nodes", "status", "dead"));
      assertEquals(1, log.count("uses CockroachDB's default of 5m"), log.text());
      assertTrue(w.value("noset", "crdb_settings_time_until_store_dead_seconds").isEmpty());
      assertEquals(5, w.require("noset", "crdb_zone_default_num_replicas"));
    } finally {
      catalog.grant(l, "viewclustersetting");
    }
  }

  /** crdb_internal.jobs filters rows rather than failing: without VIEWJOB drwatch can only warn. */
  @Test
  void withoutViewJobTheBackupJobsVanishAndDrwatchSaysWhy() {
    Layout l = Layout.V23_2;
    catalog.revoke(l, "viewjob");
    try (LogCapture log = new LogCapture(); Watch w = new Watch(config(target(catalog, l, "nojob", "")))) {
      w.round().round();
      assertTrue(w.result("nojob", "crdb_jobs").orElseThrow().success());
      assertEquals(0, w.require("nojob", "crdb_jobs", "job_type", "BACKUP", "status", "succeeded"));
      assertTrue(w.result("nojob", "crdb_schedules").orElseThrow().success());
      assertEquals(1, log.count("lacks VIEWJOB"), log.text());
    } finally {
      catalog.grant(l, "viewjob");
    }
  }

  @Test
  void theOptInIsHarmlessWhereThereIsNoGate() {
    Layout l = Layout.V24_3;
    try (Watch w = new Watch(config(target(catalog, l, "opt", "cockroach { allow-unsafe-internals = true }")))) {
      w.round();
      var c = w.cache().view().targets().get(0).server().cockroach();
      assertEquals("not_gated", c.access().label());
      assertTrue(c.allowUnsafeInternalsConfigured());
      w.cache().view().results().forEach(r -> assertTrue(r.success(), r.collector() + ": " + r.error()));
    }
  }

  @Test
  void aTargetConfiguredAsPostgresqlThatAnswersAsCockroachIsDownAndSaysSo() {
    // The one-statement PostgreSQL probe runs first for such a target; its version() gives it away.
    try (Watch w = new Watch(config(target(catalog, Layout.V25_4, "pg-by-config", "flavor = postgresql")))) {
      w.round();
      TargetStatus status = w.cache().view().targets().get(0);
      assertFalse(status.up(), "a CockroachDB server is not a PostgreSQL target");
      assertTrue(status.lastError().contains("configured as postgresql but the server is cockroachdb"),
          status.lastError());
    }
  }
}
