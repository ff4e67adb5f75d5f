package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Region loss on a real three-member cluster in two regions: the primary and its synchronous
 * standby {@code near} in eu, the asynchronous standby {@code far} in us, cut off from its
 * upstream so that it lags while near does not. Losing eu must cost exactly what far lacks of the
 * primary's WAL (measured on the servers just before and after drwatch's round: the bound), with
 * far, not the better-placed near, as the survivor; losing us costs nothing; sync replication stays
 * in eu. With far stopped, nothing survives losing eu.
 */
class RegionLossIT {

  private static final Map<String, String> REGIONS = Map.of("primary", "eu", "near", "eu", "far", "us");

  private static AgentConfig config(PgSandbox pg) {
    StringBuilder b = new StringBuilder("drwatch {\n defaults { interval = 1s, timeout = 1s, connect-timeout = 1s }\n"
        + " clusters { c1 { rpo-objective = 30s } }\n targets = [\n");
    for (PgNode n : pg.nodes()) {
      b.append("  { name = \"").append(n.name()).append("\", url = \"").append(n.jdbcUrl())
          .append("\", user = \"").append(PgSandbox.MONITOR_ROLE).append("\", no-password = true, labels { cluster = \"c1\", region = \"")
          .append(REGIONS.get(n.name())).append("\" } }\n");
    }
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(b.append(" ]\n}\n").toString(), "region-it.conf");
  }

  private static double lsn(PgNode node, String expression) throws SQLException {
    try (Connection c = node.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_wal_lsn_diff(" + expression + ", '0/0')::float8")) {
      r.next();
      return r.getDouble(1);
    }
  }

  /** What the standby holds: received or replayed, whichever is further (as the promotion answers count it). */
  private static double held(PgNode standby) throws SQLException {
    return lsn(standby, "greatest(coalesce(pg_last_wal_receive_lsn(), '0/0'), coalesce(pg_last_wal_replay_lsn(), '0/0'))");
  }

  private static Optional<Double> value(String body, String family, String... labels) {
    return Series.value(body, family, labels);
  }

  @Test
  void losingARegionCostsWhatTheBestSurvivorOutsideItLacks() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("near", PgSandbox.Sync.SYNC).standby("far", PgSandbox.Sync.ASYNC).start();
        Watch w = new Watch(config(pg))) {
      PgNode far = pg.standby("far");
      pg.write(1000);
      far.sql("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=1 user=postgres connect_timeout=1'");
      far.sql("ALTER SYSTEM SET restore_command = 'false'");
      far.sql("SELECT pg_reload_conf()");
      Await.until("far no longer streaming", Duration.ofSeconds(30),
          () -> far.sql("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"), "0"::equals);
      Instant cutAt = Instant.now();
      // Writes while drwatch watches, so the writer's position history can date far's position.
      for (int i = 0; i < 5; i++) {
        pg.write(20_000);
        w.round();
        Await.elapse(Duration.ofMillis(500), "the writer's positions half a second apart, so far's position can be dated");
      }
      double farHeld = held(far);
      double before = lsn(pg.primary(), "pg_current_wal_lsn()") - farHeld;
      w.round();
      String body = w.exposition();
      double after = lsn(pg.primary(), "pg_current_wal_lsn()") - held(far);
      double elapsed = Duration.between(cutAt, Instant.now()).toMillis() / 1000.0;

      double eu = value(body, "drwatch_cluster_region_loss_bytes", "cluster", "c1", "region", "eu").orElseThrow(
          () -> new AssertionError("no region loss for eu:\n" + body));
      System.out.printf("RegionLossIT: losing eu: drwatch %.0f B, truth %.0f..%.0f B (far cut off %.1f s)%n",
          eu, before, after, elapsed);
      assertTrue(before > 1_000_000, "far lags by megabytes: " + before);
      assertTrue(eu >= before && eu <= after, "loss " + eu + " within the truth before/after the round: " + before
          + ".." + after);
      double euSeconds = value(body, "drwatch_cluster_region_loss_seconds", "cluster", "c1", "region", "eu")
          .orElseThrow(() -> new AssertionError("no loss in seconds:\n" + body));
      System.out.printf("RegionLossIT: losing eu: drwatch %.2f s of writes, far cut off %.2f s before%n", euSeconds, elapsed);
      assertTrue(euSeconds > 0 && euSeconds <= elapsed + 1, "seconds " + euSeconds + " vs " + elapsed + " s since the cut");
      assertEquals(1.0, value(body, "drwatch_cluster_region_survivor_info", "cluster", "c1", "region", "eu",
          "target", "far").orElse(0.0), body);
      assertEquals(1.0, value(body, "drwatch_cluster_best_promotion_candidate_info", "cluster", "c1",
          "target", "near").orElse(0.0), "near is the best candidate overall, but it shares eu with the writer");
      assertEquals(1.0, value(body, "drwatch_cluster_region_survivors", "cluster", "c1", "region", "eu").orElseThrow());
      // Losing us: the writer survives.
      assertEquals(0.0, value(body, "drwatch_cluster_region_loss_bytes", "cluster", "c1", "region", "us").orElseThrow());
      assertEquals(1.0, value(body, "drwatch_cluster_region_survivor_info", "cluster", "c1", "region", "us",
          "target", "primary").orElse(0.0), body);
      assertEquals(2.0, value(body, "drwatch_cluster_region_survivors", "cluster", "c1", "region", "us").orElseThrow());
      // Commits wait for near, in the writer's region.
      assertEquals(0.0, value(body, "drwatch_cluster_sync_replication_cross_region", "cluster", "c1").orElseThrow(),
          body);
      double commit = value(body, "drwatch_cluster_sync_commit_latency_seconds", "cluster", "c1").orElseThrow();
      assertTrue(commit >= 0 && commit < 1, "sync commit latency within the region: " + commit);

      far.stop();
      w.round();
      String down = w.exposition();
      assertEquals(Double.POSITIVE_INFINITY, value(down, "drwatch_cluster_region_loss_bytes", "cluster", "c1",
          "region", "eu").orElseThrow(), down);
      assertEquals(0.0, value(down, "drwatch_cluster_region_survivors", "cluster", "c1", "region", "eu").orElseThrow());
      assertTrue(Series.parse(down).stream().noneMatch(s -> s.name().equals("drwatch_cluster_region_survivor_info")
          && "eu".equals(s.labels().get("region"))), "no survivor for eu");
      List.of("eu", "us").forEach(r -> assertTrue(value(down, "drwatch_cluster_region_loss_bytes", "cluster", "c1",
          "region", r).isPresent()));
    }
  }
}
