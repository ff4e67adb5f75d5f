package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The RPO layers on a real primary with a synchronous (FIRST 1) and an asynchronous standby:
 * broken archiving grows the archive layer's loss while the replica layer stays at zero, and
 * losing the synchronous standby falls back to what the asynchronous one has flushed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterLayersIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final double SEGMENT = 16 * 1024 * 1024;

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

  private double cluster(String family, String... labels) throws IOException {
    return derived(family, labels).orElseThrow(() -> new AssertionError("no " + family + " in\n"
        + exposition()));
  }

  private Optional<Double> derived(String family, String... labels) throws IOException {
    String[] all = new String[labels.length + 2];
    all[0] = "cluster";
    all[1] = "c1";
    System.arraycopy(labels, 0, all, 2, labels.length);
    return Series.value(watch.exposition(), family, all);
  }

  private String exposition() {
    try {
      return watch.exposition();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void brokenArchivingGrowsTheArchiveLayerWhileTheReplicaLayerStaysAtZero() throws Exception {
    watch.round();
    assertEquals(1, cluster("drwatch_cluster_primaries"));
    assertEquals(2, cluster("drwatch_cluster_members_in_recovery"));
    assertEquals(1, cluster("drwatch_cluster_rpo_layer_healthy", "layer", "replica"));
    assertEquals(0, cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "replica"), "FIRST 1 (sync1) in force");
    assertEquals(1, cluster("drwatch_cluster_rpo_layer_healthy", "layer", "archive"));
    assertTrue(cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "archive") < SEGMENT,
        "a healthy archiver lags by at most the segment in progress");
    assertEquals("", Promtool.checkMetrics(watch.exposition()));

    pg.breakArchiving();
    try {
      for (int i = 0; i < 3; i++) {
        pg.write(100);
        pg.primary().sql("SELECT pg_switch_wal()");
      }
      watch.await("primary", "archiver", "pg_archiver_ready_files", v -> v >= 3, WAIT);
      watch.await("primary", "archiver", "pg_archiver_failing", v -> v == 1, WAIT);
      watch.round();
      assertEquals(0, cluster("drwatch_cluster_rpo_layer_healthy", "layer", "archive"));
      double bytes1 = cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "archive");
      double seconds1 = cluster("drwatch_cluster_rpo_estimate_seconds", "layer", "archive");
      assertTrue(bytes1 >= 3 * SEGMENT, "three whole segments wait: " + bytes1);
      assertTrue(cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "replica") < 1024 * 1024,
          "the standbys have it all");
      assertEquals(1, cluster("drwatch_cluster_rpo_layer_healthy", "layer", "replica"));
      assertEquals(0, cluster("drwatch_cluster_rpo_effective_bytes"), "the replica layer still protects");
      assertEquals(0, cluster("drwatch_cluster_rpo_effective_seconds"));

      // The oldest unarchived WAL must age measurably (the check below: at least 1.5 s more).
      Await.elapse(Duration.ofSeconds(2), "the unarchived WAL ages");
      pg.write(100);
      pg.primary().sql("SELECT pg_switch_wal()");
      watch.await("primary", "archiver", "pg_archiver_ready_files", v -> v >= 4, WAIT);
      watch.round();
      double bytes2 = cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "archive");
      double seconds2 = cluster("drwatch_cluster_rpo_estimate_seconds", "layer", "archive");
      System.out.printf("archive layer while broken: %.0f B / %.1f s, then %.0f B / %.1f s%n",
          bytes1, seconds1, bytes2, seconds2);
      assertTrue(bytes2 >= bytes1 + SEGMENT, bytes1 + " -> " + bytes2);
      assertTrue(seconds2 >= seconds1 + 1.5, "the oldest unarchived WAL ages: " + seconds1 + " -> " + seconds2);
      assertEquals(0, cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "replica"));
    } finally {
      pg.repairArchiving();
    }
    pg.primary().sql("SELECT pg_switch_wal()");
    watch.await("primary", "archiver", "pg_archiver_ready_files", v -> v == 0, Duration.ofSeconds(90));
    watch.await("primary", "archiver", "pg_archiver_failing", v -> v == 0, WAIT);
    watch.round();
    assertEquals(1, cluster("drwatch_cluster_rpo_layer_healthy", "layer", "archive"));
    assertTrue(cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "archive") < SEGMENT);
  }

  @Test
  void withoutTheSyncStandbyTheReplicaLayerIsWhatTheAsyncOneFlushed() throws Exception {
    pg.standby("sync1").stop();
    try {
      watch.await("primary", "sync_replication", "pg_replication_commits_would_block", v -> v == 1, WAIT);
      watch.await("primary", "replication", "pg_replication_standbys_connected", v -> v == 1, WAIT);
      watch.round();
      assertEquals(1, cluster("drwatch_cluster_members_in_recovery"), "sync1 is down");
      assertEquals(1, cluster("drwatch_cluster_rpo_layer_healthy", "layer", "replica"), "async1 streams");
      double measured = watch.require("primary", "pg_replication_lag_bytes", "application_name", "async1",
          "stage", "flush");
      assertEquals(measured, cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "replica"),
          "no synchronous guarantee: the async standby's flush lag is the loss");
      assertEquals(watch.require("primary", "pg_replication_lag_seconds", "application_name", "async1",
          "stage", "flush"), cluster("drwatch_cluster_rpo_estimate_seconds", "layer", "replica"));
    } finally {
      pg.standby("sync1").start();
    }
    pg.waitStreaming(WAIT);
    watch.await("primary", "sync_replication", "pg_replication_commits_would_block", v -> v == 0, WAIT);
    watch.round();
    assertEquals(2, cluster("drwatch_cluster_members_in_recovery"));
    assertEquals(0, cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "replica"));
  }
}
