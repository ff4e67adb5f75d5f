package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.Db;
import io.drwatch.collect.cockroach.CrdbStores;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.CrdbCatalog;
import io.drwatch.fixture.CrdbCatalog.Layout;
import io.drwatch.fixture.LogCapture;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.target.CockroachInfo;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 25.4/26.1 access gate on crdb_internal and system.*, on the {@link CrdbCatalog} catalog
 * fixture (whose views raise SQLSTATE 42501 with CockroachDB's message while the emulated
 * {@code allow_unsafe_internals} is off): least privilege by default — only the supported tables
 * are read and every other collector says once, without asking the server, how to opt in — and
 * the explicit per-target opt-in, the operator's role default, and /api/targets reporting which
 * applies. 26.1 is closed by default; on 25.4 (open by default) the role default closes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrdbGateIT {

  static final Set<String> GATED = Set.of("crdb_liveness", "crdb_nodes", "crdb_stores", "crdb_jobs",
      "crdb_schedules");

  private CrdbCatalog catalog;

  @BeforeAll
  void start() {
    catalog = CrdbCatalog.start(Layout.V25_4, Layout.V26_1);
    // 25.4 is open by default; an operator closes it per role (ALTER ROLE … SET allow_unsafe_internals = off).
    catalog.roleDefaultUnsafeInternals(Layout.V25_4, "off");
  }

  @AfterAll
  void stop() {
    if (catalog != null) {
      catalog.close();
    }
  }

  private AgentConfig config(String targets) {
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(
        "drwatch {\n http { host = \"127.0.0.1\", port = 0 }\n"
            + " defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }\n targets = [\n"
            + targets + " ]\n}\n", "crdb-gate-it.conf");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Layout.class, names = {"V25_4", "V26_1"})
  void leastPrivilegeByDefaultSaysOnceWhatIsNotAllowed(Layout l) throws Exception {
    String t = "closed";
    try (LogCapture log = new LogCapture();
        Watch w = new Watch(config(CrdbCatalogIT.target(catalog, l, t, "")))) {
      w.round().round().round();
      CockroachInfo c = w.cache().view().targets().get(0).server().cockroach();
      assertEquals(CockroachInfo.InternalsAccess.RESTRICTED, c.access());
      assertFalse(c.allowUnsafeInternalsConfigured());
      assertEquals(1L, c.nodeId(), "node_id is a session variable, not behind the gate");
      assertNull(c.clusterId(), "node_build_info is behind the gate");
      assertEquals(1, w.require(t, "crdb_session_info", "node_id", "1", "build_tag", l.tag, "cluster_id", "",
          "internals_access", "restricted"));

      for (String name : GATED) {
        var r = w.result(t, name).orElseThrow();
        assertFalse(r.success(), name);
        assertTrue(r.error().contains("is not allowed: CockroachDB v" + l.tag.substring(1)
            + " restricts crdb_internal and system.* while the session variable allow_unsafe_internals is off")
            && r.error().contains("set cockroach { allow-unsafe-internals = true } for this target")
            && r.error().contains("[SQLSTATE 42501]"), r.error());
        // refused by drwatch up front: the server's own refusal (which it audits) never came
        assertFalse(r.error().contains("Access to crdb_internal and system is restricted"), r.error());
        assertEquals(1, log.count("target closed collector " + name + " failed"), log.text());
      }
      assertEquals(3, w.result(t, "crdb_liveness").orElseThrow().errorsTotal(), "failed on each of the 3 rounds");

      // Supported tables go on: zones (crdb_settings' zone part) and statement_statistics.
      var settings = w.result(t, "crdb_settings").orElseThrow();
      assertTrue(settings.success(), settings.error());
      assertEquals(5, w.require(t, "crdb_zone_default_num_replicas"));
      assertTrue(w.value(t, "crdb_cluster_version_info").isEmpty());
      assertEquals(1, log.count("target closed collector crdb_settings: cluster settings and version are left out"),
          log.text());
      assertTrue(w.result(t, "crdb_statements").orElseThrow().success());
      catalog.sql(l, "DELETE FROM crdb_fixture.statement_statistics");
      w.run(t, "crdb_statements");
      catalog.execute(l, "a1a1a1a1a1a1a1a1", "bank", 40, 0.02, 1, 2);
      w.run(t, "crdb_statements");
      assertEquals(40, w.require(t, "crdb_statement_interval_executions", "fingerprint_id", "a1a1a1a1a1a1a1a1"));
      assertEquals(2, w.require(t, "crdb_statement_interval_failures", "fingerprint_id", "a1a1a1a1a1a1a1a1"));
      assertTrue(w.cache().view().targets().get(0).up());
      assertEquals("", Promtool.checkMetrics(w.exposition()));
    }
  }

  /** If drwatch did not know about the gate, the server's 42501 is still explained. */
  @Test
  void theServersOwnRefusalIsExplainedAndSetConfigOpensIt() throws Exception {
    Layout l = Layout.V26_1;
    try (Connection c = DriverManager.getConnection(catalog.jdbcUrl(l), l.role(), "")) {
      Db db = new Db(c, Duration.ofSeconds(3));
      assertEquals("off", db.queryOne("SELECT current_setting('allow_unsafe_internals') AS v").orElseThrow().string("v"));
      ServerInfo unaware = new ServerInfo(Flavor.COCKROACHDB, 260100, "26.1.0", false, null, null, null, true,
          Set.of(), new CockroachInfo("v26.1.0", 1L, null, CockroachInfo.InternalsAccess.NOT_GATED, false));
      SQLException e = assertThrows(SQLException.class, () -> new CrdbStores().collect(db, unaware));
      assertEquals("42501", e.getSQLState());
      assertTrue(e.getMessage().startsWith("crdb_internal.kv_store_status is not allowed: ERROR: Access to "
          + "crdb_internal and system is restricted.") && e.getMessage().contains("CockroachDB v26.1.0 access gate")
          && e.getMessage().contains("allow-unsafe-internals = true"), e.getMessage());
      // What the opt-in does on a session:
      assertEquals("on", db.queryOne("SELECT set_config('allow_unsafe_internals', 'on', false) AS v").orElseThrow()
          .string("v"));
      assertEquals(5, new CrdbStores().collect(db, unaware).stream()
          .filter(s -> s.family().name().equals("crdb_store_replicas")).count());
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Layout.class, names = {"V25_4", "V26_1"})
  void theExplicitOptInReadsEverything(Layout l) throws Exception {
    String t = "optin";
    try (Watch w = new Watch(config(CrdbCatalogIT.target(catalog, l, t, "cockroach { allow-unsafe-internals = true }")))) {
      w.round();
      CockroachInfo c = w.cache().view().targets().get(0).server().cockroach();
      assertEquals(CockroachInfo.InternalsAccess.OPTED_IN, c.access());
      assertTrue(c.allowUnsafeInternalsConfigured());
      assertEquals(CrdbCatalog.CLUSTER_ID, c.clusterId());
      w.cache().view().results().forEach(r -> assertTrue(r.success(), r.collector() + ": " + r.error()));
      assertEquals(1, w.require(t, "crdb_session_info", "internals_access", "opted_in", "cluster_id", CrdbCatalog.CLUSTER_ID));
      assertEquals(1, w.require(t, "crdb_liveness_nodes", "status", "dead"));
      assertEquals(14, w.require(t, "crdb_store_ranges_underreplicated", "node_id", "1", "store_id", "1"));
      assertEquals(1, w.require(t, "crdb_backup_schedule_missed_cadence", "schedule_id", "1002"));
      assertEquals(1, w.require(t, "crdb_jobs", "job_type", "BACKUP", "status", "failed"));
      assertEquals(1, w.require(t, "crdb_cluster_version_info", "version", l.clusterVersion));
      assertEquals("", Promtool.checkMetrics(w.exposition()));
    }
  }

  /** An operator's ALTER ROLE … SET allow_unsafe_internals = on: drwatch sees it open and uses it. */
  @Test
  void aRoleDefaultThatOpensTheGateIsTheSessionDefault() {
    Layout l = Layout.V26_1;
    catalog.roleDefaultUnsafeInternals(l, "on");
    try (Watch w = new Watch(config(CrdbCatalogIT.target(catalog, l, "role", "")))) {
      w.round();
      assertEquals(CockroachInfo.InternalsAccess.SESSION_DEFAULT,
          w.cache().view().targets().get(0).server().cockroach().access());
      w.cache().view().results().forEach(r -> assertTrue(r.success(), r.collector() + ": " + r.error()));
    } finally {
      catalog.roleDefaultUnsafeInternals(l, null);
    }
  }

  @Test
  void apiTargetsReportsTheChoiceAndTheAccessInEffect() throws Exception {
    Layout l = Layout.V26_1;
    AgentConfig cfg = config(CrdbCatalogIT.target(catalog, l, "closed", "")
        + CrdbCatalogIT.target(catalog, l, "optin", "cockroach { allow-unsafe-internals = true }"));
    try (Agent agent = Agent.start(cfg, CollectorRegistry.builtIn())) {
      agent.firstRound().await(60, TimeUnit.SECONDS);
      HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + agent.port() + "/api/targets")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      Map<String, JsonObject> byName = new java.util.HashMap<>();
      new JsonObject(r.body()).getJsonArray("targets").forEach(o -> byName.put(((JsonObject) o).getString("name"),
          (JsonObject) o));
      JsonObject closed = byName.get("closed").getJsonObject("cockroach");
      JsonObject optin = byName.get("optin").getJsonObject("cockroach");
      assertEquals(false, closed.getBoolean("allow_unsafe_internals_configured"), r.body());
      assertEquals("restricted", closed.getString("internals_access"));
      assertNull(closed.getString("cluster_id"));
      assertEquals(1L, closed.getLong("node_id"));
      assertEquals(true, optin.getBoolean("allow_unsafe_internals_configured"));
      assertEquals("opted_in", optin.getString("internals_access"));
      assertEquals(CrdbCatalog.CLUSTER_ID, optin.getString("cluster_id"));
      assertEquals("v26.1.0", optin.getString("build_tag"));
      assertEquals("cockroachdb", byName.get("optin").getString("flavor"));
      List<String> failedClosed = byName.get("closed").getJsonArray("collectors").stream()
          .map(o -> (JsonObject) o).filter(o -> !o.getBoolean("success")).map(o -> o.getString("name")).sorted().toList();
      assertEquals(GATED.stream().sorted().toList(), failedClosed);
    }
  }
}
