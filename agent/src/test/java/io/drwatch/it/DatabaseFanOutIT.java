package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.config.AgentConfig;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.sandbox.PgSandbox;
import io.drwatch.target.JdbcUrls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Database fan-out with the whole daemon: per-database custom collectors run in every database the
 * target selects, with a database label, through a bounded number of connections; a database
 * created during the run appears, one that fails costs only its own series, and one dropped (by a
 * plain DROP DATABASE, which drwatch must not block) disappears, all without a restart.
 */
class DatabaseFanOutIT {

  private static final String COLLECTORS = """
      drwatch {
        http { host = "127.0.0.1", port = 0 }
        defaults { interval = 1s, timeout = 1s, connect-timeout = 2s }
        custom-collectors {
          items { sql = "SELECT count(*) AS n FROM items", databases = all, metrics { n { help = "Rows in items." } } }
          dbsize {
            sql = "SELECT pg_database_size(current_database()) AS size"
            databases = all
            metrics { size { unit = bytes } }
          }
          only_db1 { sql = "SELECT 1 AS one", database = db1, metrics { one = gauge } }
          guards {
            sql = \"\"\"SELECT current_setting('transaction_read_only') = 'on' AS read_only,
                           extract(epoch FROM current_setting('statement_timeout')::interval) AS timeout,
                           current_setting('application_name') AS app\"\"\"
            database = "db 3"
            labels = [app]
            metrics { read_only = gauge, timeout { unit = seconds } }
          }
          writer { sql = "SELECT nextval('s') AS n", database = db1, metrics { n = gauge } }
        }
      }
      """;

  /** The sessions at the largest count seen (the counter thread writes, the test reads after join). */
  private static volatile String peakSessions;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void fanOutFollowsDatabasesAppearingAndDisappearing() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start()) {
      for (String db : new String[] {"db1", "db2", "db 3"}) {
        pg.primary().sql("CREATE DATABASE \"" + db + "\"");
        items(pg, db, db.equals("db1") ? 1 : db.equals("db2") ? 2 : 3);
      }
      try (Connection c = DriverManager.getConnection(JdbcUrls.withDatabase(pg.primary().jdbcUrl(), "db1"), "postgres", "");
          Statement st = c.createStatement()) {
        st.execute("CREATE SEQUENCE s");
        st.execute("GRANT USAGE, SELECT ON SEQUENCE s TO " + PgSandbox.MONITOR_ROLE);
      }
      String hocon = COLLECTORS + """
          drwatch.targets = [
            { name = fan, url = "%s", user = drwatch, no-password = true,
              databases { match = ["db*"] }, database-connections = 2 }
            { name = own, url = "%s", user = drwatch, no-password = true }
          ]
          """.formatted(pg.primary().jdbcUrl(), pg.primary().jdbcUrl("db1"));
      AgentConfig config = SandboxConfig.load(hocon);

      AtomicBoolean watching = new AtomicBoolean(true);
      AtomicInteger peak = new AtomicInteger();
      AtomicInteger peakOthers = new AtomicInteger();
      AtomicInteger samples = new AtomicInteger();
      Thread counter = new Thread(() -> countConnections(pg, watching, peak, peakOthers, samples),
          "count-drwatch-sessions");
      counter.start();
      try (Agent agent = Agent.start(config, config.registry(io.drwatch.collect.CollectorRegistry.builtIn()))) {
        agent.firstRound().await(60, TimeUnit.SECONDS);
        String port = Integer.toString(agent.port());
        String m = await(port, b -> b.contains("items_n{database=\"db1\",target=\"fan\"} 1.0")
            && b.contains("items_n{database=\"db2\",target=\"fan\"} 2.0")
            && b.contains("items_n{database=\"db 3\",target=\"fan\"} 3.0"));
        assertTrue(m.contains("only_db1_one{database=\"db1\",target=\"fan\"} 1.0"), m);
        assertFalse(m.contains("only_db1_one{database=\"db2\""), m);
        assertFalse(fanOut(m).contains("database=\"postgres\",target=\"fan\""), "postgres is not matched by db*");
        assertTrue(m.contains("dbsize_size_bytes{database=\"db2\",target=\"fan\"}"), m);
        // a target without databases = … runs per-database collectors in its own database
        assertTrue(m.contains("items_n{database=\"db1\",target=\"own\"} 1.0"), m);
        assertFalse(fanOut(m).contains("database=\"db2\",target=\"own\""), m);
        assertEquals("", Promtool.checkMetrics(m));
        // a session in another database has the pool's guards: read-only, statement timeout, name
        assertTrue(m.contains("guards_read_only{app=\"drwatch\",database=\"db 3\",target=\"fan\"} 1.0"), m);
        assertTrue(m.contains("guards_timeout_seconds{app=\"drwatch\",database=\"db 3\",target=\"fan\"} 1.0"), m);
        String writer = agent.cache().view().results().stream()
            .filter(r -> r.target().equals("fan") && r.collector().equals("writer")).findFirst().orElseThrow().error();
        assertTrue(writer != null && writer.contains("db1: ") && writer.contains("25006"), writer);

        // a new database shows up without a restart; until it has the table, only its own series fail
        pg.primary().sql("CREATE DATABASE db4");
        m = await(port, b -> b.contains("dbsize_size_bytes{database=\"db4\",target=\"fan\"}")
            && b.contains("drwatch_collector_success{collector=\"items\",target=\"fan\"} 0.0"));
        assertTrue(m.contains("items_n{database=\"db1\",target=\"fan\"} 1.0"), "the other databases' series stand\n" + m);
        String error = agent.cache().view().results().stream()
            .filter(r -> r.target().equals("fan") && r.collector().equals("items")).findFirst().orElseThrow().error();
        assertTrue(error != null && error.contains("1 of 4 database(s) failed: db4: ERROR: relation \"items\" does not exist"), error);
        items(pg, "db4", 4);
        await(port, b -> b.contains("items_n{database=\"db4\",target=\"fan\"} 4.0")
            && b.contains("drwatch_collector_success{collector=\"items\",target=\"fan\"} 1.0"));

        // a plain DROP DATABASE succeeds (drwatch's sessions leave within its 5 s wait) and the series go
        Instant t0 = Instant.now();
        pg.primary().sql("DROP DATABASE db2");
        Duration drop = Duration.between(t0, Instant.now());
        m = await(port, b -> !fanOut(b).contains("database=\"db2\"")
            && b.contains("drwatch_collector_success{collector=\"items\",target=\"fan\"} 1.0")
            && b.contains("items_n{database=\"db4\",target=\"fan\"} 4.0"));
        System.out.println("fan-out: DROP DATABASE took " + drop.toMillis() + " ms");

        watching.set(false);
        counter.join();
        // 2 in the target pool (max-connections) + 2 for other databases (database-connections), per target
        System.out.println("fan-out: peak drwatch sessions " + peak.get() + " in all, " + peakOthers.get()
            + " in databases other than the targets' own, over " + samples.get() + " samples");
        assertTrue(samples.get() > 100, "the counter sampled " + samples.get() + " times");
        assertTrue(peakOthers.get() <= 2, "fan's fan-out is capped at database-connections = 2, saw " + peakOthers.get());
        assertTrue(peak.get() <= 2 + 2 + 2, "at most 4 for fan + 2 for own, saw " + peak.get() + ": " + peakSessions);
      } finally {
        watching.set(false);
        counter.join();
      }
    }
  }

  private static void items(PgSandbox pg, String db, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection(JdbcUrls.withDatabase(pg.primary().jdbcUrl(), db), "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE items (id int)");
      st.execute("INSERT INTO items SELECT generate_series(1, " + rows + ")");
      st.execute("GRANT SELECT ON items TO " + PgSandbox.MONITOR_ROLE);
    }
  }

  /**
   * Polls pg_stat_activity for drwatch's sessions, keeping the largest count seen and, for a
   * failure message, which sessions made it (database, pid, state, start).
   */
  private static void countConnections(PgSandbox pg, AtomicBoolean watching, AtomicInteger peak,
      AtomicInteger peakOthers, AtomicInteger n) {
    try (Connection c = pg.primary().connect(); Statement st = c.createStatement()) {
      while (watching.get()) {
        try (ResultSet rs = st.executeQuery("""
            SELECT count(*), count(*) FILTER (WHERE datname NOT IN ('postgres', 'db1')),
                   string_agg(datname || ' pid ' || pid || ' ' || coalesce(state, '?') || ' since '
                              || to_char(backend_start, 'HH24:MI:SS.MS'), ', ' ORDER BY backend_start)
            FROM pg_stat_activity WHERE application_name = 'drwatch'""")) {
          rs.next();
          if (rs.getInt(1) > peak.get()) {
            peakSessions = rs.getString(3);
          }
          peak.accumulateAndGet(rs.getInt(1), Math::max);
          peakOthers.accumulateAndGet(rs.getInt(2), Math::max);
          n.incrementAndGet();
        }
        Thread.sleep(20); // the sampling rate of the peak: it runs for as long as the scenario does
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String await(String port, Predicate<String> condition) {
    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    return Await.until("the per-database series", Duration.ofSeconds(40), Await.EVERY,
        () -> http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body(),
        condition, b -> "/metrics:\n" + b);
  }

  /**
   * The series of this test's per-database collectors only: the built-in families label a database
   * the same way (database), and the database collector reports every database of the server.
   */
  private static String fanOut(String body) {
    return body.lines().filter(l -> l.startsWith("items_") || l.startsWith("only_db1_") || l.startsWith("dbsize_")
        || l.startsWith("guards_")).collect(java.util.stream.Collectors.joining("\n"));
  }
}
