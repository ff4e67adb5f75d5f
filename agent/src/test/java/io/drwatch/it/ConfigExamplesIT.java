package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.cli.Cli;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import io.drwatch.target.JdbcUrls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped examples in config/examples/ pass check-config as they are and measure what they
 * say on a real primary and standby: heartbeat age, oldest queue item, per-table bloat estimate.
 */
class ConfigExamplesIT {

  static Path examples() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("config").resolve("examples");
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new AssertionError("config/examples not found above " + System.getProperty("user.dir"));
  }

  @Test
  void examplesMeasureWhatTheySay() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(examples())) {
      files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    assertEquals(3, files.size(), files.toString());
    StringBuilder all = new StringBuilder();
    for (Path f : files) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int rc = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
          .run(new String[] {"check-config", f.toString()});
      assertEquals(0, rc, f + ": " + err.toString(StandardCharsets.UTF_8));
      all.append(Files.readString(f)).append('\n');
    }

    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).standby("s1", PgSandbox.Sync.ASYNC).start()) {
      String role = PgSandbox.MONITOR_ROLE;
      pg.primary().sql("CREATE TABLE drwatch_heartbeat (id int PRIMARY KEY, beat_at timestamptz NOT NULL)");
      pg.primary().sql("GRANT SELECT ON drwatch_heartbeat TO " + role);
      pg.primary().sql("INSERT INTO drwatch_heartbeat VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET beat_at = now()");
      double beat = Double.parseDouble(pg.primary().sql("SELECT extract(epoch FROM beat_at) FROM drwatch_heartbeat"));
      pg.primary().sql("""
          CREATE TABLE jobs (id bigserial PRIMARY KEY, queue text NOT NULL, state text NOT NULL,
                             enqueued_at timestamptz NOT NULL DEFAULT now())""");
      pg.primary().sql("""
          INSERT INTO jobs (queue, state, enqueued_at) VALUES
            ('mail', 'pending', '2025-03-01 12:00:00+00'), ('mail', 'pending', '2025-03-01 12:05:00+00'),
            ('mail', 'done', '2025-02-01 00:00:00+00'), ('sms', 'pending', '2025-03-02 00:00:00+00')""");
      pg.primary().sql("GRANT SELECT ON jobs TO " + role);
      pg.primary().sql("CREATE DATABASE app");
      try (Connection c = DriverManager.getConnection(JdbcUrls.withDatabase(pg.primary().jdbcUrl(), "app"), "postgres", "");
          Statement st = c.createStatement()) {
        for (String t : new String[] {"bloated", "tight"}) {
          st.execute("CREATE TABLE " + t + " (id int, payload text)");
          st.execute("INSERT INTO " + t + " SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g");
          st.execute("GRANT SELECT ON " + t + " TO " + role);
        }
        st.execute("DELETE FROM bloated WHERE id % 5 < 3"); // 60% dead, spread over every page
        st.execute("VACUUM ANALYZE bloated");
        st.execute("VACUUM ANALYZE tight");
      }
      pg.waitStreaming(Duration.ofSeconds(30));

      try (Watch watch = new Watch(SandboxConfig.load(pg, "databases = all", all.toString()))) {
        watch.await("s1", "heartbeat_table", "heartbeat_last_timestamp_seconds", v -> Math.abs(v - beat) < 0.001,
            Duration.ofSeconds(30));
        watch.round();
        for (String t : new String[] {"primary", "s1"}) {
          assertEquals(beat, watch.require(t, "heartbeat_last_timestamp_seconds"), 0.001, t);
          double age = watch.require(t, "heartbeat_age_seconds");
          assertTrue(age >= 0 && age < 60, t + " heartbeat age " + age);
        }

        assertEquals(2, watch.require("primary", "app_queue_depth", "queue", "mail"));
        assertEquals(1, watch.require("primary", "app_queue_depth", "queue", "sms"));
        assertEquals(Instant.parse("2025-03-01T12:00:00Z").getEpochSecond(),
            watch.require("primary", "app_queue_oldest_enqueued_timestamp_seconds", "queue", "mail"));
        assertTrue(watch.result("s1", "app_queue").isEmpty(), "role = primary: silent on the standby");

        double bloated = watch.require("primary", "table_bloat_estimate_ratio", "database", "app", "relname", "bloated");
        double tight = watch.require("primary", "table_bloat_estimate_ratio", "database", "app", "relname", "tight");
        double size = watch.require("primary", "table_size_bytes", "database", "app", "relname", "bloated");
        System.out.println("examples: bloat estimate " + bloated + " (60% of rows deleted), " + tight
            + " (none deleted); bloated table " + size + " bytes; heartbeat age on s1 "
            + watch.require("s1", "heartbeat_age_seconds") + " s");
        assertTrue(bloated > 0.45 && bloated < 0.75, "60% deleted reads as " + bloated);
        assertTrue(tight < 0.15, "a freshly loaded table reads as " + tight);
        assertTrue(size > 5_000_000, "relpages in bytes: " + size);
        // The standby has the same tables and statistics once it has replayed the VACUUM ANALYZE
        // (streaming does not mean replayed), so it comes to the same estimate.
        watch.await("s1", "table_bloat", "table_bloat_estimate_ratio", v -> Math.abs(v - bloated) <= 0.05,
            Duration.ofSeconds(30), "database", "app", "relname", "bloated");
        List<String> failed = new ArrayList<>();
        watch.cache().view().results().stream().filter(r -> !r.success())
            .forEach(r -> failed.add(r.target() + "/" + r.collector() + ": " + r.error()));
        assertEquals(List.of(), failed);
        assertEquals("", Promtool.checkMetrics(watch.exposition()));
      }
    }
  }
}
