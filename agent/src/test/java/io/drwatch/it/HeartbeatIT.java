package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Db;
import io.drwatch.collect.Sample;
import io.drwatch.collect.postgres.PgHeartbeat;
import io.drwatch.config.AgentConfig;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.SandboxConfig;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sandbox.PgSandbox;
import io.drwatch.target.ConnectionPool;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import com.typesafe.config.ConfigFactory;
import io.drwatch.collect.postgres.PgHeartbeatClocks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The opt-in heartbeat on a real primary with a synchronous and an asynchronous standby, as the
 * pg_monitor role with exactly the grants of config/heartbeat.sql: written on the primary, read
 * back on each standby, never waiting for a missing synchronous standby, never written on a standby.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeartbeatIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private PgSandbox pg;
  private Watch watch;

  static Path shipped(String file) {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.isRegularFile(dir.resolve("config").resolve(file))) {
      dir = dir.getParent();
    }
    return dir.resolve("config").resolve(file);
  }

  static AgentConfig config(PgSandbox pg, String heartbeatOptions) {
    return SandboxConfig.of(pg, "defaults { interval = 10s, timeout = 3s, connect-timeout = 2s }",
        "collectors { heartbeat { enabled = true, timeout = " + HEARTBEAT_TIMEOUT.toSeconds() + "s"
            + heartbeatOptions + " } }");
  }

  @BeforeAll
  void start() throws Exception {
    pg = Clusters.primaryWithSyncAndAsync(Clusters.defaultMajor());
    pg.primary().sql(Files.readString(shipped("heartbeat.sql")));
    watch = new Watch(config(pg, ""));
  }

  @AfterAll
  void stop() {
    if (watch != null) {
      watch.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private CollectorResult heartbeat(String target) {
    watch.run(target, "heartbeat");
    return watch.result(target, "heartbeat").orElseThrow();
  }

  @Test
  void writtenOnThePrimaryAndReadBackOnEveryStandbyWhileOtherwiseIdle() {
    double before = System.currentTimeMillis() / 1000.0;
    CollectorResult p = heartbeat("primary");
    assertTrue(p.success(), p.error());
    double written = watch.require("primary", "pg_heartbeat_timestamp_seconds");
    assertTrue(written >= before && written <= System.currentTimeMillis() / 1000.0, "agent clock: " + written);
    assertTrue(watch.value("primary", "pg_heartbeat_delay_seconds").isEmpty(), "no delay on the primary");
    assertEquals(String.valueOf((long) written), pg.primary().sql(
        "SELECT floor(extract(epoch FROM written_at))::bigint FROM drwatch.heartbeat WHERE agent = '"
            + new PgHeartbeat().agent().replace("'", "''") + "'"));
    for (String standby : List.of("sync1", "async1")) {
      double seen = watch.await(standby, "heartbeat", "pg_heartbeat_timestamp_seconds", v -> v >= written, WAIT);
      assertEquals(written, seen, 1e-6, standby + " replayed the row the agent wrote");
      double delay = watch.require(standby, "pg_heartbeat_delay_seconds");
      assertTrue(delay >= 0 && delay < 30, standby + " delay " + delay);
    }
    // nothing else writes; the heartbeat alone keeps the standbys' view moving, a second later
    Await.elapse(Duration.ofMillis(1100), "the next heartbeat a second later");
    heartbeat("primary");
    double next = watch.require("primary", "pg_heartbeat_timestamp_seconds");
    assertTrue(next > written);
    assertEquals(next, watch.await("async1", "heartbeat", "pg_heartbeat_timestamp_seconds", v -> v >= next, WAIT), 1e-6);
  }

  @Test
  void itsOwnSessionIsWritableNamedAndBoundedAndThePoolStaysReadOnly() throws Exception {
    assertTrue(heartbeat("primary").success());
    watch.run("primary", "wal");
    String sessions = pg.primary().sql("SELECT string_agg(application_name || ':' || backend_type, ',' "
        + "ORDER BY application_name) FROM pg_stat_activity WHERE usename = 'drwatch'");
    assertTrue(sessions.contains("drwatch-heartbeat:client backend"), sessions);
    assertEquals("1", pg.primary().sql(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'drwatch-heartbeat'"), "one connection");
    try (ConnectionPool writer = ConnectionPool.writer(watch.config().targets().get(0), watch.config().defaults(),
        HEARTBEAT_TIMEOUT); Connection c = writer.borrow()) {
      var r = new Db(c, HEARTBEAT_TIMEOUT).queryOne("SELECT current_setting('default_transaction_read_only') AS ro, "
          + "current_setting('synchronous_commit') AS sc, current_setting('statement_timeout') AS st, "
          + "current_setting('lock_timeout') AS lt, current_setting('application_name') AS app").orElseThrow();
      assertEquals("off", r.string("ro"), "the role's default_transaction_read_only=on is overridden here only");
      assertEquals("local", r.string("sc"));
      assertEquals("10s", r.string("st"));
      assertEquals("1s", r.string("lt"));
      assertEquals("drwatch-heartbeat", r.string("app"));
    }
  }

  @Test
  void theWriteNeverWaitsForAMissingSynchronousStandby() throws Exception {
    pg.standby("sync1").stop();
    CompletableFuture<Void> control = null;
    try {
      watch.await("primary", "sync_replication", "pg_replication_commits_would_block", v -> v == 1, WAIT);
      // control: an ordinary commit now waits in SyncRep (statement_timeout does not end that wait)
      control = CompletableFuture.runAsync(() -> {
        try (Connection c = pg.primary().connect(); Statement st = c.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS hb_control (i int)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      watch.await("primary", "sync_replication", "pg_replication_syncrep_waiting_sessions", v -> v >= 1, WAIT);
      assertFalse(control.isDone(), "an ordinary commit blocks");

      double before = watch.value("primary", "pg_heartbeat_timestamp_seconds").orElse(0.0);
      CollectorResult r = heartbeat("primary");
      System.out.printf("with the sync standby gone: an ordinary commit waits, the heartbeat took %.0f ms%n",
          r.durationSeconds() * 1000);
      assertTrue(r.success(), r.error());
      assertTrue(r.durationSeconds() < HEARTBEAT_TIMEOUT.toSeconds() / 2.0,
          "committed locally, not after a cancel at the " + HEARTBEAT_TIMEOUT + " timeout: " + r.durationSeconds());
      double written = watch.require("primary", "pg_heartbeat_timestamp_seconds");
      assertTrue(written > before);
      assertEquals("0", pg.primary().sql("SELECT count(*) FROM pg_stat_activity "
          + "WHERE application_name = 'drwatch-heartbeat' AND wait_event = 'SyncRep'"));
      assertEquals(written, watch.await("async1", "heartbeat", "pg_heartbeat_timestamp_seconds",
          v -> v >= written, WAIT), 1e-6, "the asynchronous standby still gets it");
      assertFalse(control.isDone(), "the control commit still waits: the sync standby really is missing");
    } finally {
      pg.standby("sync1").start();
    }
    pg.waitStreaming(WAIT);
    control.get(60, TimeUnit.SECONDS);
  }

  @Test
  void neverWrittenOnAStandbyWhateverAnEarlierProbeSaid() throws Exception {
    var standbyTarget = watch.config().targets().stream().filter(t -> t.name().equals("async1")).findFirst()
        .orElseThrow();
    // a stale probe result claiming the standby is a primary
    ServerInfo stale = new ServerInfo(Flavor.POSTGRESQL, 170000, "17", false, 1L, "x", 1.0, true, Set.of());
    try (ConnectionPool writer = ConnectionPool.writer(standbyTarget, watch.config().defaults(), HEARTBEAT_TIMEOUT);
        Connection c = writer.borrow()) {
      List<Sample> samples = new PgHeartbeat().collect(new Db(c, HEARTBEAT_TIMEOUT), stale);
      assertEquals(List.of("pg_heartbeat_timestamp_seconds", "pg_heartbeat_delay_seconds"),
          samples.stream().map(s -> s.family().name()).toList(), "the read path: recovery decided in the session");
    }
    assertTrue(heartbeat("async1").success());
  }

  @Test
  void aMissingTableOrGrantSaysWhatToDo() throws Exception {
    pg.primary().sql("CREATE TABLE IF NOT EXISTS drwatch.no_grant (agent text PRIMARY KEY, written_at timestamptz)");
    pg.primary().sql("CREATE TABLE IF NOT EXISTS drwatch.one_row (id int PRIMARY KEY, written_at timestamptz)");
    pg.primary().sql("GRANT SELECT, INSERT, UPDATE ON drwatch.one_row TO drwatch");
    for (String[] c : new String[][] {
        {"drwatch.nope", "heartbeat table drwatch.nope does not exist; create it with config/heartbeat.sql"},
        {"drwatch.no_grant", "no privilege on heartbeat table drwatch.no_grant; grant SELECT, INSERT, UPDATE on it"},
        {"drwatch.one_row", "heartbeat table drwatch.one_row has no agent key (the one-row layout of earlier "
            + "versions); drop it and create it again with config/heartbeat.sql"}}) {
      try (Watch other = new Watch(config(pg, ", table = \"" + c[0] + "\""))) {
        other.run("primary", "heartbeat");
        CollectorResult r = other.result("primary", "heartbeat").orElseThrow();
        assertFalse(r.success());
        assertTrue(r.error().startsWith(c[1]), r.error());
      }
    }
  }

  /**
   * Two agents, one with its clock 30 s behind, both writing heartbeats through the same primary:
   * each reads back only its own row on the standby, so the other's clock never reads as delay.
   */
  @Test
  void twoAgentsWithSkewedClocksEachReadTheirOwnDelay() throws Exception {
    var primary = watch.config().targets().stream().filter(t -> t.name().equals("primary")).findFirst().orElseThrow();
    var standby = watch.config().targets().stream().filter(t -> t.name().equals("async1")).findFirst().orElseThrow();
    PgHeartbeat east = (PgHeartbeat) new PgHeartbeat().configure(ConfigFactory.parseString("agent = east"));
    PgHeartbeat west = PgHeartbeatClocks.skewed("west", Duration.ofSeconds(-30));
    ServerInfo asPrimary = new ServerInfo(Flavor.POSTGRESQL, 170000, "17", false, 1L, "x", 1.0, true, Set.of());
    ServerInfo asStandby = new ServerInfo(Flavor.POSTGRESQL, 170000, "17", true, 1L, "x", 1.0, true, Set.of());
    try (ConnectionPool p = ConnectionPool.writer(primary, watch.config().defaults(), HEARTBEAT_TIMEOUT);
        ConnectionPool s = ConnectionPool.writer(standby, watch.config().defaults(), HEARTBEAT_TIMEOUT)) {
      double eastWrote;
      try (Connection c = p.borrow()) {
        eastWrote = east.collect(new Db(c, HEARTBEAT_TIMEOUT), asPrimary).get(0).value();
        west.collect(new Db(c, HEARTBEAT_TIMEOUT), asPrimary); // written after east's, 30 s "older"
      }
      assertEquals("2", pg.primary().sql("SELECT count(*) FROM drwatch.heartbeat WHERE agent IN ('east', 'west')"));
      double[] delay = Await.until("east's and west's rows replayed, east's newest write included", WAIT,
          Duration.ofMillis(100), () -> {
            try (Connection c = s.borrow()) {
              List<Sample> e = east.collect(new Db(c, HEARTBEAT_TIMEOUT), asStandby);
              List<Sample> w = west.collect(new Db(c, HEARTBEAT_TIMEOUT), asStandby);
              return e.size() == 2 && w.size() == 2 && e.get(0).value() >= eastWrote
                  ? new double[] {e.get(1).value(), w.get(1).value()} : null;
            }
          }, d -> d != null, d -> "not yet");
      System.out.printf("two agents, west's clock 30 s behind: east reads delay %.3f s, west %.3f s%n",
          delay[0], delay[1]);
      assertTrue(delay[0] < 5, "east reads its own row, not west's 30 s old clock: " + delay[0]);
      assertTrue(delay[1] < 5, "west measures against its own clock: " + delay[1]);
    }
  }

  @Test
  void theExpositionIsValid() throws Exception {
    watch.round();
    assertEquals("", Promtool.checkMetrics(watch.exposition()));
  }

}
