package io.drwatch.collect.cockroach;

import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.TestClock;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.target.CockroachInfo;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CockroachDB collector mappings (rows → samples) from fixture rows, compared as exposition text
 * and checked by promtool. Golden texts keep TYPE lines and drop HELP lines and drwatch_*.
 */
class CrdbLivenessTest {

  private static final Instant NOW = Instant.parse("2025-03-12T14:37:20Z");
  private static final double T = NOW.getEpochSecond();

  private static String expose(String collector, List<Sample> samples) throws Exception {
    TestClock clock = new TestClock(NOW);
    SampleCache cache = new SampleCache(clock);
    cache.putResult(new CollectorResult("crdb-1", collector, true, samples, NOW, 0.01, null, NOW, 0,
        Duration.ofSeconds(180)));
    String full = Exposition.text(new CacheSnapshots(cache, clock).collect());
    assertEquals("", Promtool.checkMetrics(full), full);
    return Exposition.withoutAgentFamilies(full);
  }

  private static String hlc(double seconds) {
    return String.format(java.util.Locale.ROOT, "%.9f,0", seconds);
  }

  private static Row liveness(long node, long epoch, double expiresIn, boolean draining, String membership,
      Double updatedAgo, Long replicas, Long leases) {
    return row("node_id", node, "epoch", epoch, "expiration", hlc(T + expiresIn), "draining", draining,
        "membership", membership, "updated_at", updatedAgo == null ? null : T - updatedAgo,
        "replicas", replicas, "leases", leases, "now", T);
  }

  @Test
  void livenessStatusesFollowTheConsolesPrecedence() throws Exception {
    List<Row> rows = List.of(
        liveness(1, 3, 4.5, false, "active", 1.0, 120L, 40L),
        liveness(2, 2, 6.0, true, "active", 1.0, 118L, 38L),       // draining but live
        liveness(3, 5, -301, false, "active", 300.0, 45L, 0L),     // expired > 5m: dead
        liveness(4, 1, 4.0, true, "decommissioning", 1.0, 37L, 0L),
        liveness(5, 7, -299, false, "active", null, 110L, 12L),    // expired < 5m: suspect
        liveness(6, 2, -9000, true, "decommissioned", 9000.0, null, null));
    assertEquals("""
        # TYPE crdb_liveness_nodes gauge
        crdb_liveness_nodes{status="dead",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="decommissioned",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="decommissioning",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="draining",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="live",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="suspect",target="crdb-1"} 1.0
        """, Exposition.only(expose("crdb_liveness", CrdbLiveness.map(rows, 300)), "crdb_liveness_nodes"));
    String node4 = Exposition.only(expose("crdb_liveness", CrdbLiveness.map(rows.subList(3, 4), 300)), "crdb_");
    assertEquals("""
        # TYPE crdb_liveness_nodes gauge
        crdb_liveness_nodes{status="dead",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="decommissioned",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="decommissioning",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="draining",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="live",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="suspect",target="crdb-1"} 0.0
        # TYPE crdb_node_draining gauge
        crdb_node_draining{node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_leases gauge
        crdb_node_leases{node_id="4",target="crdb-1"} 0.0
        # TYPE crdb_node_live gauge
        crdb_node_live{node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_liveness_epoch gauge
        crdb_node_liveness_epoch{node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_liveness_expiration_timestamp_seconds gauge
        crdb_node_liveness_expiration_timestamp_seconds{node_id="4",target="crdb-1"} 1.741790244E9
        # TYPE crdb_node_liveness_updated_timestamp_seconds gauge
        crdb_node_liveness_updated_timestamp_seconds{node_id="4",target="crdb-1"} 1.741790239E9
        # TYPE crdb_node_membership gauge
        crdb_node_membership{membership="active",node_id="4",target="crdb-1"} 0.0
        crdb_node_membership{membership="decommissioned",node_id="4",target="crdb-1"} 0.0
        crdb_node_membership{membership="decommissioning",node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_replicas gauge
        crdb_node_replicas{node_id="4",target="crdb-1"} 37.0
        """, node4);
    // a longer server.time_until_store_dead turns the dead node into a suspect one
    String longer = Exposition.only(expose("crdb_liveness", CrdbLiveness.map(rows, 900)), "crdb_liveness_nodes");
    assertTrue(longer.contains("crdb_liveness_nodes{status=\"dead\",target=\"crdb-1\"} 0.0")
        && longer.contains("crdb_liveness_nodes{status=\"suspect\",target=\"crdb-1\"} 2.0"), longer);
  }

  @Test
  void kvLivenessRowsHaveNoReplicaOrUpdateColumns() throws Exception {
    Row kv = row("node_id", 3L, "epoch", 5L, "expiration", hlc(T - 10), "draining", false, "membership", "ACTIVE",
        "now", T);
    String text = expose("crdb_liveness", CrdbLiveness.map(List.of(kv), 300));
    assertTrue(text.contains("crdb_node_live{node_id=\"3\",target=\"crdb-1\"} 0.0"), text);
    assertTrue(text.contains("crdb_node_membership{membership=\"active\",node_id=\"3\",target=\"crdb-1\"} 1.0"), text);
    assertTrue(!text.contains("crdb_node_replicas") && !text.contains("crdb_node_liveness_updated"), text);
  }

  @Test
  void storesMapMetricsAndSkipMissingKeys() throws Exception {
    Row s1 = row("node_id", 1L, "store_id", 1L, "capacity", 1000L, "available", 600L, "used", 400L,
        "logical_bytes", 800L, "range_count", 120L, "lease_count", 40L, "ranges", 52.0,
        "ranges_underreplicated", 14.0, "ranges_unavailable", 2.0, "ranges_overreplicated", null,
        "replicate_purgatory", 0.0);
    assertEquals("""
        # TYPE crdb_store_available_bytes gauge
        crdb_store_available_bytes{node_id="1",store_id="1",target="crdb-1"} 600.0
        # TYPE crdb_store_capacity_bytes gauge
        crdb_store_capacity_bytes{node_id="1",store_id="1",target="crdb-1"} 1000.0
        # TYPE crdb_store_leases gauge
        crdb_store_leases{node_id="1",store_id="1",target="crdb-1"} 40.0
        # TYPE crdb_store_logical_bytes gauge
        crdb_store_logical_bytes{node_id="1",store_id="1",target="crdb-1"} 800.0
        # TYPE crdb_store_ranges gauge
        crdb_store_ranges{node_id="1",store_id="1",target="crdb-1"} 52.0
        # TYPE crdb_store_ranges_unavailable gauge
        crdb_store_ranges_unavailable{node_id="1",store_id="1",target="crdb-1"} 2.0
        # TYPE crdb_store_ranges_underreplicated gauge
        crdb_store_ranges_underreplicated{node_id="1",store_id="1",target="crdb-1"} 14.0
        # TYPE crdb_store_replicas gauge
        crdb_store_replicas{node_id="1",store_id="1",target="crdb-1"} 120.0
        # TYPE crdb_store_replicate_queue_purgatory gauge
        crdb_store_replicate_queue_purgatory{node_id="1",store_id="1",target="crdb-1"} 0.0
        # TYPE crdb_store_used_bytes gauge
        crdb_store_used_bytes{node_id="1",store_id="1",target="crdb-1"} 400.0
        """, expose("crdb_stores", CrdbStores.map(List.of(s1))));
  }

  @Test
  void nodesConvertClockOffsetToSeconds() throws Exception {
    Row n = row("node_id", 5L, "address", "10.0.0.5:26257", "locality", "region=us-west1", "tag", "v24.3.5",
        "started_at", T - 86400, "updated_at", T - 4, "clock_offset_nanos", 310_000_000.0, "live_nodes", null);
    assertEquals("""
        # TYPE crdb_node_info gauge
        crdb_node_info{address="10.0.0.5:26257",build_tag="v24.3.5",locality="region=us-west1",node_id="5",target="crdb-1"} 1
        # TYPE crdb_node_clock_offset_seconds gauge
        crdb_node_clock_offset_seconds{node_id="5",target="crdb-1"} 0.31
        # TYPE crdb_node_started_timestamp_seconds gauge
        crdb_node_started_timestamp_seconds{node_id="5",target="crdb-1"} 1.74170384E9
        # TYPE crdb_node_status_updated_timestamp_seconds gauge
        crdb_node_status_updated_timestamp_seconds{node_id="5",target="crdb-1"} 1.741790236E9
        """, expose("crdb_nodes", CrdbNodes.map(List.of(n))));
  }

  @Test
  void jobsAlwaysShowEveryWatchedTypeAndStatus() throws Exception {
    List<Row> rows = List.of(
        row("job_type", "BACKUP", "status", "succeeded", "jobs", 3L, "last_finished", T - 1800, "last_change", T - 1800,
            "oldest_created", T - 86400),
        row("job_type", "BACKUP", "status", "failed", "jobs", 1L, "last_finished", T - 3500, "last_change", T - 3500,
            "oldest_created", T - 3600),
        row("job_type", "BACKUP", "status", "revert-failed", "jobs", 1L, "last_finished", null, "last_change", T - 60,
            "oldest_created", T - 7200),
        row("job_type", "CHANGEFEED", "status", "running", "jobs", 2L, "last_finished", null, "last_change", T,
            "oldest_created", T - 432000));
    String text = expose("crdb_jobs", CrdbJobs.map(rows));
    assertEquals(30, text.lines().filter(l -> l.startsWith("crdb_jobs{")).count(), text);
    assertTrue(text.contains("crdb_jobs{job_type=\"RESTORE\",status=\"failed\",target=\"crdb-1\"} 0.0"), text);
    assertEquals("""
        # TYPE crdb_jobs_last_failure_timestamp_seconds gauge
        crdb_jobs_last_failure_timestamp_seconds{job_type="BACKUP",target="crdb-1"} 1.74179018E9
        # TYPE crdb_jobs_last_success_timestamp_seconds gauge
        crdb_jobs_last_success_timestamp_seconds{job_type="BACKUP",target="crdb-1"} 1.74178844E9
        # TYPE crdb_jobs_oldest_running_created_timestamp_seconds gauge
        crdb_jobs_oldest_running_created_timestamp_seconds{job_type="CHANGEFEED",target="crdb-1"} 1.74135824E9
        """, Exposition.only(text, "crdb_jobs_"));
  }

  private static Row schedule(long id, String name, String expr, double createdAgo, Double nextIn) {
    return row("schedule_id", id, "schedule_name", name, "schedule_expr", expr, "created", T - createdAgo,
        "next_run", nextIn == null ? null : T + nextIn, "now", T);
  }

  @Test
  void schedulesMissTheirCadenceWhenTheRunThatShouldHaveFinishedDidNot() throws Exception {
    double h14 = Instant.parse("2025-03-12T14:00:00Z").getEpochSecond();
    List<Row> schedules = List.of(
        schedule(1, "hourly_ok", "@hourly", 86400, 1360.0),
        schedule(2, "hourly_late", "@hourly", 86400, 1360.0),
        schedule(3, "paused", "0 3 * * SUN", 86400 * 30, null),
        schedule(4, "brand_new", "@hourly", 600, 1360.0),
        schedule(5, "weird", "every tuesday", 86400, 60.0));
    List<Row> jobs = List.of(
        row("schedule_id", 1L, "last_success", h14 - 3600 + 300, "last_failure", null, "unfinished", 1L),
        row("schedule_id", 2L, "last_success", h14 - 3600 - 1, "last_failure", h14 - 3000, "unfinished", 0L));
    String text = expose("crdb_schedules", CrdbSchedules.map(schedules, jobs, null));
    assertEquals("""
        # TYPE crdb_backup_schedule_missed_cadence gauge
        crdb_backup_schedule_missed_cadence{schedule_id="1",schedule_name="hourly_ok",target="crdb-1"} 0.0
        crdb_backup_schedule_missed_cadence{schedule_id="2",schedule_name="hourly_late",target="crdb-1"} 1.0
        crdb_backup_schedule_missed_cadence{schedule_id="3",schedule_name="paused",target="crdb-1"} 1.0
        crdb_backup_schedule_missed_cadence{schedule_id="4",schedule_name="brand_new",target="crdb-1"} 0.0
        """, Exposition.only(text, "crdb_backup_schedule_missed"));
    assertEquals("""
        # TYPE crdb_backup_schedule_info gauge
        crdb_backup_schedule_info{recurrence="0 3 * * SUN",schedule_id="3",schedule_name="paused",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="@hourly",schedule_id="1",schedule_name="hourly_ok",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="@hourly",schedule_id="2",schedule_name="hourly_late",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="@hourly",schedule_id="4",schedule_name="brand_new",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="every tuesday",schedule_id="5",schedule_name="weird",target="crdb-1"} 1
        # TYPE crdb_backup_schedule_expected_interval_seconds gauge
        crdb_backup_schedule_expected_interval_seconds{schedule_id="1",schedule_name="hourly_ok",target="crdb-1"} 3600.0
        crdb_backup_schedule_expected_interval_seconds{schedule_id="2",schedule_name="hourly_late",target="crdb-1"} 3600.0
        crdb_backup_schedule_expected_interval_seconds{schedule_id="3",schedule_name="paused",target="crdb-1"} 604800.0
        crdb_backup_schedule_expected_interval_seconds{schedule_id="4",schedule_name="brand_new",target="crdb-1"} 3600.0
        """, Exposition.only(text, "crdb_backup_schedule_expected", "crdb_backup_schedule_info"));
    assertTrue(text.contains("crdb_backup_schedule_paused{schedule_id=\"3\",schedule_name=\"paused\",target=\"crdb-1\"} 1.0")
        && !text.contains("crdb_backup_schedule_next_run_timestamp_seconds{schedule_id=\"3\""), text);
    assertTrue(text.contains("crdb_backup_schedule_unfinished_jobs{schedule_id=\"1\",schedule_name=\"hourly_ok\",target=\"crdb-1\"} 1.0"), text);
    assertTrue(text.contains("crdb_backup_schedule_unfinished_jobs{schedule_id=\"3\",schedule_name=\"paused\",target=\"crdb-1\"} 0.0"), text);
    // jobs not readable: the schedules stand, success and cadence stay unknown
    String blind = expose("crdb_schedules", CrdbSchedules.map(schedules, null, null));
    assertTrue(!blind.contains("missed_cadence") && !blind.contains("last_success") && blind.contains("crdb_backup_schedule_paused"),
        blind);
  }

  @Test
  void settingsInBaseUnitsWithDrift() throws Exception {
    List<Row> settings = List.of(
        row("variable", "cluster.preserve_downgrade_option", "value", "24.3", "type", "s", "default_value", "",
            "origin", "override"),
        row("variable", "kv.rangefeed.enabled", "value", "false", "type", "b", "default_value", "false", "origin", "default"),
        row("variable", "server.time_until_store_dead", "value", "15m0s", "type", "d", "default_value", "5m0s",
            "origin", "override"),
        row("variable", "version", "value", "24.3", "type", "m", "default_value", "24.3", "origin", "default"));
    List<Row> tags = List.of(row("build_tag", "v24.3.5"), row("build_tag", "v25.1.0"), row("build_tag", "v24.3.5"));
    List<Row> zone = List.of(row("full_config_yaml", "range_min_bytes: 134217728\ngc:\n  ttlseconds: 90000\nnum_replicas: 3\nnum_voters: null\n"));
    assertEquals("""
        # TYPE crdb_cluster_binary_versions gauge
        crdb_cluster_binary_versions{target="crdb-1"} 2.0
        # TYPE crdb_cluster_upgrade_pending gauge
        crdb_cluster_upgrade_pending{target="crdb-1"} 1.0
        # TYPE crdb_cluster_version_info gauge
        crdb_cluster_version_info{target="crdb-1",version="24.3"} 1
        # TYPE crdb_setting_info gauge
        crdb_setting_info{default_value="",origin="override",target="crdb-1",value="24.3",variable="cluster.preserve_downgrade_option"} 1
        crdb_setting_info{default_value="24.3",origin="default",target="crdb-1",value="24.3",variable="version"} 1
        crdb_setting_info{default_value="5m0s",origin="override",target="crdb-1",value="15m0s",variable="server.time_until_store_dead"} 1
        crdb_setting_info{default_value="false",origin="default",target="crdb-1",value="false",variable="kv.rangefeed.enabled"} 1
        # TYPE crdb_setting_non_default gauge
        crdb_setting_non_default{target="crdb-1",variable="cluster.preserve_downgrade_option"} 1.0
        crdb_setting_non_default{target="crdb-1",variable="kv.rangefeed.enabled"} 0.0
        crdb_setting_non_default{target="crdb-1",variable="server.time_until_store_dead"} 1.0
        crdb_setting_non_default{target="crdb-1",variable="version"} 0.0
        # TYPE crdb_settings_rangefeed_enabled gauge
        crdb_settings_rangefeed_enabled{target="crdb-1"} 0.0
        # TYPE crdb_settings_time_until_store_dead_seconds gauge
        crdb_settings_time_until_store_dead_seconds{target="crdb-1"} 900.0
        # TYPE crdb_zone_default_gc_ttl_seconds gauge
        crdb_zone_default_gc_ttl_seconds{target="crdb-1"} 90000.0
        # TYPE crdb_zone_default_num_replicas gauge
        crdb_zone_default_num_replicas{target="crdb-1"} 3.0
        """, expose("crdb_settings", CrdbSettings.map(settings, tags, zone)));
    assertEquals(32.0 * 1024 * 1024, CrdbSettings.numeric("z", "32 MiB"));
    assertEquals(8.0, CrdbSettings.numeric("i", "8"));
    assertEquals(null, CrdbSettings.numeric("e", "auto"));
    assertEquals(null, CrdbSettings.yamlNumber("num_voters: null\n", "num_voters"));
  }

  @Test
  void sessionInfoPrefersTheSessionsNodeAndTag() throws Exception {
    ServerInfo s = new ServerInfo(Flavor.COCKROACHDB, 240305, "24.3.5", false, null, null, null, true, Set.of(),
        new CockroachInfo("v24.3.5", 2L, null, CockroachInfo.InternalsAccess.RESTRICTED, true));
    assertEquals("""
        # TYPE crdb_session_info gauge
        crdb_session_info{build_tag="v24.3.5",cluster_id="",internals_access="restricted",node_id="3",target="crdb-1"} 1
        """, expose("crdb_session", CrdbSession.map(row("node_id", "3",
        "crdb_version", "CockroachDB CCL v24.3.5 (x86_64-pc-linux-gnu, built 2025/01/30 17:46:42, go1.22.8)"), s)));
  }

  @Test
  void statementOptionsAreValidatedAndTheFailureSourceFollowsTheVersion() {
    var c = new CrdbStatements();
    var cfg = com.typesafe.config.ConfigFactory.parseString("top-n = 0");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> c.configure(cfg)).getMessage().contains("top-n"));
    var long1 = com.typesafe.config.ConfigFactory.parseString("lookback = 5m");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> c.configure(long1)).getMessage().contains("lookback"));
    ServerInfo v232 = new ServerInfo(Flavor.COCKROACHDB, 230212, "23.2.12", false, null, null, null, true, Set.of(), null);
    ServerInfo v241 = new ServerInfo(Flavor.COCKROACHDB, 240100, "24.1.0", false, null, null, null, true, Set.of(), null);
    assertTrue(c.sql(v232).contains("metadata->>'failed' = 'true'") && !c.sql(v232).contains("failureCount"));
    assertTrue(c.sql(v241).contains("failureCount") && !c.sql(v241).contains("metadata->>'failed'"));
    var off = (CrdbStatements) c.configure(com.typesafe.config.ConfigFactory.parseString(
        "query-text = false, include-internal = true"));
    assertTrue(off.sql(v241).contains("'' AS query") && !off.sql(v241).contains("internal%"));
    assertTrue(c.perTarget() != c, "each target gets its own deltas");
  }
}
