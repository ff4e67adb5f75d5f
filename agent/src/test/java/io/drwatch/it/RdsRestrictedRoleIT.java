package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.LogCapture;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.TargetStatus;
import io.drwatch.sandbox.PgSandbox;
import io.drwatch.target.ManagedService;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An RDS-like restricted role on a real primary and standby: no superuser, pg_monitor only, the
 * RDS marker ({@code rds.extensions}, which RDS sets), the service's {@code rdsadmin} database,
 * and functions revoked as a managed service revokes them (GRANT cannot give them back there):
 * {@code pg_ls_waldir()}, {@code pg_ls_archive_statusdir()} and {@code pg_stat_get_wal()}. It
 * must run clean: the targets up as {@code rds}, no collector failing round after round, one log
 * line per skipped collector. The same revocations for a role on the same servers that is not on
 * a managed service are failures, as they should be (the operator can fix them).
 */
class RdsRestrictedRoleIT {

  private static final String RDS_ROLE = "rds_monitor";
  private static final String PLAIN_ROLE = "plain_monitor";

  private static AgentConfig config(PgSandbox pg, String role) {
    StringBuilder b = new StringBuilder("drwatch {\n defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }\n"
        + " custom-collectors { database_seen { sql = \"SELECT 1 AS one\", databases = all,\n"
        + "   metrics { one { name = it_database_seen, help = \"1 per database reached.\" } } } }\n targets = [\n");
    for (var n : pg.nodes()) {
      b.append("  { name = \"").append(n.name()).append("\", url = \"").append(n.jdbcUrl()).append("\", user = \"")
          .append(role).append("\", no-password = true, databases = all, labels { cluster = \"rds\" } }\n");
    }
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(b.append(" ]\n}\n").toString(), "rds-it.conf");
  }

  @Test
  void aRestrictedRoleOnRdsRunsCleanAndTheSameOnASelfManagedServerFails() {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).standby("replica", PgSandbox.Sync.ASYNC).start()) {
      for (String s : List.of(
          "CREATE ROLE " + RDS_ROLE + " LOGIN IN ROLE pg_monitor",
          "CREATE ROLE " + PLAIN_ROLE + " LOGIN IN ROLE pg_monitor",
          "ALTER ROLE " + RDS_ROLE + " SET rds.extensions = 'pg_stat_statements,pgcrypto,postgis,aws_commons'",
          "CREATE DATABASE rdsadmin",
          "REVOKE EXECUTE ON FUNCTION pg_ls_waldir() FROM PUBLIC, pg_monitor",
          "REVOKE EXECUTE ON FUNCTION pg_ls_archive_statusdir() FROM PUBLIC, pg_monitor",
          "REVOKE EXECUTE ON FUNCTION pg_stat_get_wal() FROM PUBLIC")) {
        pg.primary().sql(s);
      }
      pg.write(10);
      pg.waitStreaming(java.time.Duration.ofSeconds(30));
      // the standby replays the roles and revocations before it is watched
      String written = pg.primary().sql("SELECT pg_current_wal_lsn()");
      Await.until("the replica replaying the primary's roles and revocations (up to " + written + ")",
          java.time.Duration.ofSeconds(30), () -> pg.standby("replica").sql(
              "SELECT pg_last_wal_replay_lsn() >= '" + written + "'::pg_lsn"), "t"::equals);

      try (LogCapture logs = new LogCapture(); Watch w = new Watch(config(pg, RDS_ROLE))) {
        for (int i = 0; i < 3; i++) {
          w.round();
        }
        for (TargetStatus t : w.cache().view().targets()) {
          assertTrue(t.up(), t.name() + ": " + t.lastError());
          assertEquals(ManagedService.RDS, t.server().managed(), t.name());
        }
        List<CollectorResult> results = w.cache().view().results();
        results.forEach(r -> assertTrue(r.success(), r.target() + " " + r.collector() + ": " + r.error()));
        for (String t : List.of("primary", "replica")) {
          assertEquals(java.util.Set.of("wal"), w.sampler(t).skippedCollectors(), t);
          assertEquals(1, logs.count("target " + t + " collector wal skipped: rds does not allow it"), logs.text());
          assertFalse(w.sampler(t).databases().contains("rdsadmin"), w.sampler(t).databases().toString());
          assertTrue(w.value(t, "it_database_seen", "datname", "rdsadmin").isEmpty());
          assertTrue(w.value(t, "pg_database_size_bytes", "database", "rdsadmin").isEmpty());
          assertTrue(w.value(t, "pg_database_xact_commits_total", "database", "rdsadmin").isEmpty());
        }
        // WAL positions still come from the probe and the replication collector, not from pg_stat_wal.
        assertTrue(w.value("primary", "pg_replication_standbys_connected").orElse(0.0) >= 1, w.describe("primary"));
        assertTrue(w.value("primary", "pg_archiver_archived_total").isPresent(), "archiver without its .ready backlog");
        assertEquals(1, logs.count("target primary collector archiver: pg_ls_archive_statusdir() is not allowed "
            + "for this role (rds revokes it"), logs.text());
      }

      try (Watch w = new Watch(config(pg, PLAIN_ROLE))) {
        w.round().round();
        assertEquals(ManagedService.NONE, w.sampler("primary").server().managed());
        CollectorResult wal = w.result("primary", "wal").orElseThrow();
        assertFalse(wal.success(), "self-managed: a revoked function is a failure to fix, not a rule to skip");
        assertTrue(wal.error().contains("42501"), wal.error());
        assertTrue(w.sampler("primary").databases().contains("rdsadmin"), "not a service database here");
      }
    }
  }
}
