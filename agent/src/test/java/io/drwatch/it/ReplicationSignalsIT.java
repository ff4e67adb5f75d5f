package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every replication and archiving signal moves the right way on a real primary with a synchronous
 * and an asynchronous standby. One cluster serves the class; each test puts back what it broke.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationSignalsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private PgSandbox pg;
  private Watch watch;

  @BeforeAll
  void start() {
    pg = Clusters.primaryWithSyncAndAsync(Clusters.defaultMajor());
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

  @Test
  void everyCollectorSucceedsOnEveryMemberAsPgMonitorRole() throws Exception {
    watch.round();
    for (String target : new String[] {"primary", "sync1", "async1"}) {
      assertEquals(1.0, watch.cache().view().targets().stream()
          .filter(t -> t.name().equals(target)).findFirst().orElseThrow().up() ? 1.0 : 0.0);
      watch.cache().view().results().stream().filter(r -> r.target().equals(target))
          .forEach(r -> assertTrue(r.success(), target + "/" + r.collector() + ": " + r.error()));
    }
    assertEquals(2, watch.require("primary", "pg_replication_standbys_connected"));
    assertEquals(1, watch.require("primary", "pg_replication_sync_standbys_required"));
    assertEquals(1, watch.require("primary", "pg_replication_sync_standbys_connected"));
    assertEquals(0, watch.require("primary", "pg_replication_commits_would_block"));
    assertEquals(1, watch.require("sync1", "pg_standby_streaming"));
    assertEquals(1, watch.require("async1", "pg_standby_streaming"));
    assertEquals(1, watch.require("primary", "pg_archiver_enabled"));
    assertEquals(0, watch.require("sync1", "pg_archiver_enabled"), "archive_mode=on idles on a standby");
    assertEquals(16 * 1024 * 1024, watch.require("primary", "pg_wal_segment_size_bytes"));
    assertEquals(1, watch.require("primary", "pg_replication_standby_info",
        "application_name", "sync1", "sync_state", "sync", "state", "streaming"));
    assertEquals(1, watch.require("primary", "pg_replication_standby_info",
        "application_name", "async1", "sync_state", "async"));
    String problems = Promtool.checkMetrics(watch.exposition());
    assertEquals("", problems, "promtool check metrics");
  }

  @Test
  void replayLagGrowsWhileReplayIsPausedAndRecoversAfterResume() {
    pg.standby("async1").sql("SELECT pg_wal_replay_pause()");
    try {
      pg.write(5000);
      double lag = watch.await("primary", "replication", "pg_replication_lag_bytes", v -> v > 100_000, WAIT,
          "application_name", "async1", "stage", "replay");
      assertTrue(lag > 100_000);
      assertTrue(watch.await("async1", "standby", "pg_standby_replay_lag_bytes", v -> v > 100_000, WAIT) > 100_000);
      assertEquals(1, watch.await("async1", "standby", "pg_standby_replay_paused", v -> v == 1, WAIT));
      assertTrue(watch.await("async1", "standby", "pg_standby_replay_delay_seconds", v -> v > 0, WAIT) > 0);
      // the synchronous standby keeps replaying
      watch.await("primary", "replication", "pg_replication_lag_bytes", v -> v < 100_000, WAIT,
          "application_name", "sync1", "stage", "flush");
    } finally {
      pg.standby("async1").sql("SELECT pg_wal_replay_resume()");
    }
    watch.await("async1", "standby", "pg_standby_replay_lag_bytes", v -> v == 0, WAIT);
    watch.await("async1", "standby", "pg_standby_replay_delay_seconds", v -> v == 0, WAIT);
    watch.await("primary", "replication", "pg_replication_lag_bytes", v -> v < 100_000, WAIT,
        "application_name", "async1", "stage", "replay");
  }

  @Test
  void commitsWouldBlockWhenTheSyncStandbyStops() throws Exception {
    pg.standby("sync1").stop();
    CompletableFuture<Void> blockedCommit = null;
    try {
      assertEquals(1, watch.await("primary", "sync_replication", "pg_replication_commits_would_block",
          v -> v == 1, WAIT));
      assertEquals(0, watch.require("primary", "pg_replication_sync_standbys_connected"));
      // A real commit now hangs in SyncRep, and the agent sees it waiting.
      blockedCommit = CompletableFuture.runAsync(() -> {
        try (Connection c = pg.primary().connect(); Statement st = c.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS blocked (i int)");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(watch.await("primary", "sync_replication", "pg_replication_syncrep_waiting_sessions",
          v -> v >= 1, WAIT) >= 1);
    } finally {
      pg.standby("sync1").start();
    }
    pg.waitStreaming(WAIT);
    assertEquals(0, watch.await("primary", "sync_replication", "pg_replication_commits_would_block",
        v -> v == 0, WAIT));
    blockedCommit.get(30, TimeUnit.SECONDS);
    watch.await("primary", "sync_replication", "pg_replication_syncrep_waiting_sessions", v -> v == 0, WAIT);
  }

  @Test
  void brokenArchiveCommandRaisesFailuresAndBacklogThenRecovers() {
    watch.run("primary", "archiver");
    double failedBefore = watch.require("primary", "pg_archiver_failed_total");
    pg.breakArchiving();
    try {
      for (int i = 0; i < 3; i++) {
        pg.write(100);
        pg.primary().sql("SELECT pg_switch_wal()");
      }
      watch.await("primary", "archiver", "pg_archiver_failed_total", v -> v > failedBefore, WAIT);
      watch.await("primary", "archiver", "pg_archiver_ready_files", v -> v >= 3, WAIT);
      assertEquals(1, watch.require("primary", "pg_archiver_failing"));
      // three whole segments wait, so at least 3 x 16 MiB of WAL is not archived
      assertTrue(watch.require("primary", "pg_archiver_unarchived_bytes") >= 3 * 16 * 1024 * 1024);
      assertTrue(watch.value("primary", "pg_archiver_oldest_ready_timestamp_seconds").isPresent());
    } finally {
      pg.repairArchiving();
    }
    pg.primary().sql("SELECT pg_switch_wal()");
    watch.await("primary", "archiver", "pg_archiver_ready_files", v -> v == 0, Duration.ofSeconds(90));
    watch.await("primary", "archiver", "pg_archiver_failing", v -> v == 0, WAIT);
    assertTrue(watch.require("primary", "pg_archiver_unarchived_bytes") < 16 * 1024 * 1024);
    assertTrue(watch.require("primary", "pg_archiver_archived_total") >= 3);
    assertTrue(watch.value("primary", "pg_archiver_oldest_ready_timestamp_seconds").isEmpty());
  }

  @Test
  void anInactiveSlotRetainsGrowingWal() {
    pg.primary().sql("SELECT pg_create_physical_replication_slot('orphan', true)");
    try {
      watch.run("primary", "replication_slots");
      double before = watch.require("primary", "pg_replication_slot_retained_bytes", "slot_name", "orphan");
      assertEquals(0, watch.require("primary", "pg_replication_slot_active", "slot_name", "orphan"));
      assertEquals(1, watch.require("primary", "pg_replication_slot_active", "slot_name", "sync1"));
      assertEquals(1, watch.require("primary", "pg_replication_slot_wal_status", "slot_name", "orphan",
          "wal_status", "reserved"));
      pg.write(5000);
      pg.primary().sql("SELECT pg_switch_wal()");
      double after = watch.await("primary", "replication_slots", "pg_replication_slot_retained_bytes",
          v -> v > before + 1_000_000, WAIT, "slot_name", "orphan");
      assertTrue(after > before);
      // active slots follow their standby and stay small
      assertTrue(watch.await("primary", "replication_slots", "pg_replication_slot_retained_bytes",
          v -> v < after, WAIT, "slot_name", "sync1") < after);
    } finally {
      pg.primary().sql("SELECT pg_drop_replication_slot('orphan')");
    }
  }
}
