package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.PgBouncer;
import io.drwatch.fixture.Series;
import io.drwatch.sandbox.PgSandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Endpoints through a real pooler: Debian's PgBouncer in transaction pooling mode, one database
 * leading to the primary (writer, with the write probe) and one to the standby (reader). The probe
 * must work there (no startup options, nothing prepared on the server) and leave nothing behind on
 * the pooled server sessions it shares with applications; the reader's standby, paused while the
 * primary commits, reads beyond its max-replay-delay (the DrwatchEndpointReaderLagging condition).
 */
class EndpointPoolerIT {

  @Test
  void writerAndReaderThroughPgBouncerInTransactionMode() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("standby", PgSandbox.Sync.ASYNC).start()) {
      // The write probe's table and grants, exactly as shipped.
      pg.primary().sql(java.nio.file.Files.readString(HeartbeatIT.shipped("endpoint-probe.sql")));
      try (PgBouncer bouncer = PgBouncer.start(pg.primary().port(), pg.standby("standby").port(), PgSandbox.MONITOR_ROLE);
          Agent agent = Agent.start(new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get)
              .loadString("""
                  drwatch {
                    http { host = "127.0.0.1", port = 0 }
                    defaults { interval = 1s, timeout = 1s, connect-timeout = 1s }
                    targets = [
                      { name = "pg-a", url = "%s", user = "drwatch", no-password = true, labels { cluster = "main" } }
                      { name = "pg-b", url = "%s", user = "drwatch", no-password = true, labels { cluster = "main" } }
                    ]
                    endpoints = [
                      { name = "pool-writer", url = "jdbc:postgresql://127.0.0.1:%d/postgres", cluster = "main",
                        expect = writer, user = "drwatch", no-password = true, write-probe = true }
                      { name = "pool-reader", url = "jdbc:postgresql://127.0.0.1:%d/replica", cluster = "main",
                        expect = reader, max-replay-delay = 3s, user = "drwatch", no-password = true }
                    ]
                  }
                  """.formatted(pg.primary().jdbcUrl(), pg.standby("standby").jdbcUrl(), bouncer.port(), bouncer.port()),
                  "pooler.conf"), CollectorRegistry.builtIn())) {
        String x = await(agent, "both endpoints matched to their members", e ->
            is(e, "drwatch_endpoint_reaches_primary", 1, "endpoint", "pool-writer")
                && is(e, "drwatch_endpoint_reaches_primary", 0, "endpoint", "pool-reader")
                && Series.value(e, "drwatch_endpoint_standby_replay_delay_seconds", "endpoint", "pool-reader").isPresent());
        assertEquals(1.0, value(x, "drwatch_endpoint_writable", "endpoint", "pool-writer"));
        assertEquals(0.0, value(x, "drwatch_endpoint_writable", "endpoint", "pool-reader"));
        assertEquals(1.0, value(x, "drwatch_endpoint_member_info", "endpoint", "pool-writer", "target", "pg-a"));
        assertEquals(1.0, value(x, "drwatch_endpoint_member_info", "endpoint", "pool-reader", "target", "pg-b"));
        assertEquals(1.0, value(x, "drwatch_endpoint_dns_info", "endpoint", "pool-writer", "address", "127.0.0.1"));
        assertTrue(Series.value(x, "drwatch_endpoint_dns_ttl_seconds", "endpoint", "pool-writer").isEmpty(),
            "a literal address has no TTL");
        assertTrue(value(x, "drwatch_endpoint_standby_replay_delay_seconds", "endpoint", "pool-reader")
            <= value(x, "drwatch_endpoint_max_replay_delay_seconds", "endpoint", "pool-reader"));
        assertTrue(value(x, "drwatch_endpoint_first_query_seconds", "endpoint", "pool-writer") > 0);
        assertEquals("pool-writer", pg.primary().sql("SELECT string_agg(endpoint, ',') FROM drwatch.endpoint_probe"),
            "the write probe wrote its one row through the pooler");

        // The pooled server sessions the probes used carry no setting of theirs into the next client's transaction:
        // one more whole probe of each endpoint (a later one started, so it ended) returned its session first.
        for (String endpoint : new String[] {"pool-writer", "pool-reader"}) {
          double t = System.currentTimeMillis() / 1000.0;
          double started = lastProbe(agent, endpoint, t);
          lastProbe(agent, endpoint, started);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + bouncer.port()
                + "/postgres?prepareThreshold=0", "drwatch", "");
            Statement st = c.createStatement()) {
          for (String setting : new String[] {"statement_timeout", "lock_timeout", "synchronous_commit"}) {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('" + setting + "') = reset_val AS same, "
                + "current_setting('" + setting + "') AS now FROM pg_settings WHERE name = '" + setting + "'")) {
              rs.next();
              assertTrue(rs.getBoolean("same"), setting + " left at " + rs.getString("now") + " on a pooled session");
            }
          }
        }
        // The reader's standby falls behind: replay paused while the primary commits.
        pg.standby("standby").sql("SELECT pg_wal_replay_pause()");
        String lagging = Await.until("the reader's standby more than max-replay-delay (3 s) behind, the primary committing",
            Duration.ofSeconds(8), Duration.ofMillis(250), () -> {
              pg.primary().sql("INSERT INTO drwatch.endpoint_probe VALUES ('app-" + System.nanoTime() + "', now())");
              return Exposition.text(agent.snapshots().collect());
            }, e -> Series.value(e, "drwatch_endpoint_standby_replay_delay_seconds", "endpoint", "pool-reader")
                .orElse(0.0) > 3, e -> Exposition.only(e, "drwatch_endpoint_"));
        assertEquals(0.0, value(lagging, "drwatch_endpoint_reaches_primary", "endpoint", "pool-reader"));
        pg.standby("standby").sql("SELECT pg_wal_replay_resume()");

        String sessions = pg.primary().sql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'drwatch' "
            + "AND application_name = 'drwatch-endpoint'");
        assertTrue(Integer.parseInt(sessions) <= 2, "at most the pool's 2 server sessions: " + sessions);
      }
    }
  }

  private static boolean is(String exposition, String name, double v, String... labels) {
    return Series.value(exposition, name, labels).map(x -> x == v).orElse(false);
  }

  private static double value(String exposition, String name, String... labels) {
    return Series.value(exposition, name, labels).orElseThrow(() -> new AssertionError(name + " "
        + String.join(",", labels) + " missing:\n" + Exposition.only(exposition, "drwatch_endpoint_")));
  }

  private static String await(Agent agent, String what, Predicate<String> condition) {
    return Await.until(what, Duration.ofSeconds(30), Duration.ofMillis(100),
        () -> Exposition.text(agent.snapshots().collect()), condition, e -> Exposition.only(e, "drwatch_endpoint_"));
  }

  /** The start of the endpoint's first probe after {@code after} (Unix seconds). */
  private static double lastProbe(Agent agent, String endpoint, double after) {
    return Await.until("a probe of " + endpoint + " started after " + after, Duration.ofSeconds(30),
        Duration.ofMillis(100), () -> Series.value(Exposition.text(agent.snapshots().collect()),
            "drwatch_endpoint_last_probe_timestamp_seconds", "endpoint", endpoint).orElse(0.0), t -> t > after,
        String::valueOf);
  }
}
