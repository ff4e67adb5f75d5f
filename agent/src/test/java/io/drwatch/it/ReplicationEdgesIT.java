package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sandbox.PgSandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Replication signals where they used to lie, on a real primary with a synchronous (FIRST 1) and an
 * asynchronous standby: a standby that stops replying, a numeric standby name, and a role that
 * commits without waiting for the synchronous standby. Each test puts back what it changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationEdgesIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private PgSandbox pg;
  private Watch watch;

  @BeforeAll
  void start() {
    pg = Clusters.primaryWithSyncAndAsync(Clusters.defaultMajor());
    pg.write(1);
    watch = Watch.sandbox(pg);
  }

  @AfterAll
  void stop() {
    if (watch != null) {
      watch.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private void synchronousStandbyNames(String value) {
    pg.primary().sql("ALTER SYSTEM SET synchronous_standby_names = '" + value + "'");
    pg.primary().sql("SELECT pg_reload_conf()");
  }

  private double lsn() {
    return Double.parseDouble(pg.primary().sql("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"));
  }

  @Test
  void aNumericStandbyNameIsANameAndCommitsReallyWaitForIt() throws Exception {
    synchronousStandbyNames("1, 2"); // FIRST 1 of standbys named 1 and 2: none is connected
    CompletableFuture<Void> commit = null;
    try {
      // pg_reload_conf() only signals: the walsenders drop sync1's sync state a moment later
      // (read at once, the old list still counted sync1 in one run)
      watch.await("primary", "sync_replication", "pg_replication_sync_standbys_connected", v -> v == 0, WAIT);
      CollectorResult r = watch.result("primary", "sync_replication").orElseThrow();
      System.out.printf("synchronous_standby_names = '1, 2': sync collector success=%s error=%s%n",
          r.success(), r.error());
      assertTrue(r.success(), "sync collector failed: " + r.error());
      assertEquals(1, watch.require("primary", "pg_replication_sync_standbys_required"));
      assertEquals(0, watch.require("primary", "pg_replication_sync_standbys_connected"));
      assertEquals(1, watch.require("primary", "pg_replication_commits_would_block"));
      commit = CompletableFuture.runAsync(() -> pg.write(1)); // the server agrees: it waits
      watch.await("primary", "sync_replication", "pg_replication_syncrep_waiting_sessions", v -> v >= 1, WAIT);
      assertTrue(!commit.isDone(), "the commit waits for a standby named 1 or 2");

      synchronousStandbyNames("1, sync1");
      watch.await("primary", "sync_replication", "pg_replication_commits_would_block", v -> v == 0, WAIT);
      assertEquals(1, watch.require("primary", "pg_replication_sync_standbys_connected"));
      commit.get(30, TimeUnit.SECONDS);
    } finally {
      pg.primary().sql("ALTER SYSTEM RESET synchronous_standby_names");
      pg.primary().sql("SELECT pg_reload_conf()");
    }
    if (commit != null) {
      commit.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void lagSecondsGrowWhileAStandbyStopsReplying() throws Exception {
    watch.await("primary", "replication", "pg_replication_lag_bytes", v -> v == 0, WAIT,
        "application_name", "async1", "stage", "flush");
    pg.standby("async1").freeze();
    long frozenAt = System.nanoTime();
    try {
      double[] seconds = new double[2];
      double[] bytes = new double[2];
      for (int i = 0; i < 2; i++) {
        for (int w = 0; w < 6; w++) {
          pg.write(500);
          Await.elapse(Duration.ofMillis(500), "writes keep coming while the standby stays frozen, so its lag ages");
        }
        watch.run("primary", "replication");
        double elapsed = (System.nanoTime() - frozenAt) / 1e9;
        bytes[i] = watch.require("primary", "pg_replication_lag_bytes", "application_name", "async1", "stage", "flush");
        seconds[i] = watch.require("primary", "pg_replication_lag_seconds", "application_name", "async1",
            "stage", "flush");
        System.out.printf("async1 frozen %.1f s: flush lag %.0f B, pg_replication_lag_seconds %.2f s%n",
            elapsed, bytes[i], seconds[i]);
        assertTrue(bytes[i] > 0);
        assertTrue(seconds[i] >= elapsed - 1.5, "lag seconds " + seconds[i] + " after " + elapsed
            + " s without a reply (wal_receiver_status_interval = 1s)");
      }
      assertTrue(bytes[1] > bytes[0]);
      assertTrue(seconds[1] >= seconds[0] + 2.5, seconds[0] + " -> " + seconds[1]);
    } finally {
      pg.standby("async1").thaw();
    }
    watch.await("primary", "replication", "pg_replication_lag_seconds", v -> v < 1, WAIT,
        "application_name", "async1", "stage", "flush");
  }

  @Test
  void aRoleCommittingLocallyVoidsTheSynchronousRpoZeroClaim() throws Exception {
    pg.primary().sql("CREATE ROLE app LOGIN");
    pg.primary().sql("GRANT INSERT ON sandbox_load TO app");
    pg.primary().sql("GRANT USAGE ON SEQUENCE sandbox_load_id_seq TO app");
    pg.primary().sql("ALTER ROLE app SET synchronous_commit = local");
    try {
      watch.round();
      pg.standby("sync1").freeze();
      pg.standby("async1").freeze();
      try {
        double before = lsn();
        int acknowledged = 0;
        try (Connection c = DriverManager.getConnection(pg.primary().jdbcUrl(), "app", "");
            Statement st = c.createStatement()) {
          for (int i = 0; i < 5; i++) {
            acknowledged += st.executeUpdate(
                "INSERT INTO sandbox_load (payload) SELECT md5(g::text) FROM generate_series(1, 1000) g");
          }
        }
        double committed = lsn() - before; // acknowledged, and on neither standby: both are stopped
        watch.run("primary", "replication");
        watch.run("primary", "sync_replication");
        double estimate = Series.value(watch.exposition(), "drwatch_cluster_rpo_estimate_bytes",
            "cluster", "c1", "layer", "replica").orElseThrow();
        double flushLag = watch.require("primary", "pg_replication_lag_bytes", "application_name", "sync1",
            "stage", "flush");
        System.out.printf("role app commits locally, standbys stopped: %d rows acknowledged in %.0f B of WAL;"
            + " sync1 flush lag %.0f B; replica layer RPO estimate %.0f B%n", acknowledged, committed, flushLag,
            estimate);
        assertEquals(1, watch.require("primary", "pg_replication_standby_info", "application_name", "sync1",
            "sync_state", "sync"), "the server still counts sync1 as synchronous");
        assertEquals(1, watch.require("primary", "pg_replication_sync_commit_override_info", "database", "",
            "role", "app", "synchronous_commit", "local"));
        assertTrue(estimate >= committed, "acknowledged commits on no standby: estimate " + estimate
            + " B, truth at least " + committed + " B");
      } finally {
        pg.standby("sync1").thaw();
        pg.standby("async1").thaw();
      }
    } finally {
      pg.primary().sql("ALTER ROLE app RESET synchronous_commit");
    }
    watch.await("primary", "replication", "pg_replication_lag_bytes", v -> v == 0, WAIT,
        "application_name", "sync1", "stage", "flush");
    watch.run("primary", "sync_replication");
    assertEquals(0, Series.value(watch.exposition(), "drwatch_cluster_rpo_estimate_bytes",
        "cluster", "c1", "layer", "replica").orElseThrow(), "no override: FIRST 1 (sync1) is in force again");
  }
}
