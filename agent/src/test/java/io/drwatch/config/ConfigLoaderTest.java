package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.target.Flavor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

  /** A target that is valid on its own; tests add or replace one key. */
  private static final String OK_TARGET =
      "name = \"pg-a\", url = \"jdbc:postgresql://db:5432/postgres\", user = \"drwatch\", no-password = true";

  /** A target of cluster main, so that a clusters.main block has a member. */
  private static final String MAIN_TARGET =
      "\ndrwatch.targets = [ { " + OK_TARGET + ", labels { cluster = main } } ]";

  private final Map<String, String> env = new HashMap<>();

  @TempDir
  Path dir;

  private ConfigLoader loader() {
    return new ConfigLoader(CollectorRegistry.builtIn().names(), env::get);
  }

  private AgentConfig load(String hocon) {
    return loader().loadString(hocon, "test.conf");
  }

  private List<ConfigProblem> problems(String hocon) {
    return assertThrows(ConfigException.class, () -> load(hocon)).problems();
  }

  /** The one problem a config has (fails listing all of them when there are more). */
  private ConfigProblem problem(String hocon) {
    List<ConfigProblem> ps = problems(hocon);
    assertEquals(1, ps.size(), () -> "expected one problem, got " + ps);
    return ps.get(0);
  }

  private ConfigProblem targetProblem(String targetBody) {
    return problem("drwatch { targets = [ { " + targetBody + " } ] }");
  }

  private static void assertProblem(ConfigProblem p, String origin, String key, String messagePart) {
    assertAll(p.toString(),
        () -> assertEquals(origin, p.origin()),
        () -> assertEquals(key, p.key()),
        () -> assertTrue(p.message().contains(messagePart), p.message()));
  }

  private Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  // ---- valid configs

  @Test
  void designShapeLoads() throws IOException {
    env.put("DRWATCH_PG_PASSWORD", "from-env");
    Path pass = write("pg-b.pass", "from-file\n");
    AgentConfig c = load("""
        drwatch {
          http { host = "0.0.0.0", port = 9966 }
          defaults { interval = 15s, timeout = 5s }
          clusters {
            main { rpo-objective = 30s, rto-objective = 2m }
          }
          targets = [
            { name = "pg-a", url = "jdbc:postgresql://10.0.0.1:5432/postgres", user = "drwatch",
              password-env = "DRWATCH_PG_PASSWORD", labels { cluster = "main", region = "us-east-1" } }
            { name = "pg-b", url = "jdbc:postgresql://10.0.1.1:5432/postgres", user = "drwatch",
              password-file = "%s", labels { cluster = "main", region = "us-west-2" }
              collectors { settings { interval = 60s } } }
          ]
        }
        """.formatted(pass));
    assertEquals(new HttpSettings("0.0.0.0", 9966), c.http());
    assertEquals(Duration.ofSeconds(15), c.defaults().interval());
    assertEquals(Duration.ofSeconds(5), c.defaults().timeout());
    assertEquals(Map.of("main", new ClusterSettings("main", Duration.ofSeconds(30), Duration.ofMinutes(2))),
        c.clusters());
    assertEquals("test.conf", c.source());
    assertEquals(2, c.targets().size());

    TargetSettings a = c.targets().get(0);
    assertEquals("pg-a", a.name());
    assertEquals("jdbc:postgresql://10.0.0.1:5432/postgres", a.url());
    assertEquals("drwatch", a.user());
    assertEquals("from-env", a.password().reveal());
    assertEquals(Map.of("cluster", "main", "region", "us-east-1"), a.labels());
    assertEquals("main", a.cluster());
    assertEquals(Flavor.AUTO, a.flavor());
    assertNull(a.interval());
    assertNull(a.timeout());
    assertEquals(Map.of(), a.collectors());
    assertEquals("test.conf:8", a.origin());

    TargetSettings b = c.targets().get(1);
    assertEquals("from-file", b.password().reveal(), "the trailing newline of the file is not part of it");
    assertEquals(Map.of("settings", new CollectorSettings(null, Duration.ofSeconds(60), null)), b.collectors());
    assertEquals("test.conf:10", b.origin());
  }

  @Test
  void defaultsComeFromReferenceConf() {
    AgentConfig c = load("drwatch { targets = [ { " + OK_TARGET + " } ] }");
    assertEquals(new HttpSettings("0.0.0.0", 9966), c.http());
    assertEquals(new Defaults(Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(1), Duration.ofSeconds(30), 2, 3), c.defaults());
    assertEquals(Map.of(), c.clusters());
  }

  @Test
  void clusterDefaultsToTheTargetName() {
    TargetSettings t = load("drwatch { targets = [ { " + OK_TARGET + " } ] }").targets().get(0);
    assertEquals("pg-a", t.cluster());
    assertEquals(Map.of("cluster", "pg-a"), t.labels());
    assertNull(t.password());
  }

  @Test
  void emptyFileIsAnAgentWithoutTargets() {
    AgentConfig c = load("");
    assertEquals(List.of(), c.targets());
    assertEquals(9966, c.http().port());
  }

  @Test
  void hostPortDatabaseBuildTheUrl() {
    AgentConfig c = load("""
        drwatch { targets = [
          { name = a, host = "db.example", port = 5433, database = "app", user = u, no-password = true }
          { name = b, host = "::1", user = u, no-password = true }
        ] }
        """);
    assertEquals("jdbc:postgresql://db.example:5433/app", c.targets().get(0).url());
    assertEquals("jdbc:postgresql://[::1]:5432/postgres", c.targets().get(1).url());
  }

  @Test
  void flavorAndOverrides() {
    TargetSettings t = load("drwatch { targets = [ { " + OK_TARGET + ", flavor = CockroachDB, "
        + "interval = 30s, timeout = 10s, collectors { wal { enabled = false } } } ] }").targets().get(0);
    assertEquals(Flavor.COCKROACHDB, t.flavor());
    assertEquals(Duration.ofSeconds(30), t.interval());
    assertEquals(Duration.ofSeconds(10), t.timeout());
    assertEquals(Map.of("wal", new CollectorSettings(false, null, null)), t.collectors());
  }

  @Test
  void loadsFromAFile() throws IOException {
    Path f = write("drwatch.conf", "drwatch {\n  targets = [ { " + OK_TARGET + " } ]\n}\n");
    AgentConfig c = loader().load(f);
    assertEquals(f.toString(), c.source());
    assertEquals(f + ":2", c.targets().get(0).origin());
  }

  // ---- one problem each

  @Test
  void unknownTopLevelKey() {
    assertProblem(problem("drwatch { targetz = [] }"), "test.conf:1", "drwatch.targetz", "unknown key");
    assertProblem(problem("drwach { targets = [] }"), "test.conf:1", "drwach", "unknown key");
  }

  @Test
  void unknownKeyInsideATargetNamesKeyAndLine() {
    ConfigProblem p = problem("""
        drwatch {
          targets = [
            { name = "pg-a", url = "jdbc:postgresql://db/postgres", user = "drwatch",
              no-password = true,
              colour = "blue" }
          ]
        }
        """);
    assertProblem(p, "test.conf:5", "drwatch.targets[0].colour", "unknown key (allowed: cockroach, collectors, database,");
    assertTrue(p.toString().startsWith("test.conf:5 drwatch.targets[0].colour — unknown key"), p.toString());
  }

  @Test
  void unknownKeyInHttpDefaultsClusterAndCollector() {
    assertProblem(problem("drwatch.http.hots = x"), "test.conf:1", "drwatch.http.hots", "unknown key");
    assertProblem(problem("drwatch.defaults.intervall = 1s"), "test.conf:1", "drwatch.defaults.intervall", "unknown key");
    assertProblem(problem("drwatch.clusters.main.rpo = 1s" + MAIN_TARGET), "test.conf:1", "drwatch.clusters.main.rpo", "unknown key");
    assertProblem(targetProblem(OK_TARGET + ", collectors { wal { every = 1s } }"), "test.conf:1",
        "drwatch.targets[0].collectors.wal.every", "unknown key");
  }

  @Test
  void portMustBeANumber() {
    assertProblem(targetProblem("name = a, host = db, port = \"abc\", user = u, no-password = true"),
        "test.conf:1", "drwatch.targets[0].port", "must be a whole number");
    assertProblem(problem("drwatch.http.port = abc"), "test.conf:1", "drwatch.http.port", "must be a whole number");
    assertProblem(problem("drwatch.http.port = 70000"), "test.conf:1", "drwatch.http.port", "between 0 and 65535");
  }

  @Test
  void badDuration() {
    assertProblem(problem("drwatch.defaults.interval = fast"), "test.conf:1", "drwatch.defaults.interval",
        "must be a duration such as 15s");
    assertProblem(targetProblem(OK_TARGET + ", interval = \"fast\""), "test.conf:1",
        "drwatch.targets[0].interval", "must be a duration");
  }

  @Test
  void durationNeedsAUnit() {
    assertProblem(targetProblem(OK_TARGET + ", interval = 15"), "test.conf:1", "drwatch.targets[0].interval",
        "needs a unit");
    assertProblem(problem("drwatch.clusters.main.rpo-objective = 30" + MAIN_TARGET), "test.conf:1",
        "drwatch.clusters.main.rpo-objective", "needs a unit");
  }

  @Test
  void quotedNumberStillNeedsAUnit() {
    // HOCON would read "60" as 60 milliseconds; a user meant seconds or made a typo.
    assertProblem(targetProblem(OK_TARGET + ", collectors { settings { interval = \"60\" } }"), "test.conf:1",
        "drwatch.targets[0].collectors.settings.interval", "needs a unit");
  }

  @Test
  void durationMustBePositive() {
    assertProblem(targetProblem(OK_TARGET + ", timeout = 0s"), "test.conf:1", "drwatch.targets[0].timeout",
        "must be positive");
  }

  @Test
  void duplicateTargetNames() {
    List<ConfigProblem> ps = problems("""
        drwatch { targets = [
          { %s }
          { %s }
        ] }
        """.formatted(OK_TARGET, OK_TARGET));
    assertEquals(1, ps.size(), ps.toString());
    assertProblem(ps.get(0), "test.conf:3", "drwatch.targets[1].name", "duplicate target name \"pg-a\"");
  }

  @Test
  void missingPasswordSource() {
    assertProblem(targetProblem("name = a, url = \"jdbc:postgresql://db/x\", user = u"), "test.conf:1",
        "drwatch.targets[0]", "needs a password source");
  }

  @Test
  void passwordEnvAndPasswordFileTogether() {
    env.put("PW", "x");
    assertProblem(targetProblem("name = a, url = \"jdbc:postgresql://db/x\", user = u, password-env = PW, "
        + "password-file = \"/etc/drwatch/a.pass\""), "test.conf:1", "drwatch.targets[0].password-file",
        "choose one of [password-env, password-file]");
  }

  @Test
  void passwordEnvNamingAnUnsetVariable() {
    assertProblem(targetProblem("name = a, url = \"jdbc:postgresql://db/x\", user = u, password-env = NOT_SET_HERE"),
        "test.conf:1", "drwatch.targets[0].password-env", "environment variable NOT_SET_HERE is not set");
  }

  @Test
  void unreadablePasswordFile() {
    Path missing = dir.resolve("missing.pass");
    assertProblem(targetProblem("name = a, url = \"jdbc:postgresql://db/x\", user = u, password-file = \""
        + missing + "\""), "test.conf:1", "drwatch.targets[0].password-file", "cannot read " + missing);
    assertProblem(targetProblem("name = a, url = \"jdbc:postgresql://db/x\", user = u, password-file = \""
        + dir + "\""), "test.conf:1", "drwatch.targets[0].password-file", "cannot read " + dir);
  }

  @Test
  void noPasswordFalseIsNotAPasswordSource() {
    assertProblem(targetProblem("name = a, url = \"jdbc:postgresql://db/x\", user = u, no-password = false"),
        "test.conf:1", "drwatch.targets[0].no-password", "instead of no-password = false");
  }

  @Test
  void inlinePasswordIsRejected() {
    List<ConfigProblem> ps = problems(
        "drwatch { targets = [ { name = a, url = \"jdbc:postgresql://db/x\", user = u, password = \"hunter2\" } ] }");
    assertTrue(ps.stream().anyMatch(p -> p.key().equals("drwatch.targets[0].password")), ps.toString());
    assertTrue(ps.stream().anyMatch(p -> p.message().contains("inline passwords are not accepted")), ps.toString());
  }

  @Test
  void unknownCollector() {
    assertProblem(targetProblem(OK_TARGET + ", collectors { statementz { interval = 60s } }"), "test.conf:1",
        "drwatch.targets[0].collectors.statementz",
        "unknown collector (known: " + String.join(", ", new java.util.TreeSet<>(CollectorRegistry.builtIn().names())) + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"job", "instance", "target", "role", "collector"})
  void reservedLabel(String label) {
    assertProblem(targetProblem(OK_TARGET + ", labels { " + label + " = x }"), "test.conf:1",
        "drwatch.targets[0].labels." + label, "is reserved");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad-name", "__meta", "1st", "ü"})
  void invalidLabelName(String label) {
    assertProblem(targetProblem(OK_TARGET + ", labels { \"" + label + "\" = x }"), "test.conf:1",
        "drwatch.targets[0].labels." + label, "is not a valid Prometheus label name");
  }

  @Test
  void labelValueMustBeAString() {
    assertProblem(targetProblem(OK_TARGET + ", labels { region { a = b } }"), "test.conf:1",
        "drwatch.targets[0].labels.region", "must be a string");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql://db/x", "jdbc:mysql://db/x", "jdbc:postgresql:x"})
  void urlMustBeJdbcPostgresql(String url) {
    assertProblem(targetProblem("name = a, url = \"" + url + "\", user = u, no-password = true"), "test.conf:1",
        "drwatch.targets[0].url", "must start with jdbc:postgresql://");
  }

  @Test
  void urlAndHostTogether() {
    assertProblem(targetProblem(OK_TARGET + ", host = db"), "test.conf:1", "drwatch.targets[0].host",
        "either url or host");
  }

  @Test
  void timeoutLongerThanInterval() {
    assertProblem(targetProblem(OK_TARGET + ", interval = 5s, timeout = 10s"), "test.conf:1",
        "drwatch.targets[0].timeout", "must not exceed the interval");
    assertProblem(targetProblem(OK_TARGET + ", timeout = 20s"), "test.conf:1",
        "drwatch.targets[0].timeout", "must not exceed the interval"); // the default interval, 15s
    assertProblem(problem("drwatch.defaults { interval = 2s, timeout = 3s }"), "test.conf:1",
        "drwatch.defaults.timeout", "must not exceed the interval");
    assertProblem(targetProblem(OK_TARGET + ", collectors { wal { interval = 1s, timeout = 2s } }"),
        "test.conf:1", "drwatch.targets[0].collectors.wal.timeout", "must not exceed the interval");
  }

  @Test
  void requiredTargetKeys() {
    List<ConfigProblem> ps = problems("drwatch { targets = [ { url = \"jdbc:postgresql://db/x\", no-password = true } ] }");
    assertEquals(List.of("drwatch.targets[0].name", "drwatch.targets[0].user"),
        ps.stream().map(ConfigProblem::key).toList(), ps.toString());
  }

  @Test
  void targetNameCharacters() {
    assertProblem(targetProblem("name = \"pg a\", url = \"jdbc:postgresql://db/x\", user = u, no-password = true"),
        "test.conf:1", "drwatch.targets[0].name", "must be letters");
  }

  @Test
  void hoconSyntaxError() {
    ConfigProblem p = problem("""
        drwatch {
          targets = [
            { name = "a" ]
        }
        """);
    assertEquals("test.conf:3", p.origin(), p.toString());
    assertEquals("-", p.key());
    assertFalse(p.message().startsWith("test.conf"), "origin is not repeated in the message: " + p.message());
  }

  @Test
  void hoconSyntaxErrorInAFile() throws IOException {
    Path f = write("broken.conf", "drwatch {\n  http { port = 1 \n");
    ConfigProblem p = assertThrows(ConfigException.class, () -> loader().load(f)).problems().get(0);
    assertTrue(p.origin().startsWith(f + ":"), p.toString());
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.conf");
    List<ConfigProblem> ps = assertThrows(ConfigException.class, () -> loader().load(f)).problems();
    assertEquals(List.of(new ConfigProblem(f.toString(), "-", "no such config file")), ps);
  }

  @Test
  void everyProblemIsReportedTogether() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("""
        drwatch {
          http { port = "abc" }
          defaults { interval = fast }
          targets = [
            { name = "pg-a", url = "postgres://db", user = "u", no-password = true,
              labels { job = "x" } }
            { name = "pg-b", url = "jdbc:postgresql://db/x", user = "u" }
          ]
        }
        """));
    assertEquals(List.of(
        "test.conf:2 drwatch.http.port",
        "test.conf:3 drwatch.defaults.interval",
        "test.conf:5 drwatch.targets[0].url",
        "test.conf:6 drwatch.targets[0].labels.job",
        "test.conf:7 drwatch.targets[1]"),
        e.problems().stream().map(p -> p.origin() + " " + p.key()).toList(), e.getMessage());
    assertEquals(5, e.getMessage().lines().count(), "the exception message lists them all");
  }

  @Test
  void aLoaderCanBeUsedAgainAfterAFailure() {
    ConfigLoader loader = loader();
    assertThrows(ConfigException.class, () -> loader.loadString("drwatch { bogus = 1 }", "a.conf"));
    AgentConfig c = loader.loadString("drwatch { targets = [ { " + OK_TARGET + " } ] }", "b.conf");
    assertEquals("b.conf", c.source());
  }

  @Test
  void secretsNeverAppearInProblems() throws IOException {
    env.put("PG_PASSWORD", "s3cr3t-env");
    Path pass = write("a.pass", "s3cr3t-file\n");
    List<ConfigProblem> ps = problems("""
        drwatch { targets = [
          { name = "a", url = "jdbc:postgresql://db/x", user = u, password-env = PG_PASSWORD, colour = red }
          { name = "b", url = "jdbc:postgresql://db/x", user = u, password-file = "%s", interval = fast }
          { name = "c", url = "jdbc:postgres://db/x?user=u&password=hunter2", user = u, no-password = true }
          { name = "d", url = "jdbc:postgresql://db/x", user = u, password = "inline-pw" }
          { name = "e", url = "jdbc:postgresql://db/x", user = u, password-env = PG_PASSWORD, password-file = "%s" }
        ] }
        """.formatted(pass, pass));
    assertTrue(ps.size() >= 5, ps.toString());
    for (ConfigProblem p : ps) {
      for (String secret : List.of("s3cr3t-env", "s3cr3t-file", "hunter2", "inline-pw")) {
        assertFalse(p.toString().contains(secret), "secret in " + p);
      }
    }
  }

  @Test
  void secretsNeverAppearInSyntaxErrors() {
    for (String hocon : List.of(
        "drwatch { targets = [ { url = \"jdbc:postgresql://db/x?password=hunter2\" ] }",
        "drwatch { targets = [ { url = \"jdbc:postgresql://db/x?password=hunter2 } ] }",
        "drwatch { targets = [ { password = hunter2 : } ] }")) {
      ConfigException e = assertThrows(ConfigException.class, () -> load(hocon));
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
  }
}
