package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.cockroach.CrdbStatements;
import io.drwatch.sample.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-target {@code cockroach { allow-unsafe-internals }} opt-in, the CockroachDB collectors'
 * options and default intervals, and the example configs that mention them.
 */
class CockroachConfigTest {

  private static AgentConfig load(String target) {
    return new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString(
        "drwatch { targets = [ { name = c, url = \"jdbc:postgresql://crdb:26257/defaultdb\", user = drwatch,\n"
            + " no-password = true" + target + " } ] }", "crdb.conf");
  }

  private static String problems(String target) {
    return assertThrows(ConfigException.class, () -> load(target)).getMessage();
  }

  @Test
  void theOptInIsOffUnlessSaidAndOnWhenSaid() {
    assertFalse(load("").targets().get(0).allowUnsafeInternals());
    assertFalse(load(", cockroach { allow-unsafe-internals = false }").targets().get(0).allowUnsafeInternals());
    assertTrue(load(", cockroach { allow-unsafe-internals = true }").targets().get(0).allowUnsafeInternals());
    assertTrue(load(", flavor = cockroachdb, cockroach { allow-unsafe-internals = true }").targets().get(0)
        .allowUnsafeInternals());
  }

  @Test
  void badOptInsFailAtLoadWithTheirKey() {
    assertTrue(problems(", cockroach { allow-unsafe-internals = maybe }")
        .contains("crdb.conf:2 drwatch.targets[0].cockroach.allow-unsafe-internals — must be true or false"));
    assertTrue(problems(", cockroach { allow-unsafe = true }")
        .contains("drwatch.targets[0].cockroach.allow-unsafe — unknown key (allowed: allow-unsafe-internals)"));
    assertTrue(problems(", cockroach = yes").contains("drwatch.targets[0].cockroach — must be an object"));
    assertTrue(problems(", flavor = postgresql, cockroach { allow-unsafe-internals = true }")
        .contains("drwatch.targets[0].cockroach — applies to CockroachDB targets only"));
  }

  @Test
  void collectorOptionsAreValidated() {
    assertTrue(problems(", collectors { crdb_liveness { view = both } }")
        .contains("drwatch.targets[0].collectors.crdb_liveness — view must be gossip or kv, not \"both\""));
    assertTrue(problems(", collectors { crdb_statements { top-n = 1000 } }")
        .contains("top-n must be between 1 and 500"));
    assertTrue(problems(", collectors { crdb_statements { top = 5 } }").contains("unknown key"));
  }

  @Test
  void clusterWideViewsSampleLessOftenByDefault() {
    AgentConfig c = load("");
    Map<String, Duration> intervals = new java.util.HashMap<>();
    for (Schedule s : Schedule.forTarget(c.targets().get(0), c.defaults(), CollectorRegistry.builtIn())) {
      intervals.put(s.collector().name(), s.interval());
    }
    assertEquals(Duration.ofSeconds(15), intervals.get("crdb_liveness"), "gossip: local memory");
    assertEquals(Duration.ofSeconds(15), intervals.get("crdb_session"));
    for (String fanOut : List.of("crdb_nodes", "crdb_stores", "crdb_statements", "crdb_jobs", "crdb_schedules")) {
      assertEquals(Duration.ofSeconds(60), intervals.get(fanOut), fanOut);
    }
    assertEquals(Duration.ofMinutes(5), intervals.get("crdb_settings"));
  }

  @Test
  void statefulCollectorsAreNotSharedBetweenTargets() {
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString(
        "drwatch { targets = [ { name = a, host = a, user = u, no-password = true },"
            + " { name = b, host = b, user = u, no-password = true } ] }", "two.conf");
    var registry = CollectorRegistry.builtIn();
    var a = Schedule.forTarget(c.targets().get(0), c.defaults(), registry).stream()
        .filter(s -> s.collector() instanceof CrdbStatements).findFirst().orElseThrow().collector();
    var b = Schedule.forTarget(c.targets().get(1), c.defaults(), registry).stream()
        .filter(s -> s.collector() instanceof CrdbStatements).findFirst().orElseThrow().collector();
    assertFalse(a == b);
    var liveA = Schedule.forTarget(c.targets().get(0), c.defaults(), registry).stream()
        .filter(s -> s.collector().name().equals("crdb_liveness")).findFirst().orElseThrow().collector();
    assertTrue(liveA == registry.find("crdb_liveness").orElseThrow().collector(), "stateless ones stay shared");
  }

  @Test
  void theFullExampleConfigLoads() {
    Path full = findRepoFile("config/drwatch.full.conf");
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(),
        Map.of("DRWATCH_PG_PASSWORD", "x", "DRWATCH_CRDB_PASSWORD", "y")::get).load(full);
    TargetSettings crdb = c.targets().stream().filter(t -> t.name().equals("crdb-1")).findFirst().orElseThrow();
    assertEquals(io.drwatch.target.Flavor.COCKROACHDB, crdb.flavor());
    assertFalse(crdb.allowUnsafeInternals(), "the example keeps the default, least privilege");
    assertTrue(crdb.collectors().get("crdb_statements").configured() instanceof CrdbStatements);
  }

  @Test
  void theReferenceDocumentsTheTargetKey() throws Exception {
    String ref = new String(ConfigLoader.class.getClassLoader().getResourceAsStream("reference.conf").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(ref.contains("cockroach { allow-unsafe-internals = false }"), ref);
  }

  @Test
  void theMonitoringRoleGrantsTheFiveSystemPrivilegesAndNoAdmin() throws Exception {
    String sql = java.nio.file.Files.readString(findRepoFile("config/cockroach-monitoring-role.sql"));
    for (String p : List.of("VIEWCLUSTERMETADATA", "VIEWACTIVITY", "VIEWCLUSTERSETTING", "VIEWJOB", "VIEWSYSTEMTABLE")) {
      assertTrue(sql.contains("\nGRANT SYSTEM " + p + " TO drwatch;"), p);
    }
    assertFalse(sql.toLowerCase(java.util.Locale.ROOT).lines().filter(l -> !l.startsWith("--"))
        .anyMatch(l -> l.contains("admin")), "no admin grant");
  }

  static Path findRepoFile(String relative) {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (dir.resolve(relative).toFile().isFile()) {
        return dir.resolve(relative);
      }
    }
    throw new AssertionError(relative + " not found");
  }
}
