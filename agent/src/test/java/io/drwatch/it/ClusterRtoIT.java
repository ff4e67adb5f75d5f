package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * RTO on a real primary with one standby: replay paused, the backlog and with it the estimated
 * time to a promoted, caught-up standby grow; resumed, it falls back to the promotion overhead.
 */
class ClusterRtoIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final double OVERHEAD = 10.0; // the default promotion-overhead

  private static double rto(Watch watch) throws IOException {
    String text = watch.exposition(); // the derivation runs, and measures the replay rate, here
    return Series.value(text, "drwatch_cluster_rto_estimate_seconds", "cluster", "c1")
        .orElseThrow(() -> new AssertionError("no RTO estimate in\n" + text));
  }

  @Test
  void pausedReplayGrowsTheRtoEstimateAndResumeShrinksIt() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("replica", PgSandbox.Sync.ASYNC).start();
        Watch watch = Watch.sandbox(pg)) {
      watch.round();
      // a standby that is caught up needs no replay rate (the cache holds its latest sample)
      watch.await("replica", "standby", "pg_standby_replay_lag_bytes", v -> v == 0, WAIT);
      assertEquals(OVERHEAD, rto(watch), "caught up: promotion overhead only");
      // replay observed moving between two samples: the standby's replay rate becomes known
      pg.write(3000);
      watch.await("replica", "standby", "pg_standby_replay_lag_bytes", v -> v == 0, WAIT);
      assertEquals(OVERHEAD, rto(watch));
      assertEquals(0.0, Series.value(watch.exposition(), "drwatch_standby_catchup_estimate_seconds",
          "target", "replica").orElseThrow());

      pg.standby("replica").sql("SELECT pg_wal_replay_pause()");
      double rto1;
      double rto2;
      try {
        pg.write(5000);
        double backlog1 = watch.await("replica", "standby", "pg_standby_replay_lag_bytes", v -> v > 200_000, WAIT);
        watch.round();
        rto1 = rto(watch);
        pg.write(5000);
        watch.await("replica", "standby", "pg_standby_replay_lag_bytes", v -> v > backlog1 + 200_000, WAIT);
        watch.round();
        rto2 = rto(watch);
        System.out.printf("RTO estimate: %.2f s caught up, %.2f s then %.2f s while paused%n", OVERHEAD, rto1, rto2);
        assertTrue(rto1 > OVERHEAD && Double.isFinite(rto1), "a backlog to replay: " + rto1);
        assertTrue(rto2 > rto1, "the backlog grew: " + rto1 + " -> " + rto2);
      } finally {
        pg.standby("replica").sql("SELECT pg_wal_replay_resume()");
      }
      watch.await("replica", "standby", "pg_standby_replay_lag_bytes", v -> v == 0, WAIT);
      assertEquals(OVERHEAD, rto(watch), "caught up again");
    }
  }
}
