package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.postgres.PgHeartbeat;
import io.drwatch.sample.Schedule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cluster objectives and promotion overhead, and the heartbeat's options: parsed, defaulted, rejected. */
class ClusterConfigTest {

  private static AgentConfig load(String clusterBody, String targetExtra) {
    return new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString("""
        drwatch {
          clusters { main { %s } }
          targets = [ { name = a, host = h, user = u, no-password = true, labels { cluster = main } %s } ]
        }
        """.formatted(clusterBody, targetExtra), "c.conf");
  }

  private static ConfigProblem problem(String clusterBody, String targetExtra) {
    List<ConfigProblem> ps = assertThrows(ConfigException.class, () -> load(clusterBody, targetExtra)).problems();
    assertEquals(1, ps.size(), ps::toString);
    return ps.get(0);
  }

  @Test
  void objectivesAndOverhead() {
    ClusterSettings c = load("rpo-objective = 30s, rto-objective = 2m, rpo-objective-bytes = 16MiB, "
        + "promotion-overhead = 20s, archive-ready-max-age = 45s", "").clusters().get("main");
    assertEquals(new ClusterSettings("main", Duration.ofSeconds(30), Duration.ofMinutes(2), 16L * 1024 * 1024,
        Duration.ofSeconds(20), Duration.ofSeconds(45)), c);
  }

  @Test
  void defaultsWhenNotGiven() {
    ClusterSettings c = load("rto-objective = 1m", "").clusters().get("main");
    assertEquals(null, c.rpoObjective());
    assertEquals(null, c.rpoObjectiveBytes());
    assertEquals(Duration.ofSeconds(10), c.promotionOverhead());
    assertEquals(Duration.ofMinutes(2), c.archiveReadyMaxAge());
    assertEquals(Duration.ofSeconds(10), ClusterSettings.unconfigured("x").promotionOverhead(),
        "a cluster without a block gets the same default");
  }

  @Test
  void bytesAcceptsAPlainNumberAndUnits() {
    assertEquals(1000L, load("rpo-objective-bytes = 1000", "").clusters().get("main").rpoObjectiveBytes());
    assertEquals(1_000_000_000L, load("rpo-objective-bytes = 1GB", "").clusters().get("main").rpoObjectiveBytes());
    assertEquals(1L << 30, load("rpo-objective-bytes = \"1 GiB\"", "").clusters().get("main").rpoObjectiveBytes());
  }

  @Test
  void badBytes() {
    ConfigProblem p = problem("rpo-objective-bytes = lots", "");
    assertEquals("c.conf:2", p.origin());
    assertEquals("drwatch.clusters.main.rpo-objective-bytes", p.key());
    assertTrue(p.message().contains("must be a size such as 16MiB"), p.message());
    assertTrue(problem("rpo-objective-bytes = 0", "").message().contains("must be positive"));
    assertTrue(problem("rpo-objective-bytes = -5MiB", "").message().contains("must be positive")
        || problem("rpo-objective-bytes = -5MiB", "").message().contains("must be a size"));
  }

  @Test
  void badPromotionOverhead() {
    ConfigProblem p = problem("promotion-overhead = 10", "");
    assertEquals("drwatch.clusters.main.promotion-overhead", p.key());
    assertTrue(p.message().contains("needs a unit"), p.message());
    assertEquals("drwatch.clusters.main.promotion-overhead", problem("promotion-overhead = soon", "").key());
  }

  @Test
  void unknownClusterKeyStaysAnError() {
    ConfigProblem p = problem("rto = 1m", "");
    assertEquals("drwatch.clusters.main.rto", p.key());
    assertTrue(p.message().contains("unknown key (allowed: archive-ready-max-age, promotion-overhead, rpo-objective, rpo-objective-bytes, "
        + "rto-objective)"), p.message());
  }

  @Test
  void objectivesForAClusterWithoutTargetsAreAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(CollectorRegistry.builtIn(),
        Map.<String, String>of()::get).loadString("""
        drwatch {
          clusters { mian { rpo-objective = 30s } }
          targets = [ { name = a, host = h, user = u, no-password = true, labels { cluster = main } } ]
        }
        """, "typo.conf"));
    assertEquals(1, e.problems().size(), e.problems()::toString);
    ConfigProblem p = e.problems().get(0);
    assertEquals("typo.conf:2", p.origin());
    assertEquals("drwatch.clusters.mian", p.key());
    assertEquals("no target has labels.cluster = \"mian\" (targets' clusters: main)", p.message());
  }

  @Test
  void aClusterBlockForATargetsDefaultClusterIsFine() {
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString(
        "drwatch { clusters { solo { rto-objective = 1m } }, targets = [ { name = solo, host = h, user = u, "
            + "no-password = true } ] }", "solo.conf");
    assertEquals(Duration.ofMinutes(1), c.clusters().get("solo").rtoObjective());
  }

  @Test
  void heartbeatIsOffUnlessEnabledAndTakesATable() {
    AgentConfig off = load("", "");
    assertTrue(Schedule.forTarget(off.targets().get(0), off.defaults(), CollectorRegistry.builtIn()).stream()
        .noneMatch(s -> s.collector().name().equals("heartbeat")), "off by default");
    AgentConfig on = load("", ", collectors { heartbeat { enabled = true, table = \"ops.dr_heartbeat\", interval = 5s } }");
    Schedule s = Schedule.forTarget(on.targets().get(0), on.defaults(), CollectorRegistry.builtIn()).stream()
        .filter(x -> x.collector().name().equals("heartbeat")).findFirst().orElseThrow();
    assertEquals("ops.dr_heartbeat", ((PgHeartbeat) s.collector()).table());
    assertEquals(Duration.ofSeconds(5), s.interval());
    AgentConfig plain = load("", ", collectors { heartbeat { enabled = true } }");
    assertEquals(PgHeartbeat.DEFAULT_TABLE, ((PgHeartbeat) Schedule.forTarget(plain.targets().get(0),
        plain.defaults(), CollectorRegistry.builtIn()).stream().filter(x -> x.collector().name().equals("heartbeat"))
        .findFirst().orElseThrow().collector()).table());
  }

  @Test
  void aHeartbeatTableThatIsNotAPlainNameIsRejected() {
    for (String bad : List.of("\"x; DROP TABLE y\"", "\"Hb\"", "\"a.b.c\"", "\"\\\"quoted\\\"\"", "\"\"")) {
      ConfigProblem p = problem("", ", collectors { heartbeat { enabled = true, table = " + bad + " } }");
      assertEquals("drwatch.targets[0].collectors.heartbeat", p.key(), bad);
      assertTrue(p.message().startsWith("table must be an unquoted table name such as drwatch.heartbeat"), p.message());
    }
    ConfigProblem unknown = problem("", ", collectors { heartbeat { enabled = true, tabel = x } }");
    assertEquals("drwatch.targets[0].collectors.heartbeat.tabel", unknown.key());
  }

  @Test
  void theShippedConfigsLoad() {
    java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!java.nio.file.Files.isDirectory(dir.resolve("config"))) {
      dir = dir.getParent();
    }
    ConfigLoader loader = new ConfigLoader(CollectorRegistry.builtIn(),
        Map.of("DRWATCH_PG_PASSWORD", "x", "DRWATCH_CRDB_PASSWORD", "y")::get);
    AgentConfig full = loader.load(dir.resolve("config/drwatch.full.conf"));
    assertEquals(16L * 1024 * 1024, full.clusters().get("main").rpoObjectiveBytes());
    assertEquals(Duration.ofSeconds(10), full.clusters().get("main").promotionOverhead());
  }
}
