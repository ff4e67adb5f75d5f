package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A standby with recovery_min_apply_delay replays at the primary's write rate, shifted by the
 * delay; promotion skips the delay and replays what it holds at full speed. Its catch-up estimate
 * must come from a real replay speed (a peer's, measured while draining a backlog), not from its
 * throttled movement, and is checked against the time a real promotion of it takes.
 */
class DelayedStandbyRtoIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int DELAY_SECONDS = 8;

  private static double catchup(Watch watch, String target) throws Exception {
    String text = watch.exposition(); // the derivation runs, and measures replay rates, here
    return Series.value(text, "drwatch_standby_catchup_estimate_seconds", "target", target)
        .orElseThrow(() -> new AssertionError("no catch-up for " + target + " in\n" + text));
  }

  private static void sample(Watch watch) throws Exception {
    watch.run("delayed1", "standby");
    watch.run("async1", "standby");
    watch.exposition();
  }

  @Test
  void aDelayedStandbysCatchUpIsItsBacklogAtFullSpeedNotAtTheWriteRate() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("async1", PgSandbox.Sync.ASYNC).standby("delayed1", PgSandbox.Sync.ASYNC).start();
        Watch watch = Watch.sandbox(pg)) {
      pg.standby("delayed1").sql("ALTER SYSTEM SET recovery_min_apply_delay = '" + DELAY_SECONDS + "s'");
      pg.standby("delayed1").sql("SELECT pg_reload_conf()");
      watch.round();
      watch.await("delayed1", "settings", "pg_settings_recovery_min_apply_delay_seconds",
          v -> v == DELAY_SECONDS, WAIT);

      // A steady workload for longer than the delay: the delayed standby replays at the write rate.
      for (int i = 0; i < 2 * DELAY_SECONDS + 4; i++) {
        pg.write(300);
        Await.elapse(Duration.ofMillis(500), "the workload's pace: 600 rows a second");
        pg.write(300);
        Await.elapse(Duration.ofMillis(500), "the workload's pace: 600 rows a second");
        sample(watch);
      }
      // async1 drains a real backlog once: its replay speed is measured.
      pg.standby("async1").sql("SELECT pg_wal_replay_pause()");
      try {
        pg.write(300_000);
        watch.await("async1", "standby", "pg_standby_replay_lag_bytes", v -> v > 20_000_000, WAIT);
        sample(watch);
      } finally {
        pg.standby("async1").sql("SELECT pg_wal_replay_resume()");
      }
      long drainStart = System.nanoTime();
      do {
        sample(watch);
      } while (watch.require("async1", "pg_standby_replay_lag_bytes") > 0
          && System.nanoTime() - drainStart < WAIT.toNanos());

      // delayed1 now holds the burst, unreplayed for DELAY_SECONDS.
      double backlog = watch.await("delayed1", "standby", "pg_standby_replay_lag_bytes", v -> v > 20_000_000, WAIT);
      sample(watch);
      double estimate = catchup(watch, "delayed1");
      long t0 = System.nanoTime();
      pg.standby("delayed1").promote();
      double truth = (System.nanoTime() - t0) / 1e9;
      System.out.printf("delayed standby (%d s): backlog %.0f B, catch-up estimate %.2f s, real promotion %.2f s%n",
          DELAY_SECONDS, backlog, estimate, truth);
      assertTrue(estimate <= 3 * truth + 2, "estimate " + estimate + " s against a promotion of " + truth + " s");
      assertTrue(estimate >= truth / 3 - 0.5, "estimate " + estimate + " s against a promotion of " + truth + " s");
    }
  }
}
