package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A prepared transaction left behind by a transaction manager outlives the primary: it is in the
 * WAL, and after the standby is promoted it is there again, holding its locks, until someone
 * commits or rolls it back. A hot standby holds it without showing it ({@code pg_prepared_xacts}
 * is empty there until promotion), so the primary's series is the warning that the next primary
 * inherits it. drwatch shows it with when it was prepared, and reads 0 again once it is finished.
 */
class PreparedTransactionsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String COUNT = "pg_prepared_transactions";
  private static final String OLDEST = "pg_prepared_transactions_oldest_timestamp_seconds";

  @Test
  void anOrphanedPreparedTransactionIsShownBeforeAndAfterPromotion() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("s1", PgSandbox.Sync.ASYNC).start();
        Watch watch = Watch.sandbox(pg)) {
      // Needs a restart; a standby must allow at least as many as its primary, so it goes first.
      for (var node : java.util.List.of(pg.standby("s1"), pg.primary())) {
        node.sql("ALTER SYSTEM SET max_prepared_transactions = 5");
        node.stop();
        node.start();
      }
      pg.primary().sql("CREATE TABLE accounts (id int PRIMARY KEY, balance int)");
      pg.primary().sql("INSERT INTO accounts VALUES (1, 100)");
      watch.round();
      assertEquals(0, watch.require("primary", COUNT, "database", "postgres"));
      assertTrue(watch.value("primary", OLDEST).isEmpty(), watch.describe("primary"));

      Instant prepared = Instant.now();
      try (Connection c = pg.primary().connect(); Statement st = c.createStatement()) {
        st.execute("BEGIN");
        st.execute("UPDATE accounts SET balance = balance - 10 WHERE id = 1");
        st.execute("PREPARE TRANSACTION 'transfer-42'");
      }
      // The session is gone; the transaction stays. The standby replays it but does not list it.
      assertEquals(1, watch.await("primary", "prepared_transactions", COUNT, v -> v == 1, WAIT, "database", "postgres"));
      double oldest = watch.require("primary", OLDEST, "database", "postgres");
      assertTrue(Math.abs(oldest - prepared.toEpochMilli() / 1000.0) < 2, "prepared at " + prepared + ", read " + oldest);
      String afterPrepare = pg.primary().sql("SELECT pg_current_wal_lsn()");
      Await.condition("s1 to replay past the PREPARE (" + afterPrepare + ")", WAIT, () -> pg.standby("s1")
          .sql("SELECT pg_last_wal_replay_lsn() >= '" + afterPrepare + "'").equals("t"),
          () -> pg.standby("s1").sql("SELECT pg_last_wal_replay_lsn()"));
      watch.run("s1", "prepared_transactions");
      assertTrue(watch.result("s1", "prepared_transactions").orElseThrow().success());
      assertEquals(0, watch.require("s1", COUNT, "database", "postgres"), "a hot standby does not list it: "
          + watch.describe("s1"));

      // The primary dies and s1 is promoted: the orphan came along, listed now, and holds its row lock.
      pg.primary().kill();
      pg.standby("s1").promote();
      assertEquals(1, watch.await("s1", "prepared_transactions", COUNT, v -> v == 1, WAIT, "database", "postgres"));
      assertEquals(oldest, watch.require("s1", OLDEST, "database", "postgres"), 0.001);
      try (Connection c = pg.standby("s1").connect(); Statement st = c.createStatement()) {
        st.execute("SET lock_timeout = '500ms'");
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
            () -> st.execute("UPDATE accounts SET balance = 0 WHERE id = 1"));
        assertEquals("55P03", e.getSQLState(), "the promoted server's row is locked by the orphan: " + e.getMessage());
        st.execute("ROLLBACK PREPARED 'transfer-42'");
      }
      Await.condition("the series to go once the transaction is rolled back", WAIT, () -> {
        watch.run("s1", "prepared_transactions");
        return watch.value("s1", COUNT, "database", "postgres").orElse(-1.0) == 0
            && watch.value("s1", OLDEST, "database", "postgres").isEmpty();
      }, () -> watch.describe("s1"));
    }
  }
}
