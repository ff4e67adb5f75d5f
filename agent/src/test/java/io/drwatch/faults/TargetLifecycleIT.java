package io.drwatch.faults;

import static io.drwatch.faults.FaultRig.collector;
import static io.drwatch.faults.FaultRig.has;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.LogCapture;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A target's life as the agent sees it, on one real server: down at start-up, up, killed, back;
 * a wrong password (said clearly, never shown); the database a target points at dropped and
 * recreated. /metrics answers within the bound throughout, and threads and sessions stay bounded.
 */
class TargetLifecycleIT {

  private static final String PASSWORD = "Wr0ng-Pa55word-xyz";
  private static final Duration WAIT = Duration.ofSeconds(45);

  @Test
  void downAtStartKilledRestartedWrongPasswordDroppedDatabase() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
        LogCapture log = new LogCapture()) {
      PgNode p = pg.primary();
      p.sql("CREATE ROLE pwuser LOGIN PASSWORD 'right-one' IN ROLE pg_monitor");
      p.sql("CREATE DATABASE doomed");
      Path hba = p.dataDir().resolve("pg_hba.conf");
      Files.writeString(hba, "host all pwuser 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
      p.sql("SELECT pg_reload_conf()");
      p.stop();

      String defaults = "interval = 1s, timeout = 1s, connect-timeout = 1s, max-connections = 2";
      String hocon = FaultRig.hocon(defaults,
          FaultRig.target("pg", p.jdbcUrl(), ""),
          "{ name = badpw, url = \"" + p.jdbcUrl() + "\", user = pwuser, password-env = PW, labels { cluster = c2 } }\n",
          FaultRig.target("doomed", p.jdbcUrl("doomed"), ""));
      int threads0 = FaultRig.threads();
      try (FaultRig rig = FaultRig.start(hocon, Map.of("PW", PASSWORD))) {
        // Down at start-up: the agent starts, answers, and says so.
        String down = rig.metrics();
        assertTrue(has(down, "drwatch_target_up", "pg", "0"), down);
        assertTrue(has(down, "drwatch_target_up", "doomed", "0"), down);
        int threadsStarted = FaultRig.threads();

        p.start();
        String up = rig.await("up after start", b -> has(b, "drwatch_target_up", "pg", "1")
            && has(b, "drwatch_target_up", "doomed", "1") && b.contains("pg_wal_lsn_bytes{target=\"pg\"}"), WAIT);
        assertTrue(has(up, "drwatch_target_up", "badpw", "0"), "wrong password is not up");

        // Wrong password: a clear line naming the cause, and the password nowhere.
        rig.await("badpw logged", b -> log.text().contains("password authentication failed"), WAIT);
        assertTrue(log.text().lines().anyMatch(l -> l.contains("badpw") && l.contains("password authentication failed")),
            "the log names the target and the cause");
        assertFalse(log.text().contains(PASSWORD), "password in the log");
        assertFalse(rig.metrics().contains(PASSWORD), "password in /metrics");
        assertFalse(rig.scrape("/api/targets").body().contains(PASSWORD), "password in /api/targets");
        assertTrue(rig.scrape("/api/targets").body().contains("password authentication failed"));

        // Killed mid-run (SIGKILL of the postmaster, no shutdown) and restarted.
        p.kill();
        rig.await("down after kill", b -> has(b, "drwatch_target_up", "pg", "0")
            && !b.contains("pg_wal_lsn_bytes{target=\"pg\"}"), WAIT);
        p.start();
        rig.await("up after restart", b -> has(b, "drwatch_target_up", "pg", "1")
            && collector(b, "pg", "wal", "1"), WAIT);

        // The database a target points at is dropped (its sessions forced out), then recreated.
        p.sql("DROP DATABASE doomed WITH (FORCE)");
        String dropped = rig.await("doomed down", b -> has(b, "drwatch_target_up", "doomed", "0"), WAIT);
        assertTrue(has(dropped, "drwatch_target_up", "pg", "1"), "the other target is unaffected");
        rig.awaitPath("/api/targets", "the reason is given", b -> b.contains("\\\"doomed\\\" does not exist"), WAIT);
        p.sql("CREATE DATABASE doomed");
        rig.await("doomed back", b -> has(b, "drwatch_target_up", "doomed", "1")
            && collector(b, "doomed", "wal", "1"), WAIT);

        // Nothing leaked: sessions within the pools (2 per target, two targets on this server), threads flat.
        int sessions = FaultRig.sessions(p);
        System.out.printf("lifecycle: threads before %d, started %d, end %d; drwatch sessions %d%n",
            threads0, threadsStarted, FaultRig.threads(), sessions);
        assertTrue(sessions <= 4, "sessions " + sessions);
        FaultRig.assertThreadsBounded(threadsStarted, "after the lifecycle");
      }
    }
  }
}
