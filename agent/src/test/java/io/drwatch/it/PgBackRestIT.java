package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.Sample;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.PgBackRestRepo;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sandbox.OsUser;
import io.drwatch.sandbox.PgSandbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pgbackrest collector against real pgBackRest (Debian package) and a real sandbox primary:
 * archive-push through archive_command, stanza-create, a full then an incremental backup, and the
 * collector's metrics following each step. The agent's user is not the database's: when the tests
 * run as root pgBackRest and PostgreSQL run as nobody, and the collector runs pgBackRest as
 * {@code daemon} with the repository's group (the setup docs/metrics.md recommends: the
 * monitoring user in the group pgBackRest's 0750/0640 files belong to). Failures are real too: a
 * missing config file (nonzero exit), a stanza that does not exist, a repository the agent's user
 * may not read, and a config file that is a FIFO nobody writes, on which pgBackRest blocks.
 * The tests run in order on one cluster and build on each other (the backups of 2 and 3 are read
 * by the later ones), so run the class, not single methods.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBackRestIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String STANZA = "main";
  private static final String SECRET = "it-supersecret-cipher-pass";

  private final boolean root = OsUser.detect().dropsPrivileges();
  private String exe;
  private String version;
  private PgSandbox pg;
  private PgBackRestRepo repo;
  private Watch watch;
  private Path infoFile;
  private Path pollutedFile;
  private Path fifo;
  private double fullCompletion;
  private double fullDuration;

  @BeforeAll
  void start() throws Exception {
    exe = PgBackRestRepo.executable().orElse(null);
    if (exe == null) {
      System.out.println("SKIPPED PgBackRestIT: pgbackrest is not installed. The build installs the "
          + "Debian package when it runs as root or with passwordless sudo "
          + "(agent/src/test/sh/ensure-packages.sh); otherwise: sudo apt-get install pgbackrest");
    }
    assumeTrue(exe != null, "pgbackrest is not installed (apt-get install pgbackrest)");
    version = PgBackRestRepo.version(exe);
    int major = Math.min(Clusters.defaultMajor(), PgBackRestRepo.newestSupportedMajor(version));
    System.out.println("PgBackRestIT: pgBackRest " + version + " with PostgreSQL " + major
        + (root ? " (database as nobody, agent's pgbackrest as daemon in group "
            + PgBackRestRepo.DB_GROUP + ")" : " (everything as the current user)"));
    pg = PgSandbox.builder().version(major).start();
    Instant t0 = Instant.now();
    repo = PgBackRestRepo.create(pg, STANZA, exe);
    System.out.println("PgBackRestIT: stanza-create + check took "
        + Duration.between(t0, Instant.now()).toMillis() + " ms");
    infoFile = repo.dir().resolve("info.json");
    pollutedFile = repo.dir().resolve("polluted.json");
    fifo = repo.fifo("hang.conf");
    Path leaky = repo.writeFile("leaky.conf",
        "[global]\nrepo1-path=" + repo.dir().resolve("repo") + "\nrepo1-cipher-pass " + SECRET + "\n");
    watch = new Watch(config(targets(
        "pg", pgbackrest(agentCommand(), "config = \"" + repo.config() + "\", stanza = " + STANZA),
        "all", pgbackrest(agentCommand(), "config = \"" + repo.config() + "\""),
        "nosuch", pgbackrest(agentCommand(), "config = \"" + repo.config() + "\", stanza = nosuch"),
        "outsider", pgbackrest(outsiderCommand(), "config = \"" + repo.config() + "\", stanza = " + STANZA),
        "outsider-public-config", pgbackrest(outsiderCommand(), "config = \"" + repo.publicConfigCopy()
            + "\", stanza = " + STANZA),
        "bad-config", pgbackrest(agentCommand(), "config = \"" + repo.dir().resolve("missing.conf")
            + "\", stanza = " + STANZA),
        "leaky", pgbackrest(agentCommand(), "config = \"" + leaky + "\", stanza = " + STANZA),
        "not-installed", pgbackrest("\"/nonexistent/bin/pgbackrest\"", "stanza = " + STANZA),
        "hang", pgbackrest(agentCommand(), "config = \"" + fifo + "\", stanza = " + STANZA + ", timeout = 10s"),
        "file", "json-file = \"" + infoFile + "\", stanza = " + STANZA,
        "polluted-file", "json-file = \"" + pollutedFile + "\"")));
  }

  @AfterAll
  void stop() {
    if (watch != null) {
      watch.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  // ---- config

  /** pgBackRest as the agent's user: not the database's, but a member of its group. */
  private String agentCommand() {
    if (!root) {
      return quoted(List.of(exe));
    }
    return quoted(List.of("setpriv", "--reuid=daemon", "--regid=daemon",
        "--groups=" + PgBackRestRepo.DB_GROUP, "--", exe));
  }

  /** A user outside the repository's group. */
  private String outsiderCommand() {
    if (!root) {
      return quoted(List.of(exe));
    }
    return quoted(List.of("setpriv", "--reuid=daemon", "--regid=daemon", "--clear-groups", "--", exe));
  }

  /** Target name, pgbackrest options, … in order. */
  private static Map<String, String> targets(String... nameAndOptions) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < nameAndOptions.length; i += 2) {
      m.put(nameAndOptions[i], nameAndOptions[i + 1]);
    }
    return m;
  }

  private static String quoted(List<String> cmd) {
    return cmd.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
  }

  private static String pgbackrest(String command, String rest) {
    return "command = " + command + ", " + rest;
  }

  private AgentConfig config(Map<String, String> pgbackrestOptionsByTarget) {
    return config(pgbackrestOptionsByTarget, "");
  }

  private AgentConfig config(Map<String, String> pgbackrestOptionsByTarget, String http) {
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv)
        .loadString(hocon(pgbackrestOptionsByTarget, http), "pgbackrest-it.conf");
  }

  private String hocon(Map<String, String> pgbackrestOptionsByTarget, String http) {
    StringBuilder b = new StringBuilder("drwatch {\n" + http
        + " defaults { interval = 5s, timeout = 3s, connect-timeout = 5s, max-connections = 1 }\n targets = [\n");
    pgbackrestOptionsByTarget.forEach((name, options) -> b.append("  { name = \"").append(name)
        .append("\", url = \"").append(pg.primary().jdbcUrl()).append("\", user = \"")
        .append(PgSandbox.MONITOR_ROLE).append("\", no-password = true, labels { cluster = c1 },\n")
        .append("    collectors { pgbackrest { enabled = true, timeout = 30s, ").append(options)
        .append(" } } }\n"));
    b.append(" ]\n}\n");
    return b.toString();
  }

  // ---- helpers

  private CollectorResult collect(String target) {
    watch.run(target, "pgbackrest");
    return watch.result(target, "pgbackrest").orElseThrow(() -> new AssertionError("no pgbackrest result for " + target));
  }

  private CollectorResult collectOk(String target) {
    CollectorResult r = collect(target);
    assertTrue(r.success(), target + ": " + r.error());
    return r;
  }

  private double value(String target, String family, String... labels) {
    return watch.require(target, family, labels);
  }

  private boolean has(String target, String family, String... labels) {
    return watch.value(target, family, labels).isPresent();
  }

  private double pgNumber(String sql) {
    return Double.parseDouble(pg.primary().sql(sql));
  }

  private JsonObject newestBackupJson() {
    JsonArray stanzas = new JsonArray(repo.infoStdout(true));
    JsonArray backups = stanzas.getJsonObject(0).getJsonArray("backup");
    return backups.getJsonObject(backups.size() - 1);
  }

  // ---- the backup lifecycle

  @Test
  @Order(1)
  void afterStanzaCreateTheStanzaHasNoValidBackupsAndItsArchiveReceivesWal() throws Exception {
    String raw = repo.infoStdout(false);
    assertFalse(raw.strip().startsWith("["), "the fixture's config must put debug lines before the JSON: "
        + raw.lines().findFirst().orElse(""));

    CollectorResult r = collectOk("pg");
    System.out.println("PgBackRestIT: collector run (pgbackrest info as the agent's user) took "
        + Math.round(r.durationSeconds() * 1000) + " ms");
    assertEquals(2, value("pg", "pgbackrest_stanza_status", "stanza", STANZA));
    assertEquals(1, value("pg", "pgbackrest_stanza_status_message_info", "stanza", STANZA,
        "message", "no valid backups"));
    assertEquals(2, value("pg", "pgbackrest_repo_status", "stanza", STANZA, "repo", "1"));
    for (String type : List.of("full", "diff", "incr")) {
      assertEquals(0, value("pg", "pgbackrest_backups", "stanza", STANZA, "type", type));
      assertFalse(has("pg", "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", STANZA, "type", type));
    }
    assertFalse(has("pg", "pgbackrest_backup_newest_has_errors"));
    // the system identifier exceeds 2^53: equal only if parsed exactly
    assertTrue(Long.parseUnsignedLong(watch.sampler("pg").server().systemIdentifier()) > (1L << 53));
    assertEquals(1, value("pg", "pgbackrest_stanza_matches_target", "stanza", STANZA));
    assertEquals(1, value("pg", "pgbackrest_stanza_info", "stanza", STANZA, "cipher", "none",
        "pg_version", Integer.toString(pg.major()),
        "system_identifier", watch.sampler("pg").server().systemIdentifier()));
    // check switched WAL and archive-push put it in the repository
    double maxEnd = value("pg", "pgbackrest_archive_wal_lsn_bytes", "stanza", STANZA, "repo", "1", "bound", "max");
    assertTrue(maxEnd > 0 && maxEnd <= pgNumber("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"), "" + maxEnd);
    assertEquals(1, value("pg", "pgbackrest_archive_wal_timeline", "stanza", STANZA, "repo", "1", "bound", "max"));
    assertEquals("", Promtool.checkMetrics(watch.exposition()));
  }

  @Test
  @Order(2)
  void aFullBackupSetsTheFullTimestampSizesAndCount() throws Exception {
    pg.write(20_000);
    double before = Instant.now().getEpochSecond();
    Duration took = repo.backup("full");
    double after = Instant.now().getEpochSecond() + 1;
    System.out.println("PgBackRestIT: backup --type=full took " + took.toMillis() + " ms");

    collectOk("pg");
    assertEquals(0, value("pg", "pgbackrest_stanza_status", "stanza", STANZA));
    assertEquals(1, value("pg", "pgbackrest_stanza_status_message_info", "stanza", STANZA, "message", "ok"));
    fullCompletion = value("pg", "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", STANZA, "type", "full");
    assertTrue(fullCompletion >= before && fullCompletion <= after, before + " <= " + fullCompletion + " <= " + after);
    assertFalse(has("pg", "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", STANZA, "type", "incr"));
    assertFalse(has("pg", "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", STANZA, "type", "diff"));
    assertEquals(1, value("pg", "pgbackrest_backups", "stanza", STANZA, "type", "full"));
    assertEquals(0, value("pg", "pgbackrest_backups", "stanza", STANZA, "type", "incr"));
    fullDuration = value("pg", "pgbackrest_backup_last_duration_seconds", "stanza", STANZA, "type", "full");
    assertTrue(fullDuration >= 0 && fullDuration <= took.toSeconds() + 1, fullDuration + " vs " + took);
    double size = value("pg", "pgbackrest_backup_last_size_bytes", "stanza", STANZA, "type", "full");
    double databases = pgNumber("SELECT sum(pg_database_size(oid)) FROM pg_database");
    assertTrue(size >= 0.9 * databases, size + " bytes backed up, databases hold " + databases);
    assertEquals(size, value("pg", "pgbackrest_backup_last_delta_bytes", "stanza", STANZA, "type", "full"),
        "a full backup copies everything");
    double repoSize = value("pg", "pgbackrest_backup_last_repo_size_bytes", "stanza", STANZA, "type", "full");
    assertTrue(repoSize > 0 && repoSize < size, "lz4-compressed " + repoSize + " of " + size);
    assertEquals(0, value("pg", "pgbackrest_backup_newest_has_errors", "stanza", STANZA));
    assertEquals(fullCompletion, value("pg", "pgbackrest_backup_oldest_completion_timestamp_seconds", "stanza", STANZA));
    assertEquals(fullCompletion, value("pg", "pgbackrest_repo_backup_last_completion_timestamp_seconds",
        "stanza", STANZA, "repo", "1", "type", "full"));
    assertEquals(0, value("pg", "pgbackrest_stanza_backup_lock_held", "stanza", STANZA));
    // the repository holds the WAL that makes the backup consistent, and nothing PostgreSQL has not written
    String stopLsn = newestBackupJson().getJsonObject("lsn").getString("stop");
    double maxEnd = value("pg", "pgbackrest_archive_wal_lsn_bytes", "stanza", STANZA, "repo", "1", "bound", "max");
    assertTrue(maxEnd > pgNumber("SELECT pg_wal_lsn_diff('" + stopLsn + "', '0/0')"), maxEnd + " vs stop " + stopLsn);
    assertTrue(maxEnd <= pgNumber("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"));
    assertEquals("", Promtool.checkMetrics(watch.exposition()));
  }

  @Test
  @Order(3)
  void anIncrementalHoldsTheLockWhileItRunsThenSetsTheIncrTimestamp() throws Exception {
    pg.write(20_000);
    double maxBefore = value("pg", "pgbackrest_archive_wal_lsn_bytes", "stanza", STANZA, "repo", "1", "bound", "max");
    Instant t0 = Instant.now();
    Process backup = repo.startBackup("incr");
    boolean sawLock = false;
    while (backup.isAlive() && !sawLock) {
      collectOk("pg");
      sawLock = watch.value("pg", "pgbackrest_stanza_backup_lock_held", "stanza", STANZA).orElse(0.0) == 1;
    }
    assertTrue(backup.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "incremental backup did not finish");
    Duration took = Duration.between(t0, Instant.now());
    assertEquals(0, backup.exitValue(), Files.readString(repo.dir().resolve("background-backup.out")));
    System.out.println("PgBackRestIT: backup --type=incr took " + took.toMillis() + " ms");
    assertTrue(sawLock, "pgbackrest_stanza_backup_lock_held never read 1 while the backup ran");

    collectOk("pg");
    assertEquals(0, value("pg", "pgbackrest_stanza_backup_lock_held", "stanza", STANZA));
    double incr = value("pg", "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", STANZA, "type", "incr");
    assertTrue(incr > fullCompletion, "incr " + incr + " must be newer than full " + fullCompletion);
    assertEquals(fullCompletion, value("pg", "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", STANZA, "type", "full"));
    assertEquals(fullDuration, value("pg", "pgbackrest_backup_last_duration_seconds", "stanza", STANZA, "type", "full"));
    assertEquals(1, value("pg", "pgbackrest_backups", "stanza", STANZA, "type", "incr"));
    assertEquals(1, value("pg", "pgbackrest_backups", "stanza", STANZA, "type", "full"));
    assertFalse(has("pg", "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", STANZA, "type", "diff"));
    double incrSize = value("pg", "pgbackrest_backup_last_size_bytes", "stanza", STANZA, "type", "incr");
    double incrDelta = value("pg", "pgbackrest_backup_last_delta_bytes", "stanza", STANZA, "type", "incr");
    assertTrue(incrDelta > 0 && incrDelta < incrSize, "an incremental copies only changes: " + incrDelta + " of " + incrSize);
    assertTrue(value("pg", "pgbackrest_backup_last_repo_delta_bytes", "stanza", STANZA, "type", "incr")
        < value("pg", "pgbackrest_backup_last_repo_size_bytes", "stanza", STANZA, "type", "incr"));
    assertEquals(fullCompletion, value("pg", "pgbackrest_backup_oldest_completion_timestamp_seconds", "stanza", STANZA));
    assertEquals(0, value("pg", "pgbackrest_backup_newest_has_errors", "stanza", STANZA));
    assertTrue(value("pg", "pgbackrest_archive_wal_lsn_bytes", "stanza", STANZA, "repo", "1", "bound", "max") > maxBefore,
        "the archive's newest WAL moves with the backup");
    assertEquals("", Promtool.checkMetrics(watch.exposition()));
  }

  @Test
  @Order(4)
  void withoutAStanzaEveryStanzaIsReported() {
    CollectorResult all = collectOk("all");
    CollectorResult one = collectOk("pg");
    System.out.println("PgBackRestIT: collector runs with two backups: all stanzas "
        + Math.round(all.durationSeconds() * 1000) + " ms, --stanza=main " + Math.round(one.durationSeconds() * 1000) + " ms");
    assertEquals(samples("pg"), samples("all"));
  }

  @Test
  @Order(5)
  void jsonFileModeReadsWhatAJobWroteAndRejectsPollutedOutput() throws Exception {
    Files.deleteIfExists(infoFile);
    CollectorResult missing = collect("file");
    assertFalse(missing.success());
    assertEquals("json-file " + infoFile + " does not exist", missing.error());

    repo.writeFile(infoFile.getFileName().toString(), repo.infoStdout(true));
    collectOk("file");
    collectOk("pg");
    assertEquals(samples("pg"), samples("file"), "the file says what the command says");
    assertEquals(Files.getLastModifiedTime(infoFile).toMillis() / 1000.0,
        value("file", "pgbackrest_info_file_modified_timestamp_seconds"));
    assertFalse(has("pg", "pgbackrest_info_file_modified_timestamp_seconds"));

    // A job that ran pgbackrest without silencing the console writes log lines before the JSON.
    repo.writeFile(pollutedFile.getFileName().toString(), repo.infoStdout(false));
    CollectorResult polluted = collect("polluted-file");
    assertFalse(polluted.success());
    assertTrue(polluted.error().startsWith("json-file " + pollutedFile + " is not pgbackrest info JSON: not valid JSON"),
        polluted.error());
    assertTrue(polluted.error().contains("DEBUG"), "the message shows what came first: " + polluted.error());
  }

  // ---- what is not a failure, and what is

  @Test
  @Order(6)
  void anUnknownStanzaIsAStatusNotAFailure() {
    collectOk("nosuch");
    assertEquals(1, value("nosuch", "pgbackrest_stanza_status", "stanza", "nosuch"));
    assertEquals(1, value("nosuch", "pgbackrest_stanza_status_message_info", "stanza", "nosuch",
        "message", "missing stanza path"));
    assertEquals(0, value("nosuch", "pgbackrest_backups", "stanza", "nosuch", "type", "full"));
  }

  /**
   * What a monitoring user outside the database user's group gets: with pgBackRest's default
   * modes (config 0640) the run fails; with a readable config but the repository's 0750
   * directories pgBackRest exits 0 and reports status 99 with the reason.
   */
  @Test
  @Order(7)
  void aUserOutsideTheRepositorysGroupGetsAnErrorOrStatus99() {
    if (!root) {
      System.out.println("SKIPPED PgBackRestIT.aUserOutsideTheRepositorysGroupGetsAnErrorOrStatus99: "
          + "switching to a user outside the repository's group needs root");
    }
    assumeTrue(root, "needs root to run pgbackrest as a user outside the repository's group");
    CollectorResult denied = collect("outsider");
    assertFalse(denied.success());
    assertEquals("pgbackrest info --stanza=main exited with code 41: ERROR: [041]: unable to open file '"
        + repo.config() + "' for read: [13] Permission denied", denied.error());

    collectOk("outsider-public-config");
    String t = "outsider-public-config";
    assertEquals(99, value(t, "pgbackrest_stanza_status", "stanza", STANZA));
    assertEquals(99, value(t, "pgbackrest_repo_status", "stanza", STANZA, "repo", "1"));
    String message = watch.result(t, "pgbackrest").orElseThrow().samples().stream()
        .filter(s -> s.family().name().equals("pgbackrest_repo_status_message_info"))
        .map(s -> s.labelValues().get(2)).findFirst().orElseThrow();
    assertTrue(message.contains("Permission denied"), message);
    assertFalse(has(t, "pgbackrest_backup_last_completion_timestamp_seconds"));
    assertEquals(0, value(t, "pgbackrest_backups", "stanza", STANZA, "type", "full"),
        "an unreadable repository lists no backups");
  }

  @Test
  @Order(8)
  void aFailingCommandIsAClearCollectorErrorAndNothingElseFails() throws Exception {
    CollectorResult bad = collect("bad-config");
    assertFalse(bad.success());
    assertEquals("pgbackrest info --stanza=main exited with code 55: ERROR: [055]: unable to open missing file '"
        + repo.dir().resolve("missing.conf") + "' for read", bad.error());
    assertTrue(bad.samples().isEmpty());

    CollectorResult absent = collect("not-installed");
    assertFalse(absent.success());
    assertEquals("cannot run '/nonexistent/bin/pgbackrest': No such file or directory", absent.error());

    CollectorResult leaky = collect("leaky");
    assertFalse(leaky.success());
    assertTrue(leaky.error().startsWith("pgbackrest info --stanza=main exited with code 29: ERROR: [029]: "
        + "missing '=' in key/value at line 3: <redacted>"), leaky.error());

    // the target's other collectors are untouched; the exposition stays valid and secret-free
    watch.run("bad-config", "wal");
    assertTrue(watch.result("bad-config", "wal").orElseThrow().success());
    String text = watch.exposition();
    assertTrue(text.contains("drwatch_collector_success{collector=\"pgbackrest\",target=\"bad-config\"} 0"), text);
    assertTrue(text.contains("drwatch_collector_success{collector=\"wal\",target=\"bad-config\"} 1"), text);
    assertFalse(text.contains(SECRET));
    assertEquals("", Promtool.checkMetrics(text));
  }

  /**
   * pgBackRest blocks opening its config (a FIFO): the run is killed at the 10s timeout. Meanwhile
   * another collector of the same target runs, although the pool holds one connection: the
   * pgbackrest collector holds none.
   */
  @Test
  @Order(9)
  void aHangingPgBackRestIsKilledAtTheTimeoutAndHoldsNoConnection() throws Exception {
    Instant t0 = Instant.now();
    CompletableFuture<CollectorResult> run = CompletableFuture.supplyAsync(() -> collect("hang"));
    ProcessHandle hanging = awaitHangingPgBackRest();
    watch.run("hang", "wal");
    CollectorResult wal = watch.result("hang", "wal").orElseThrow(() -> new AssertionError(
        "no wal result: the probe got no connection while pgbackrest ran; " + watch.sampler("hang").isUp()));
    assertTrue(wal.success(), wal.error());
    assertTrue(hanging.isAlive(), "wal ran while pgbackrest hung, on the target's only pooled connection");
    CollectorResult hang = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Duration took = Duration.between(t0, Instant.now());
    System.out.println("PgBackRestIT: hanging pgbackrest (config is a FIFO) reported after " + took.toMillis() + " ms");
    assertFalse(hang.success());
    assertEquals("pgbackrest info --stanza=main did not finish within 10s (the collector's timeout); killed it",
        hang.error());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) >= 0, "" + took);
    assertTrue(took.compareTo(Duration.ofSeconds(10 + 4 + 10)) < 0, "timeout + kill grace + slack: " + took);
    List<ProcessHandle> left = hangingProcesses();
    assertTrue(left.isEmpty(), "pgbackrest still running: " + left);
  }

  @Test
  @Order(10)
  void theDaemonServesMetricsWhilePgBackRestHangsAndReportsBoth() throws Exception {
    AgentConfig config = config(targets(
        "pg", pgbackrest(agentCommand(), "config = \"" + repo.config() + "\", stanza = " + STANZA),
        "hang", pgbackrest(agentCommand(), "config = \"" + fifo + "\", stanza = " + STANZA + ", timeout = 15s")),
        " http { host = \"127.0.0.1\", port = 0 }\n");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Agent agent = Agent.start(config, CollectorRegistry.builtIn())) {
      URI metrics = URI.create("http://127.0.0.1:" + agent.port() + "/metrics");
      ProcessHandle hanging = awaitHangingPgBackRest();
      Instant t0 = Instant.now();
      HttpResponse<String> during = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      Duration scrape = Duration.between(t0, Instant.now());
      assertEquals(200, during.statusCode());
      assertTrue(hanging.isAlive(), "the scrape must answer while pgbackrest still hangs (it took " + scrape + ")");
      Instant t1 = Instant.now();
      assertEquals(200, http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      Duration second = Duration.between(t1, Instant.now());
      assertTrue(hanging.isAlive());
      System.out.println("PgBackRestIT: scrapes while pgbackrest hung took " + scrape.toMillis() + " ms (first, cold client) and "
          + second.toMillis() + " ms");
      agent.firstRound().await(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertFalse(hanging.isAlive(), "killed at the 15s timeout");
      String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
      String prefix = "pgbackrest_backup_last_completion_timestamp_seconds{stanza=\"main\",target=\"pg\",type=\"full\"} ";
      double served = body.lines().filter(l -> l.startsWith(prefix)).map(l -> Double.parseDouble(l.substring(prefix.length())))
          .findFirst().orElseThrow(() -> new AssertionError("no full completion for pg in\n" + body));
      assertEquals(fullCompletion, served);
      assertTrue(body.contains("drwatch_collector_success{collector=\"pgbackrest\",target=\"pg\"} 1"), body);
      assertTrue(body.contains("drwatch_collector_success{collector=\"pgbackrest\",target=\"hang\"} 0"), body);
      String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/api/targets")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(targets.contains("did not finish within 15s"), targets);
      assertEquals("", Promtool.checkMetrics(body));
    }
  }

  /** {@code drwatch run} as its own process: SIGTERM while pgBackRest hangs leaves no pgBackRest behind. */
  @Test
  @Order(11)
  void stoppingTheDaemonKillsAHangingPgBackRest(@TempDir Path tmp) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path conf = tmp.resolve("drwatch.conf");
    Files.writeString(conf, hocon(targets(
        "hang", pgbackrest(agentCommand(), "config = \"" + fifo + "\", stanza = " + STANZA + ", timeout = 60s, interval = 2m")),
        " http { host = \"127.0.0.1\", port = " + port + " }\n"));
    Path log = tmp.resolve("daemon.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process daemon = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "io.drwatch.Main",
        "run", "--config", conf.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      ProcessHandle hanging = awaitHangingPgBackRest();
      daemon.destroy(); // SIGTERM
      assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "daemon did not stop within 30s of SIGTERM");
      hanging.onExit().completeOnTimeout(hanging, 10, TimeUnit.SECONDS).join();
      assertFalse(hanging.isAlive(), "pgbackrest outlived the agent:\n" + Files.readString(log));
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertFalse(output.contains("Exception"), "no stack traces in the log:\n" + output);
    } finally {
      daemon.destroyForcibly();
    }
  }

  private ProcessHandle awaitHangingPgBackRest() {
    return Await.until("the agent starting pgbackrest on the FIFO config", WAIT, Duration.ofMillis(50),
        this::hangingProcesses, found -> !found.isEmpty(), String::valueOf).get(0);
  }

  private List<ProcessHandle> hangingProcesses() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(fifo.toString())).orElse(false))
        .filter(ProcessHandle::isAlive).toList();
  }

  private List<String> samples(String target) {
    List<String> out = new ArrayList<>();
    for (Sample s : watch.result(target, "pgbackrest").orElseThrow().samples()) {
      if (!s.family().name().equals("pgbackrest_info_file_modified_timestamp_seconds")) {
        out.add(s.family().name() + s.labelValues() + "=" + s.value());
      }
    }
    out.sort(null);
    return out;
  }
}
