package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.AuroraCatalog;
import io.drwatch.fixture.LogCapture;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.ManagedService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An Aurora-shaped writer and reader end to end (config, pool, detection, collectors, cache,
 * cluster view, exposition) against the {@link AuroraCatalog} <b>fixture</b> — real PostgreSQL
 * answering as AWS documents Aurora PostgreSQL — as a pg_monitor role without superuser. Not
 * Aurora: the lags are the fixture's scenario; what is tested is that drwatch recognises the
 * service before calling any WAL function, reads Aurora's own functions right, skips what Aurora
 * refuses with one line each instead of failing every round, and keeps rdsadmin out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuroraCatalogIT {

  private AuroraCatalog apg;

  @BeforeAll
  void start() {
    apg = AuroraCatalog.start();
  }

  @AfterAll
  void stop() {
    if (apg != null) {
      apg.close();
    }
  }

  private AgentConfig config() {
    String target = "  { name = \"%s\", url = \"%s\", user = \"" + AuroraCatalog.ROLE
        + "\", no-password = true, databases = all, labels { cluster = \"apg\", region = \"us-east-1\" } }\n";
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(
        "drwatch {\n defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }\n"
            // a per-database collector, so that the fan-out runs and shows which databases it reaches
            + " custom-collectors { database_seen { sql = \"SELECT 1 AS one\", databases = all,\n"
            + "   metrics { one { name = it_database_seen, help = \"1 per database reached.\" } } } }\n"
            + " clusters { apg { rpo-objective = 30s } }\n targets = [\n"
            + target.formatted("writer", apg.writer().jdbcUrl())
            + target.formatted("reader", apg.reader().jdbcUrl()) + " ]\n}\n", "aurora-it.conf");
  }

  @Test
  void theFixtureRefusesTheProbeDrwatchUsedToSend() throws SQLException {
    // Before detection existed, the probe called pg_current_wal_lsn() and the writer read down.
    try (Connection c = DriverManager.getConnection(apg.writer().jdbcUrl(), AuroraCatalog.ROLE, "")) {
      SQLException e = assertThrows(SQLException.class,
          () -> c.createStatement().executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())"));
      assertEquals("55000", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("wal_level must be set to 'logical'"), e.getMessage());
      SQLException wal = assertThrows(SQLException.class,
          () -> c.createStatement().executeQuery("SELECT * FROM pg_stat_wal"));
      assertEquals("0A000", wal.getSQLState());
    }
  }

  @Test
  void writerAndReaderAnswerWithReplicaAndCrossRegionRpoAndNoFailingCollector() throws Exception {
    try (LogCapture logs = new LogCapture(); Watch w = new Watch(config())) {
      for (int i = 0; i < 3; i++) {
        w.round();
      }
      for (String t : List.of("writer", "reader")) {
        TargetStatus s = w.cache().view().targets().stream().filter(x -> x.name().equals(t)).findFirst().orElseThrow();
        assertTrue(s.up(), t + " up: " + s.lastError());
        assertEquals(ManagedService.AURORA, s.server().managed(), t);
        assertEquals(s.server().version().split(" ")[0] + ".0", s.server().managedVersion(), t);
        assertEquals(t.equals("writer") ? "primary" : "standby", s.server().role());
      }
      // No collector fails: what Aurora refuses is skipped, once, with one line.
      List<CollectorResult> results = w.cache().view().results();
      results.forEach(r -> assertTrue(r.success(), r.target() + " " + r.collector() + ": " + r.error()));
      Set<String> writerSkipped = w.sampler("writer").skippedCollectors();
      Set<String> readerSkipped = w.sampler("reader").skippedCollectors();
      System.out.println("skipped on the Aurora writer: " + writerSkipped + ", on the reader: " + readerSkipped);
      assertTrue(writerSkipped.containsAll(Set.of("wal", "archiver", "replication_slots")), writerSkipped.toString());
      // Aurora replicates through its storage: no walsender view, so no false "0 standbys".
      assertTrue(w.result("writer", "replication").isEmpty() && w.result("writer", "sync_replication").isEmpty());
      assertTrue(readerSkipped.contains("standby"), readerSkipped.toString());
      for (String c : writerSkipped) {
        assertEquals(1, logs.count("target writer collector " + c + " skipped: aurora does not allow it"),
            c + ":\n" + logs.text());
      }
      assertEquals(0, logs.count("collector failed") + logs.count(" failed: "), logs.text());
      for (String t : List.of("writer", "reader")) {
        for (String c : w.sampler(t).skippedCollectors()) {
          assertTrue(w.result(t, c).isEmpty(), t + " " + c + " leaves no failing result");
        }
      }

      // aurora_replica_status(): the writer has no lag; the readers' lags as the scenario says.
      assertEquals(1, w.require("writer", "aurora_replica_info", "server_id", AuroraCatalog.WRITER,
          "role", "writer", "connected", "true"));
      assertEquals(1, w.require("reader", "aurora_replica_info", "server_id", AuroraCatalog.READER,
          "role", "reader", "connected", "true"));
      assertTrue(w.value("writer", "aurora_replica_lag_seconds", "server_id", AuroraCatalog.WRITER).isEmpty());
      assertEquals(0.0125, w.require("writer", "aurora_replica_lag_seconds", "server_id", AuroraCatalog.READER), 1e-6);
      assertEquals(1.85, w.require("writer", "aurora_replica_lag_seconds", "server_id", AuroraCatalog.LAGGING_READER), 1e-6);
      assertEquals(1, w.require("writer", "aurora_replica_last_transport_error_code", "server_id",
          AuroraCatalog.LAGGING_READER));
      assertTrue(w.value("writer", "aurora_replica_last_update_timestamp_seconds", "server_id",
          AuroraCatalog.WRITER).isEmpty(), "NULL for the connected instance (13.9+)");
      // aurora_global_db_status(): the primary Region has no lag (its -1 is no 0).
      assertEquals(1, w.require("reader", "aurora_global_db_region_info", "aws_region", "us-east-1", "role", "primary"));
      assertTrue(w.value("writer", "aurora_global_db_rpo_lag_seconds", "aws_region", "us-east-1").isEmpty());
      assertEquals(1.2, w.require("writer", "aurora_global_db_rpo_lag_seconds", "aws_region", "us-west-2"), 1e-9);
      assertEquals(5.3, w.require("writer", "aurora_global_db_rpo_lag_seconds", "aws_region", "eu-west-1"), 1e-9);
      assertEquals(0.85, w.require("writer", "aurora_global_db_durability_lag_seconds", "aws_region", "us-west-2"), 1e-9);
      assertEquals(0.057, w.require("writer", "aurora_global_db_instance_visibility_lag_seconds",
          "server_id", "apg-eu-1", "aws_region", "eu-west-1"), 1e-9);

      // rdsadmin is the service's: no fan-out, no statistics, no size.
      assertFalse(w.sampler("writer").databases().contains("rdsadmin"), w.sampler("writer").databases().toString());
      assertTrue(w.sampler("writer").databases().contains("postgres"));
      assertTrue(w.value("writer", "it_database_seen", "database", "rdsadmin").isEmpty());
      assertEquals(1, w.require("writer", "it_database_seen", "database", "postgres"));
      assertTrue(w.value("writer", "pg_database_size_bytes", "database", "rdsadmin").isEmpty());
      assertTrue(w.value("writer", "pg_database_size_bytes", "database", "postgres").isPresent());
      assertTrue(w.value("writer", "pg_database_xact_commits_total", "database", "postgres").isPresent());
      assertTrue(w.value("writer", "pg_database_xact_commits_total", "database", "rdsadmin").isEmpty());
      assertTrue(w.value("writer", "pg_database_frozen_xid_age", "database", "rdsadmin").isEmpty());

      String exposition = w.exposition();
      exposition.lines().filter(l -> l.startsWith("drwatch_cluster_") && l.contains("cluster=\"apg\""))
          .forEach(l -> System.out.println("AuroraCatalogIT: " + l));
      assertTrue(exposition.contains("drwatch_target_up{cluster=\"apg\",target=\"writer\"} 1"), exposition);
      assertTrue(exposition.lines().anyMatch(l -> l.startsWith("drwatch_target_info{") && l.contains("service=\"aurora\"")
          && l.contains("target=\"writer\"")), exposition);
      // The cluster view: the replica layer is the global database's best secondary Region; the
      // archive layer is the service's, said so rather than shown as 0.
      assertTrue(exposition.contains("drwatch_cluster_rpo_estimate_seconds{cluster=\"apg\",layer=\"replica\"} 1.2"),
          exposition);
      assertTrue(exposition.contains("drwatch_cluster_rpo_layer_managed_info{cluster=\"apg\",layer=\"archive\","
          + "service=\"aurora\"} 1"), exposition);
      assertFalse(exposition.contains("layer=\"archive\"} 0"), exposition);
      // Losing the primary Region costs the best secondary's RPO lag; Aurora gives no bytes.
      assertTrue(exposition.contains("drwatch_cluster_region_loss_seconds{cluster=\"apg\",region=\"us-east-1\"} 1.2"),
          exposition);
      assertFalse(exposition.contains("drwatch_cluster_region_loss_bytes{cluster=\"apg\",region=\"us-east-1\"}"));
      assertTrue(exposition.contains("drwatch_cluster_region_survivors{cluster=\"apg\",region=\"us-east-1\"} 2"),
          exposition);
      assertTrue(exposition.contains("drwatch_cluster_region_loss_seconds{cluster=\"apg\",region=\"eu-west-1\"} 0"),
          exposition);
      // One writer, no split brain, although Aurora's instances report no system identifier.
      assertTrue(exposition.contains("drwatch_cluster_primaries{cluster=\"apg\"} 1"), exposition);
      assertTrue(exposition.contains("drwatch_cluster_members_in_recovery{cluster=\"apg\"} 1"), exposition);
    }
  }
}
