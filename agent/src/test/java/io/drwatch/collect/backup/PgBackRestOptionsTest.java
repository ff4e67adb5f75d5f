package io.drwatch.collect.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigException;
import io.drwatch.config.ConfigLoader;
import io.drwatch.sample.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pgbackrest collector's options, through the real config loader and schedule. */
class PgBackRestOptionsTest {

  private static final long MIB = 1024 * 1024;
  private final CollectorRegistry registry = CollectorRegistry.builtIn();

  private AgentConfig load(String collectors) {
    return new ConfigLoader(registry, Map.<String, String>of()::get).loadString("""
        drwatch { targets = [ { name = a, host = h, user = u, no-password = true,
          collectors { %s } } ] }
        """.formatted(collectors), "pgbackrest.conf");
  }

  private Optional<Schedule> schedule(String collectors) {
    AgentConfig c = load(collectors);
    return Schedule.forTarget(c.targets().get(0), c.defaults(), registry).stream()
        .filter(s -> s.collector().name().equals("pgbackrest")).findFirst();
  }

  private PgBackRestOptions options(String pgbackrestBlock) {
    return ((Pgbackrest) schedule("pgbackrest { enabled = true, " + pgbackrestBlock + " }")
        .orElseThrow().collector()).options();
  }

  private String problem(String pgbackrestBlock) {
    return assertThrows(ConfigException.class, () -> load("pgbackrest { enabled = true, " + pgbackrestBlock + " }"))
        .getMessage();
  }

  @Test
  void disabledUnlessATargetEnablesIt() {
    assertEquals(Optional.empty(), schedule(""));
    assertEquals(Optional.empty(), schedule("pgbackrest { stanza = main }"));
    assertTrue(registry.entries().stream().anyMatch(e -> e.collector().name().equals("pgbackrest") && !e.enabledByDefault()));
  }

  @Test
  void enabledItSamplesEveryMinuteWithTheTargetsTimeout() {
    Schedule s = schedule("pgbackrest { enabled = true }").orElseThrow();
    assertEquals(Duration.ofMinutes(1), s.interval());
    assertEquals(Duration.ofSeconds(5), s.timeout());
    assertEquals(PgBackRestOptions.DEFAULTS, ((Pgbackrest) s.collector()).options());
    Schedule slow = schedule("pgbackrest { enabled = true, interval = 10m, timeout = 2m, stanza = main }").orElseThrow();
    assertEquals(Duration.ofMinutes(10), slow.interval());
    assertEquals(Duration.ofMinutes(2), slow.timeout());
  }

  @Test
  void theCommandLineAlwaysEndsInInfoWithJsonOnStdout() {
    Pgbackrest c = new Pgbackrest(options(
        "command = [sudo, -n, -u, postgres, /usr/bin/pgbackrest], config = /etc/pgbackrest/pgbackrest.conf, "
            + "stanzas = [main, reporting], args = [\"--repo=1\"]"));
    assertEquals(List.of("main", "reporting"), c.options().stanzas());
    assertEquals(List.of("sudo", "-n", "-u", "postgres", "/usr/bin/pgbackrest", "--config=/etc/pgbackrest/pgbackrest.conf",
        "--stanza=main", "--output=json", "--log-level-console=warn", "--log-level-stderr=warn", "--repo=1", "info"),
        c.commandLine("main"));
    assertEquals(List.of("pgbackrest", "--output=json", "--log-level-console=warn", "--log-level-stderr=warn", "info"),
        new Pgbackrest().commandLine(null));
    assertEquals(List.of("/opt/pgbackrest/bin/pgbackrest"), options("command = /opt/pgbackrest/bin/pgbackrest").command());
  }

  @Test
  void jsonFileAndSegmentSize() {
    PgBackRestOptions o = options("json-file = /var/lib/drwatch/pgbackrest.json, stanza = main, wal-segment-size = 64MiB");
    assertEquals(Path.of("/var/lib/drwatch/pgbackrest.json"), o.jsonFile());
    assertEquals(List.of("main"), o.stanzas());
    assertEquals(64 * MIB, o.walSegmentSize());
    assertEquals(16 * MIB, options("stanza = main").walSegmentSize());
  }

  @Test
  void badOptionsAreNamedWithFileAndLine() {
    String prefix = "pgbackrest.conf:2 drwatch.targets[0].collectors.pgbackrest — ";
    assertEquals(prefix + "set either stanza or stanzas, not both", firstProblem("stanza = a, stanzas = [b]"));
    assertEquals(prefix + "stanzas must name at least one stanza (leave it out for all)", firstProblem("stanzas = []"));
    assertEquals(prefix + "stanzas lists 'a' twice", firstProblem("stanzas = [a, a]"));
    assertEquals(prefix + "stanza must be a string", firstProblem("stanza = [a]"));
    assertEquals(prefix + "stanzas must be a list of strings", firstProblem("stanzas = a"));
    assertEquals(prefix + "stanza: 'two words' is not a stanza name", firstProblem("stanza = \"two words\""));
    assertTrue(firstProblem("command = \"sudo -u postgres pgbackrest\"").startsWith(prefix
        + "command is one program, run without a shell; for a program with arguments use a list"));
    assertEquals(prefix + "command must be a program or a non-empty list of non-empty strings", firstProblem("command = []"));
    assertEquals(prefix + "args holds pgBackRest options such as --repo=1; 'backup' is not one (the command is always info)",
        firstProblem("args = [backup]"));
    assertEquals(prefix + "args must not set --stanza: drwatch sets it (use the stanza, stanzas and config keys)",
        firstProblem("args = [\"--stanza=x\"]"));
    assertEquals(prefix + "args must not set --output: drwatch sets it (use the stanza, stanzas and config keys)",
        firstProblem("args = [\"--output=text\"]"));
    assertEquals(prefix + "command does not apply with json-file (the file is read, pgBackRest is not run); remove one of them",
        firstProblem("json-file = /x.json, command = pgbackrest"));
    assertEquals(prefix + "config must not be empty", firstProblem("config = \"\""));
    assertTrue(firstProblem("wal-segment-size = 16MB").startsWith(prefix + "wal-segment-size must be a power of two from 1MiB "
        + "to 1GiB, as initdb --wal-segsize allows (got 16000000 bytes; note 16MB means 16000000, write 16MiB)"));
    assertEquals(prefix + "wal-segment-size must be a size such as 16MiB", firstProblem("wal-segment-size = big"));
    assertEquals("pgbackrest.conf:2 drwatch.targets[0].collectors.pgbackrest.stanzaz — unknown key",
        firstProblem("stanzaz = main").substring(0, "pgbackrest.conf:2 drwatch.targets[0].collectors.pgbackrest.stanzaz — unknown key".length()));
  }

  private String firstProblem(String block) {
    String m = problem(block);
    // ConfigException lists one problem per line after a header line
    return m.lines().map(String::strip).filter(l -> l.startsWith("pgbackrest.conf:")).findFirst()
        .orElseThrow(() -> new AssertionError("no file:line in: " + m));
  }
}
