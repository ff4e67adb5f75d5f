package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.postgres.PgStatements;
import io.drwatch.collect.postgres.PgTables;
import io.drwatch.sample.Schedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** config/drwatch.full.conf loads against the built-in collectors and its options take effect. */
class ShippedConfigTest {

  static Path repoFile(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name);
      }
    }
    throw new AssertionError(name + " not found");
  }

  @Test
  void fullConfigLoadsWithTheCollectorOptionsItShows() {
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig c = new ConfigLoader(registry, Map.of("DRWATCH_PG_PASSWORD", "x", "DRWATCH_CRDB_PASSWORD", "y")::get)
        .load(repoFile("config/drwatch.full.conf"));
    List<Schedule> s = Schedule.forTarget(c.targets().get(0), c.defaults(), registry);
    Collector statements = find(s, "statements").collector();
    assertEquals(new PgStatements.Options(20, true, 200), ((PgStatements) statements).options());
    assertEquals(10, ((PgTables) find(s, "tables").collector()).topN());
    assertEquals(Duration.ofMinutes(5), find(s, "database_size").interval());
    assertEquals(Duration.ofSeconds(30), find(s, "statements").interval());
    assertTrue(s.stream().anyMatch(x -> x.collector().name().equals("io")), "io is on by default");
  }

  private static Schedule find(List<Schedule> s, String name) {
    return s.stream().filter(x -> x.collector().name().equals(name)).findFirst().orElseThrow();
  }
}
