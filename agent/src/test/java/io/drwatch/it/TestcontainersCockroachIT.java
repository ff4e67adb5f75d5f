package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Promtool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.CockroachContainer;

/**
 * The CockroachDB collectors against a real single-node CockroachDB in a container, where a Docker
 * engine exists, as the least-privileged role of config/cockroach-monitoring-role.sql. Without
 * one (CI here) the class is skipped and says so on the console; the catalog-fixture suites
 * (CrdbCatalogIT, CrdbGateIT) then cover the same collectors against PostgreSQL-hosted catalogs,
 * which is not the same as CockroachDB. Images: {@code -Ddrwatch.test.crdb.images=…} (comma
 * separated), by default one release without the access gate and one with it closed.
 */
class TestcontainersCockroachIT {

  private static boolean docker;

  static List<String> images() {
    return List.of(System.getProperty("drwatch.test.crdb.images",
        "cockroachdb/cockroach:v24.3.5,cockroachdb/cockroach:v26.1.0").split(","));
  }

  @BeforeAll
  static void detectDocker() {
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      docker = false;
    }
    if (!docker) {
      System.out.println("SKIPPED TestcontainersCockroachIT: no Docker engine on this machine, so no real "
          + "CockroachDB ran; CrdbCatalogIT and CrdbGateIT exercised the CockroachDB collectors against the "
          + "catalog fixture (PostgreSQL shaped like crdb_internal of 23.2, 24.3, 25.3, 25.4, 26.1) instead.");
    }
  }

  /** The statements of a SQL file, comments dropped. */
  static List<String> statements(Path file) throws Exception {
    StringBuilder sql = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int c = line.indexOf("--");
      sql.append(c >= 0 ? line.substring(0, c) : line).append('\n');
    }
    List<String> out = new ArrayList<>();
    for (String s : sql.toString().split(";")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void collectorsReadARealSingleNode(String image) throws Exception {
    assumeTrue(docker, "no Docker engine: Testcontainers CockroachDB suite skipped (catalog-fixture suites ran instead)");
    Matcher m = Pattern.compile(":v(\\d+)\\.(\\d+)").matcher(image);
    assertTrue(m.find(), "image tag must name the release: " + image);
    int release = Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2));
    try (CockroachContainer crdb = new CockroachContainer(image)) {
      crdb.start();
      try (Connection c = DriverManager.getConnection(crdb.getJdbcUrl(), crdb.getUsername(), crdb.getPassword());
          Statement st = c.createStatement()) {
        for (String s : statements(CockroachConfigPaths.role())) {
          st.execute(s);
        }
        st.execute("CREATE TABLE IF NOT EXISTS accounts (id INT PRIMARY KEY, balance INT)");
        st.execute("INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 100) g ON CONFLICT DO NOTHING");
        st.execute("SELECT sum(balance) FROM accounts");
        st.execute("CREATE SCHEDULE IF NOT EXISTS drwatch_it FOR BACKUP INTO 'nodelocal://1/drwatch-it' "
            + "RECURRING '@hourly' FULL BACKUP ALWAYS WITH SCHEDULE OPTIONS first_run = 'now'");
      }
      String url = crdb.getJdbcUrl();
      String hocon = """
          drwatch {
            defaults { timeout = 10s }
            targets = [
              { name = least, url = "%1$s", user = drwatch, no-password = true }
              { name = optin, url = "%1$s", user = drwatch, no-password = true,
                cockroach { allow-unsafe-internals = true } }
            ]
          }
          """.formatted(url);
      CollectorRegistry registry = CollectorRegistry.builtIn();
      AgentConfig config = new ConfigLoader(registry, Map.<String, String>of()::get).loadString(hocon, "crdb-tc.conf");
      String text = Agent.once(config, registry);
      assertEquals("", Promtool.checkMetrics(text));
      for (String target : List.of("least", "optin")) {
        assertTrue(text.contains("drwatch_target_up{cluster=\"" + target + "\",target=\"" + target + "\"} 1"), text);
        assertTrue(text.contains("flavor=\"cockroachdb\""), text);
        assertTrue(Pattern.compile("crdb_session_info\\{build_tag=\"v[^\"]+\",cluster_id=\"[^\"]*\",internals_access=\"[a-z_]+\","
            + "node_id=\"1\",target=\"" + target + "\"\\} 1").matcher(text).find(), text);
      }
      List<String> collectors = List.of("crdb_session", "crdb_liveness", "crdb_nodes", "crdb_stores",
          "crdb_statements", "crdb_jobs", "crdb_schedules", "crdb_settings");
      for (String coll : collectors) {
        assertTrue(text.contains("drwatch_collector_success{collector=\"" + coll + "\",target=\"optin\"} 1"),
            coll + " on optin:\n" + text);
      }
      boolean gateClosed = release >= 2601;
      for (String coll : collectors) {
        boolean gated = List.of("crdb_liveness", "crdb_nodes", "crdb_stores", "crdb_jobs", "crdb_schedules").contains(coll);
        String want = gateClosed && gated ? "0" : "1";
        assertTrue(text.contains("drwatch_collector_success{collector=\"" + coll + "\",target=\"least\"} " + want),
            coll + " on least (release " + release + "):\n" + text);
      }
      assertTrue(text.contains("crdb_node_live{node_id=\"1\",target=\"optin\"} 1.0"), text);
      assertTrue(text.contains("crdb_liveness_nodes{status=\"live\",target=\"optin\"} 1.0"), text);
      assertTrue(text.contains("crdb_cluster_binary_versions{target=\"optin\"} 1.0"), text);
      assertTrue(text.contains("crdb_zone_default_num_replicas{target=\"optin\"}"), text);
      assertTrue(Pattern.compile("crdb_store_replicas\\{node_id=\"1\",store_id=\"1\",target=\"optin\"\\} [1-9]")
          .matcher(text).find(), text);
      assertTrue(text.contains("schedule_name=\"drwatch_it\""), "the backup schedule shows:\n" + text);
    }
  }

  /** Paths of repository files the suite uses. */
  static final class CockroachConfigPaths {
    static Path role() {
      for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
        Path p = dir.resolve("config/cockroach-monitoring-role.sql");
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
      throw new AssertionError("config/cockroach-monitoring-role.sql not found");
    }
  }
}
