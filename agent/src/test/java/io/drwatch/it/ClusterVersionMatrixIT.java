package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cluster view and the heartbeat on PostgreSQL 13 through 18: a primary with a synchronous
 * standby reads as one writer protected by the replica and archive layers, the heartbeat runs on
 * both as the pg_monitor role with the shipped grants, and a failover is counted once.
 */
class ClusterVersionMatrixIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static double cluster(Watch watch, String family, String... labels) throws Exception {
    String text = watch.exposition();
    String[] all = new String[labels.length + 2];
    all[0] = "cluster";
    all[1] = "c1";
    System.arraycopy(labels, 0, all, 2, labels.length);
    return Series.value(text, family, all).orElseThrow(() -> new AssertionError("no " + family + " in\n" + text));
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 14, 15, 16, 17, 18})
  void clusterViewHeartbeatAndFailover(int major) throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(major).standby("s1", PgSandbox.Sync.SYNC).start()) {
      pg.primary().sql(Files.readString(HeartbeatIT.shipped("heartbeat.sql")));
      try (Watch watch = new Watch(HeartbeatIT.config(pg, ""))) {
        watch.round();
        watch.run("s1", "heartbeat");
        for (String target : List.of("primary", "s1")) {
          watch.cache().view().results().stream().filter(r -> r.target().equals(target))
              .forEach(r -> assertTrue(r.success(), major + " " + target + "/" + r.collector() + ": " + r.error()));
        }
        double written = watch.require("primary", "pg_heartbeat_timestamp_seconds");
        watch.await("s1", "heartbeat", "pg_heartbeat_timestamp_seconds", v -> v >= written, WAIT);
        assertTrue(watch.require("s1", "pg_heartbeat_delay_seconds") >= 0);

        assertEquals(1, cluster(watch, "drwatch_cluster_primaries"));
        assertEquals(1, cluster(watch, "drwatch_cluster_members_in_recovery"));
        assertEquals(1, cluster(watch, "drwatch_cluster_rpo_layer_healthy", "layer", "replica"));
        assertEquals(0, cluster(watch, "drwatch_cluster_rpo_estimate_bytes", "layer", "replica"), "FIRST 1 (s1)");
        assertEquals(1, cluster(watch, "drwatch_cluster_rpo_layer_healthy", "layer", "archive"));
        watch.await("s1", "standby", "pg_standby_replay_lag_bytes", v -> v == 0, WAIT);
        assertEquals(10, cluster(watch, "drwatch_cluster_rto_estimate_seconds"), "caught up: the overhead");
        assertEquals("", Promtool.checkMetrics(watch.exposition()));

        pg.primary().stop();
        pg.standby("s1").promote();
        watch.round();
        assertEquals(1, cluster(watch, "drwatch_cluster_failovers_total"));
        assertEquals(1, cluster(watch, "drwatch_cluster_primaries"), "s1 is the writer now");
        assertEquals(2, cluster(watch, "drwatch_cluster_highest_timeline_id"));
        assertEquals(Double.POSITIVE_INFINITY, cluster(watch, "drwatch_cluster_rto_estimate_seconds"),
            "no standby left to fail over to");
        assertTrue(watch.result("s1", "heartbeat").orElseThrow().success(), "the promoted member writes now");
        assertTrue(watch.value("s1", "pg_heartbeat_delay_seconds").isEmpty());
      }
    }
  }
}
