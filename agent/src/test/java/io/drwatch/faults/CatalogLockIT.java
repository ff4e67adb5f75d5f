package io.drwatch.faults;

import static io.drwatch.faults.FaultRig.collector;
import static io.drwatch.faults.FaultRig.has;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.sandbox.PgSandbox;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A superuser holds ACCESS EXCLUSIVE on a catalog view a collector reads, pg_replication_slots, in
 * an open transaction. LOCK on a view locks what it reads too, here pg_database: every collector
 * that reads pg_database fails by lock_timeout with the reason, the ones that do not (wal,
 * archiver) keep working, /metrics keeps answering, sessions stay within the pool (new sessions
 * cannot even start while pg_database is locked), and all recover once the lock is released.
 */
class CatalogLockIT {

  @Test
  void lockTimeoutBoundsTheDamageAndTheCollectorRecovers() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start()) {
      String hocon = FaultRig.hocon(
          "interval = 2s, timeout = 2s, connect-timeout = 1s, lock-timeout = 300ms, max-connections = 2",
          FaultRig.target("pg", pg.primary().jdbcUrl(), ""));
      try (FaultRig rig = FaultRig.start(hocon, Map.of())) {
        rig.await("slots ok", b -> collector(b, "pg", "replication_slots", "1") && collector(b, "pg", "wal", "1"),
            Duration.ofSeconds(30));
        int threads0 = FaultRig.threads();
        try (Connection holder = pg.primary().connect(); Statement st = holder.createStatement()) {
          holder.setAutoCommit(false);
          st.execute("LOCK TABLE pg_catalog.pg_replication_slots IN ACCESS EXCLUSIVE MODE");
          String locked = rig.await("replication_slots fails on the lock", b -> collector(b, "pg", "replication_slots", "0"),
              Duration.ofSeconds(30));
          assertTrue(has(locked, "drwatch_target_up", "pg", "1"), "the target stays up");
          // Other collectors keep succeeding across later rounds.
          rig.await("others still run", b -> collector(b, "pg", "wal", "1")
              && collector(b, "pg", "archiver", "1") && collector(b, "pg", "replication_slots", "0"),
              Duration.ofSeconds(10));
          rig.awaitPath("/api/targets", "the reason is given", b -> b.contains("lock timeout"), Duration.ofSeconds(10));
          FaultRig.assertThreadsBounded(threads0, "under the lock");
          assertTrue(FaultRig.sessions(holder) <= 2, "sessions beyond the pool: " + FaultRig.sessions(holder));
          holder.rollback();
        }
        rig.await("all recover", b -> collector(b, "pg", "replication_slots", "1") && collector(b, "pg", "database", "1")
            && collector(b, "pg", "statements", "1"), Duration.ofSeconds(30));
      }
    }
  }
}
