package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Db;
import io.drwatch.config.AgentConfig;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import io.drwatch.target.ConnectionPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The agent is a good guest: every session it opens is bounded, read-only and named. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionGuardsIT {

  private PgSandbox pg;
  private AgentConfig config;
  private ConnectionPool pool;

  @BeforeAll
  void start() {
    pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
    config = Watch.config(pg, ", lock-timeout = 700ms");
    pool = new ConnectionPool(config.targets().get(0), config.defaults(), Duration.ofSeconds(2));
  }

  @AfterAll
  void stop() {
    if (pool != null) {
      pool.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void sessionsAreReadOnlyNamedAndCarryTimeouts() throws SQLException {
    try (Connection c = pool.borrow()) {
      Db db = new Db(c, Duration.ofSeconds(2));
      var r = db.queryOne("SELECT current_setting('application_name') AS app, "
          + "current_setting('default_transaction_read_only') AS ro, current_setting('statement_timeout') AS st, "
          + "current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it, "
          + "current_user AS who").orElseThrow();
      assertEquals("drwatch", r.string("app"));
      assertEquals("on", r.string("ro"));
      assertEquals("2s", r.string("st"));
      assertEquals("700ms", r.string("lt"));
      assertEquals("30s", r.string("it"));
      assertEquals(PgSandbox.MONITOR_ROLE, r.string("who"));
      SQLException write = assertThrows(SQLException.class, () -> db.query("CREATE TEMP TABLE x AS SELECT 1 AS i"));
      assertEquals("25006", write.getSQLState(), "read-only transaction");
    }
  }

  @Test
  void aSlowStatementIsCancelledAtItsTimeout() throws SQLException {
    try (Connection c = pool.borrow()) {
      Instant t0 = Instant.now();
      SQLException e = assertThrows(SQLException.class,
          () -> new Db(c, Duration.ofSeconds(1)).query("SELECT pg_sleep(30)"));
      Duration took = Duration.between(t0, Instant.now());
      assertEquals("57014", e.getSQLState(), "query_canceled");
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "cancelled after " + took);
      // the session survives the cancel and serves the next statement
      assertEquals(1L, new Db(c, Duration.ofSeconds(1)).queryOne("SELECT 1 AS one").orElseThrow().lng("one"));
    }
  }

  @Test
  void aHeldLockIsWaitedForNoLongerThanLockTimeout() throws Exception {
    try (Connection holder = pg.primary().connect()) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("LOCK TABLE pg_catalog.pg_class IN ACCESS EXCLUSIVE MODE");
      try (Connection c = pool.borrow()) {
        Instant t0 = Instant.now();
        SQLException e = assertThrows(SQLException.class,
            () -> new Db(c, Duration.ofSeconds(2)).query("SELECT count(*) FROM pg_class"));
        assertEquals("55P03", e.getSQLState(), "lock_not_available, not a hang: " + e.getMessage());
        assertTrue(Duration.between(t0, Instant.now()).toMillis() < 2000);
      } finally {
        holder.rollback();
      }
    }
  }

  @Test
  void thePoolNeverOpensMoreThanItsBound() throws Exception {
    try (Connection a = pool.borrow(); Connection b = pool.borrow()) {
      Instant t0 = Instant.now();
      assertThrows(SQLException.class, pool::borrow, "a third connection must not be opened");
      assertTrue(Duration.between(t0, Instant.now()).toMillis() >= 900, "waited for the connect timeout");
      String count = pg.primary().sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'drwatch'");
      assertEquals("2", count);
    }
  }

  @Test
  void withoutPgMonitorCollectorsSayWhatTheyCannotSeeInsteadOfGuessing() {
    pg.primary().sql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'plain') "
        + "THEN CREATE ROLE plain LOGIN; END IF; END $$");
    String hocon = "drwatch { targets = [ { name = p, url = \"" + pg.primary().jdbcUrl()
        + "\", user = plain, no-password = true } ] }";
    AgentConfig plain = new io.drwatch.config.ConfigLoader(io.drwatch.collect.CollectorRegistry.builtIn().names(),
        System::getenv).loadString(hocon, "plain.conf");
    try (Watch watch = new Watch(plain)) {
      watch.round();
      var sync = watch.result("p", "sync_replication").orElseThrow();
      assertTrue(!sync.success() && sync.error().contains("grant pg_monitor"), String.valueOf(sync.error()));
      // the archiver still reports its counters, but no backlog it cannot see
      assertTrue(watch.result("p", "archiver").orElseThrow().success());
      assertTrue(watch.value("p", "pg_archiver_archived_total").isPresent());
      assertTrue(watch.value("p", "pg_archiver_ready_files").isEmpty());
      assertTrue(watch.result("p", "wal").orElseThrow().success());
    }
  }
}
