package io.drwatch.faults;

import static io.drwatch.faults.FaultRig.collector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.sandbox.PgSandbox;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Database, user and application names with quotes, backslashes, newlines and non-ASCII: the
 * exposition still passes {@code promtool check metrics} and the label values are escaped as the
 * text format requires. (PostgreSQL restricts slot names to lower-case letters, digits and '_',
 * so a hostile slot name cannot exist; the slot here is the longest legal one.)
 */
class HostileNamesIT {

  private static final String DB = "we\"ird\\db\nü 'x'";
  private static final String USER = "us\"er\\\nß";
  private static final String APP = "app\"\\\nñ";

  private static String ident(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  private static String escaped(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  @Test
  void hostileNamesPassPromtoolAndAreEscaped() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start()) {
      var p = pg.primary();
      p.sql("CREATE ROLE " + ident(USER) + " LOGIN");
      p.sql("CREATE DATABASE " + ident(DB) + " OWNER " + ident(USER));
      String slot = "s".repeat(63);
      p.sql("SELECT pg_create_physical_replication_slot('" + slot + "')");
      String url = "jdbc:postgresql://127.0.0.1:" + p.port() + "/"
          + URLEncoder.encode(DB, StandardCharsets.UTF_8).replace("+", "%20");
      // The hostile user runs statements in the hostile database under a hostile application name.
      try (Connection c = DriverManager.getConnection(url + "?ApplicationName="
              + URLEncoder.encode(APP, StandardCharsets.UTF_8).replace("+", "%20"), USER, "");
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE \"t\"\"\\\n\" (id int)");
        for (int i = 0; i < 5; i++) {
          st.execute("SELECT count(*) FROM \"t\"\"\\\n\" WHERE id <> " + i + " -- ' \" \\ ü");
        }
      }
      String hocon = FaultRig.hocon("interval = 2s, timeout = 2s, connect-timeout = 1s",
          FaultRig.target("pg", p.jdbcUrl(), "databases = all"));
      try (FaultRig rig = FaultRig.start(hocon, Map.of())) {
        String body = rig.await("statements and sizes", b -> collector(b, "pg", "statements", "1")
            && b.contains("database=\"" + escaped(DB) + "\"") && b.contains("user=\"" + escaped(USER) + "\"")
            && b.contains("slot_name=\"" + slot + "\""), Duration.ofSeconds(40));
        assertEquals("", Promtool.checkMetrics(body), "promtool check metrics");
        assertTrue(body.contains("pg_database_size_bytes{database=\"" + escaped(DB) + "\",target=\"pg\"}")
            || body.lines().anyMatch(l -> l.startsWith("pg_database_size_bytes{") && l.contains(escaped(DB))),
            "database label escaped");
        assertTrue(body.lines().noneMatch(l -> !l.isEmpty() && !l.startsWith("#") && !l.matches("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? \\S+( \\S+)?$")),
            "every sample is one well-formed line");
        String om = rig.scrape("/metrics").body();
        assertTrue(om.contains(escaped(DB)));
      }
    }
  }
}
