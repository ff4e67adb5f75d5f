package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.SandboxConfig;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The archive layer on a real primary (no standby, autovacuum off so nothing but the test writes):
 * idle without archive_timeout, the unarchived span stops growing when the writes stop; with an
 * archive_command that hangs (no failure is ever counted) the layer reads unhealthy once the
 * oldest .ready file is older than the cluster's archive-ready-max-age.
 */
class ArchiveLayerIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int READY_MAX_AGE = 5;

  private static double archive(Watch watch, String family) throws Exception {
    String text = watch.exposition();
    return Series.value(text, family, "cluster", "c1", "layer", "archive")
        .orElseThrow(() -> new AssertionError("no " + family + " for the archive layer in\n" + text));
  }

  @Test
  void idleItsSpanStopsGrowingAndAHungCommandMakesItUnhealthy() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
        Watch watch = new Watch(SandboxConfig.of(pg, "defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }\n"
            + " clusters { c1 { archive-ready-max-age = " + READY_MAX_AGE + "s } }", ""))) {
      pg.primary().sql("ALTER SYSTEM SET autovacuum = off");
      pg.primary().sql("SELECT pg_reload_conf()");
      pg.write(100);
      pg.primary().sql("SELECT pg_switch_wal()");
      watch.await("primary", "archiver", "pg_archiver_ready_files", v -> v == 0, WAIT);
      pg.write(1); // a last commit, then nothing: it stays out of the archive
      // PostgreSQL's background writer logs a running-xacts record up to 15 s after activity
      // (LOG_SNAPSHOT_INTERVAL_MS); after it the WAL stays still. No signal says it was written.
      Await.elapse(Duration.ofSeconds(16), "past the running-xacts record the server logs after activity");
      watch.round();
      double bytes = archive(watch, "drwatch_cluster_rpo_estimate_bytes");
      double first = archive(watch, "drwatch_cluster_rpo_estimate_seconds");
      Await.elapse(Duration.ofSeconds(10), "idle for 10 s: the span at risk must not grow meanwhile");
      watch.round();
      double later = archive(watch, "drwatch_cluster_rpo_estimate_seconds");
      System.out.printf("idle primary, %.0f B unarchived: archive layer %.1f s, 10 s later %.1f s%n", bytes, first, later);
      assertTrue(bytes > 0, "the last commit is not archived");
      assertTrue(later - first < 5, "nothing was written: the span at risk must not grow, " + first + " -> " + later);
      assertEquals(1, archive(watch, "drwatch_cluster_rpo_layer_healthy"));

      // archive_command hangs: it never fails, the segment's .ready file just ages
      pg.primary().sql("ALTER SYSTEM SET archive_command = 'sleep 600'");
      pg.primary().sql("SELECT pg_reload_conf()");
      pg.write(100);
      pg.primary().sql("SELECT pg_switch_wal()");
      watch.await("primary", "archiver", "pg_archiver_ready_files", v -> v >= 1, WAIT);
      Await.elapse(Duration.ofSeconds(READY_MAX_AGE + 2), "the .ready file ages past archive-ready-max-age");
      watch.round();
      double failed = watch.require("primary", "pg_archiver_failed_total");
      double healthy = archive(watch, "drwatch_cluster_rpo_layer_healthy");
      System.out.printf("archive_command hung %d s: failures counted %.0f, failing %.0f, archive layer healthy %.0f%n",
          READY_MAX_AGE + 2, failed, watch.require("primary", "pg_archiver_failing"), healthy);
      assertEquals(0, failed, "a hang is no failure");
      assertEquals(0, healthy, "the oldest .ready file is older than archive-ready-max-age");
    }
  }
}
