package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code drwatch.logging}: defaults, per-logger levels, and problems as file:line key — message. */
class LoggingConfigTest {

  private static final String TARGET =
      "drwatch.targets = [ { name = a, url = \"jdbc:postgresql://db:5432/postgres\", user = u, no-password = true } ]\n";

  private static AgentConfig load(String hocon) {
    return new ConfigLoader(CollectorRegistry.builtIn().names(), k -> null).loadString(TARGET + hocon, "t.conf");
  }

  private static List<ConfigProblem> problems(String hocon) {
    return assertThrows(ConfigException.class, () -> load(hocon)).problems();
  }

  @Test
  void defaultsAreTextAtInfo() {
    LoggingSettings s = load("").logging();
    assertEquals("text", s.format());
    assertEquals("info", s.level());
    assertEquals(Map.of(), s.levels());
  }

  @Test
  void formatLevelAndLevelsPerLogger() {
    LoggingSettings s = load("""
        drwatch.logging {
          format = json
          level = WARN
          levels { "io.drwatch.sample" = debug, "com.zaxxer.hikari" = error }
        }
        """).logging();
    assertEquals("json", s.format());
    assertEquals("warn", s.level());
    assertEquals(Map.of("io.drwatch.sample", "debug", "com.zaxxer.hikari", "error"), s.levels());
  }

  @Test
  void badValuesAreProblemsWithTheirLine() {
    List<ConfigProblem> ps = problems("""
        drwatch.logging {
          format = xml
          level = loud
          levels { "io.drwatch" = chatty }
          colour = blue
        }
        """);
    assertEquals(4, ps.size(), ps.toString());
    assertTrue(ps.stream().anyMatch(p -> p.toString().equals("t.conf:3 drwatch.logging.format — must be text or json")), ps.toString());
    assertTrue(ps.stream().anyMatch(p -> p.toString().startsWith("t.conf:4 drwatch.logging.level — must be one of")), ps.toString());
    assertTrue(ps.stream().anyMatch(p -> p.toString().startsWith("t.conf:5 drwatch.logging.levels.\"io.drwatch\" — must be one of")), ps.toString());
    assertTrue(ps.stream().anyMatch(p -> p.toString().startsWith("t.conf:6 drwatch.logging.colour — unknown key")), ps.toString());
  }
}
