package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.cli.Cli;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sandbox.PgSandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Custom collectors from config against real primaries and standbys: labels, gauges and counters,
 * version and role gating, the series limit and its counter, a missing mapped column, a column
 * added later, a statement timeout, and {@code drwatch once} documenting the families.
 */
class CustomCollectorIT {

  static final String COLLECTORS = """
      drwatch.custom-collectors {
        app_queue {
          sql = \"\"\"
            SELECT queue,
                   count(*) FILTER (WHERE state = 'pending') AS depth,
                   count(*) AS enqueued,
                   extract(epoch FROM min(enqueued_at) FILTER (WHERE state = 'pending')) AS oldest,
                   'ignored' AS note
            FROM jobs GROUP BY queue ORDER BY queue\"\"\"
          labels = [queue]
          ignore = [note]
          metrics {
            depth { help = "Jobs waiting." }
            enqueued { type = counter, help = "Jobs ever enqueued." }
            oldest { name = app_queue_oldest_enqueued_timestamp_seconds, unit = seconds, help = "Oldest waiting job." }
          }
        }
        primary_only {
          sql = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS pos"
          role = primary
          metrics { pos { name = app_primary_wal_position_bytes, unit = bytes } }
        }
        standby_only {
          sql = "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0') AS pos"
          role = standby
          metrics { pos { name = app_standby_replay_position_bytes, unit = bytes } }
        }
        from14 { sql = "SELECT 1 AS one", min-version = 14, metrics { one = gauge } }
        upto17 { sql = "SELECT 1 AS one", max-version = 17, metrics { one = gauge } }
        limited {
          sql = "SELECT g AS n, g * 10 AS v FROM generate_series(1, 25) g ORDER BY g"
          max-series = 10
          labels = [n]
          metrics { v = gauge }
        }
        broken { sql = "SELECT 1 AS one", metrics { missing = gauge } }
        slow { sql = "SELECT pg_sleep(5) AS s, 1 AS one", timeout = 1s, ignore = [s], metrics { one = gauge } }
        grows { sql = "SELECT * FROM app_stats ORDER BY k", labels = [k], metrics { v = gauge } }
      }
      """;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 18})
  void customCollectorsOnPrimaryAndStandby(int major) throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(major).standby("s1", PgSandbox.Sync.ASYNC).start()) {
      pg.primary().sql("""
          CREATE TABLE jobs (id bigserial PRIMARY KEY, queue text NOT NULL, state text NOT NULL,
                             enqueued_at timestamptz NOT NULL)""");
      pg.primary().sql("""
          INSERT INTO jobs (queue, state, enqueued_at) VALUES
            ('mail', 'pending', '2025-01-01 00:00:00+00'), ('mail', 'pending', '2025-01-01 00:10:00+00'),
            ('mail', 'done', '2024-12-31 00:00:00+00'), ('sms', 'pending', '2025-01-02 00:00:00+00')""");
      pg.primary().sql("CREATE TABLE app_stats (k text PRIMARY KEY, v int)");
      pg.primary().sql("INSERT INTO app_stats VALUES ('a', 1), ('b', 2)");
      pg.primary().sql("GRANT SELECT ON jobs, app_stats TO " + PgSandbox.MONITOR_ROLE);
      pg.waitStreaming(Duration.ofSeconds(30));
      try (Watch watch = new Watch(SandboxConfig.load(pg, "", COLLECTORS))) {
        // the standby must have replayed the tables before its collectors see them
        watch.await("s1", "app_queue", "app_queue_depth", v -> v == 2, Duration.ofSeconds(30), "queue", "mail");
        watch.round();
        for (String t : new String[] {"primary", "s1"}) {
          assertEquals(2, watch.require(t, "app_queue_depth", "queue", "mail"), t);
          assertEquals(1, watch.require(t, "app_queue_depth", "queue", "sms"), t);
          assertEquals(3, watch.require(t, "app_queue_enqueued_total", "queue", "mail"), t);
          assertEquals(Instant.parse("2025-01-01T00:00:00Z").getEpochSecond(),
              watch.require(t, "app_queue_oldest_enqueued_timestamp_seconds", "queue", "mail"), t);
          assertTrue(ok(watch, t, "app_queue"), watch.describe(t));
        }

        // role gating: a primary-only query is silent on the standby (no series, no health series)
        assertTrue(ok(watch, "primary", "primary_only"));
        assertTrue(watch.result("s1", "primary_only").isEmpty(), "primary_only must not run on the standby");
        assertTrue(ok(watch, "s1", "standby_only"));
        assertTrue(watch.result("primary", "standby_only").isEmpty());

        // version gating
        assertEquals(major >= 14, watch.result("primary", "from14").isPresent(), "min-version = 14 on " + major);
        assertEquals(major <= 17, watch.result("primary", "upto17").isPresent(), "max-version = 17 on " + major);

        // the series limit: the first 10 rows in the query's order, 15 counted as dropped per run
        CollectorResult limited = watch.result("primary", "limited").orElseThrow();
        assertTrue(limited.success());
        assertEquals(10, limited.samples().size());
        assertEquals(100, watch.require("primary", "limited_v", "n", "10"));
        assertTrue(watch.value("primary", "limited_v", "n", "11").isEmpty());
        long before = limited.droppedSeriesTotal();
        watch.run("primary", "limited");
        assertEquals(before + 15, watch.result("primary", "limited").orElseThrow().droppedSeriesTotal());

        // a mapped column the query does not return: a clear error naming collector and column
        CollectorResult broken = watch.result("primary", "broken").orElseThrow();
        assertFalse(broken.success());
        assertTrue(broken.error().contains("custom collector broken: the query returned no column \"missing\""),
            broken.error());

        // the collector's own timeout cancels it on the server; the others are unaffected
        CollectorResult slow = watch.result("primary", "slow").orElseThrow();
        assertFalse(slow.success());
        assertTrue(slow.error().contains("57014"), slow.error());
        assertTrue(slow.durationSeconds() < 3, "cancelled at its 1s timeout, took " + slow.durationSeconds());

        // a column added later is ignored, not fatal
        assertEquals(2, watch.require("primary", "grows_v", "k", "b"));
        pg.primary().sql("ALTER TABLE app_stats ADD COLUMN added_later text DEFAULT 'x'");
        watch.run("primary", "grows");
        assertTrue(ok(watch, "primary", "grows"), watch.result("primary", "grows").toString());
        assertEquals(2, watch.require("primary", "grows_v", "k", "b"));

        String text = watch.exposition();
        assertEquals("", Promtool.checkMetrics(text));
        assertTrue(text.contains("# HELP app_queue_depth Jobs waiting. (custom collector app_queue; sampled on a schedule, not per scrape)"), text);
        assertTrue(text.contains("# TYPE app_queue_enqueued_total counter"), text);
        assertTrue(text.contains("drwatch_collector_dropped_series_total{collector=\"limited\",target=\"primary\"} 30.0"),
            Exposition.only(text, "drwatch_collector_dropped"));
        assertTrue(text.contains("drwatch_collector_success{collector=\"broken\",target=\"primary\"} 0.0"));
        assertFalse(text.contains("collector=\"primary_only\",target=\"s1\""), "no health series where gated off");
      }

      if (major == 18) {
        // drwatch once: HELP/TYPE for families with series, comment lines for the rest
        Path conf = dir.resolve("once.conf");
        Files.writeString(conf, SandboxConfig.hocon(pg, "", COLLECTORS));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(new String[] {"once", "--config", conf.toString()});
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertTrue(o.contains("# HELP app_queue_depth Jobs waiting."), o);
        assertTrue(o.contains("# custom collector broken: runs on postgresql, role any, in the target's database, at most 1000 series;\n"
            + "# no series this round for:\n#   broken_missing gauge {target}: Column missing of custom collector broken."), o);
        assertTrue(o.contains("#   upto17_one gauge {target}"), "max-version 17 on 18: documented, not sampled\n" + o);
        assertEquals("", Promtool.checkMetrics(o));
      }
    }
  }

  private static boolean ok(Watch w, String target, String collector) {
    return w.result(target, collector).map(CollectorResult::success).orElse(false);
  }
}
