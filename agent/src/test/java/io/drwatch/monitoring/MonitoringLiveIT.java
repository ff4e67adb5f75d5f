package io.drwatch.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.CrdbCatalog;
import io.drwatch.fixture.PgBackRestRepo;
import io.drwatch.monitoring.Monitoring.Query;
import io.drwatch.monitoring.Monitoring.Rule;
import io.drwatch.monitoring.Monitoring.RuleFile;
import io.drwatch.sandbox.OsUser;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Proves the dashboards and alert rules live: a real PostgreSQL cluster (primary with archiving,
 * synchronous standby sync1, asynchronous standby async1), the real agent scraping it every
 * second, and a real Prometheus server (/usr/bin/prometheus) scraping the agent every second with
 * the live rule files loaded.
 *
 * <p><b>Healthy cluster.</b> Every query of every dashboard panel and query variable that the
 * manifest does not mark pending is evaluated through /api/v1/query with the Grafana variables
 * substituted ({@code $cluster}, {@code $target} → {@code .*}; {@code $__rate_interval} → 30s;
 * {@code $__interval} → 5s; {@code $__range} → 5m; {@code label_values(q, l)} → {@code q}); each
 * must succeed and return at least one series. Every rule of every live rule file is evaluated
 * too. An alert's full expression is empty on a healthy cluster by design, so when it is empty
 * its <em>signal</em> must be present, recursively: for a comparison the left operand (and the
 * right one when it reads a metric); for {@code and}/{@code or}/{@code unless} and arithmetic each
 * operand that reads a metric; for a function or aggregation (absent() included) each argument
 * that reads a metric. An operand without any metric name ({@code time()}, {@code 600}) is not
 * checked. So {@code (x == 1) * on (target) group_left (cluster) group by (…) (drwatch_target_up)}
 * requires {@code x} and {@code drwatch_target_up} to exist. And no alert may fire.
 *
 * <p><b>Staged failures.</b> Archiving broken ({@code archive_command = /bin/false}) must make
 * PostgresArchiverFailing go pending, then firing with its runbook; the synchronous standby
 * stopped must make PostgresCommitsWouldBlock, PostgresSyncRepWaiters (a commit waiting on it)
 * and DrwatchTargetDown fire; replay paused on async1 must fire PostgresReplayPausedTooLong;
 * async1 stopped must fire PostgresReplicationSlotInactive (its slot on the primary) and
 * DrwatchTargetDown, but not PostgresCommitsWouldBlock. Each alert must be seen pending, then
 * firing, with its runbook_url pointing at a runbook that exists. The rules Prometheus loads are
 * copies of the shipped files with every {@code for} shortened to {@value #TEST_FOR} (the shipped
 * files are untouched; their own durations are unit-tested with promtool).
 *
 * <p>The cluster also runs with {@code max_slot_wal_keep_size = 1GB}: with the PostgreSQL
 * default (-1) a slot has no {@code safe_wal_size}, and the slot-allowance panel and alert have
 * nothing to show by design.
 *
 * <p>With pgBackRest installed (agent/src/test/sh/ensure-packages.sh) the primary archives to a
 * real stanza with one full backup, and the cluster runs the newest PostgreSQL that pgBackRest
 * supports; without it every pgbackrest_* expression is skipped and each skip printed with why.
 * Query health is staged for real (an idle transaction holding a row lock, a session blocked on
 * it), and the last test promotes async1 beside the running primary: split brain and a failover
 * must fire for cluster main.
 *
 * <p><b>CockroachDB.</b> A fourth target, cluster {@code crdb}, is the {@link CrdbCatalog}
 * catalog fixture ({@value #TEST_OFFSET} stands in for the rules' {@code offset 30m}): every
 * CockroachDB panel and rule is evaluated like the PostgreSQL ones, and its scenario of failures
 * must fire exactly {@link #CRDB_FIRING}. The "no alert fires" check covers every cluster but
 * crdb. The fixture is PostgreSQL shaped like CockroachDB's catalog: it proves the queries, the
 * collectors' reading of the documented layout and the rules, not CockroachDB's own numbers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringLiveIT {

  static final String TEST_FOR = "3s";
  /** Look-back windows of the shipped rules (`offset 30m`) shortened like `for` in the test copy. */
  static final String TEST_OFFSET = "20s";
  /** The CockroachDB layout the catalog fixture serves: the newest with crdb_internal on by default. */
  static final CrdbCatalog.Layout CRDB = CrdbCatalog.Layout.V25_4;

  /**
   * What the catalog fixture's scenario must fire, and nothing else for cluster crdb: each alert
   * name with the ids it fires for (node_id, store_id or schedule_id, whichever the alert has).
   */
  static final Map<String, Set<String>> CRDB_FIRING = Map.of(
      "CockroachNodeNotLive", Set.of("3", "5"), // 6 is decommissioned
      "CockroachClockOffsetHigh", Set.of("5"), // 310 ms
      "CockroachDecommissionStalled", Set.of("4"), // 37 replicas, flat
      "CockroachRangesUnderReplicated", Set.of("1", "2", "5"),
      "CockroachRangesUnavailable", Set.of("1", "5"),
      "CockroachBackupJobFailed", Set.of("1002"), // failed after its last success
      "CockroachBackupScheduleMissed", Set.of("1002", "1003")); // failing hourly; paused weekly

  private PgSandbox pg;
  private CrdbCatalog catalog;
  /** Statement traffic on the catalog fixture, so the statement panels have intervals to show. */
  private java.util.concurrent.ScheduledExecutorService crdbTraffic;
  private PgBackRestRepo repo;
  /** Why the pgbackrest_* expressions are not evaluated, or null when a real stanza backs them. */
  private String pgbackrestSkipped;
  private Agent agent;
  private Process prometheus;
  private Path workDir;
  private int promPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() throws Exception {
    Instant t0 = Instant.now();
    String exe = PgBackRestRepo.executable().orElse(null);
    int major = Clusters.defaultMajor();
    if (exe == null) {
      pgbackrestSkipped = "pgbackrest is not installed (the build's agent/src/test/sh/ensure-packages.sh "
          + "installs the Debian package when it runs as root; otherwise: sudo apt-get install pgbackrest)";
      System.out.println("[monitoring-it] SKIPPING every pgbackrest_* panel and rule expression: " + pgbackrestSkipped);
    } else {
      String version = PgBackRestRepo.version(exe);
      major = Math.min(major, PgBackRestRepo.newestSupportedMajor(version));
      System.out.println("[monitoring-it] pgBackRest " + version + ": cluster on PostgreSQL " + major);
    }
    pg = Clusters.primaryWithSyncAndAsync(major);
    PgNode primary = pg.primary();
    primary.sql("ALTER SYSTEM SET max_slot_wal_keep_size = '1GB'");
    primary.sql("SELECT pg_reload_conf()");
    pg.write(200); // replay timestamps on the standbys, WAL to archive
    String pgbackrest = "";
    if (exe != null) {
      // A real stanza for the primary (archive-push to it) with one full backup, so the stanza
      // status, backup age and backup-layer RPO expressions read real pgBackRest output.
      Instant b0 = Instant.now();
      repo = PgBackRestRepo.create(pg, "main", exe);
      Duration full = repo.backup("full");
      System.out.println("[monitoring-it] pgBackRest stanza-create + check + full backup in "
          + Duration.between(b0, Instant.now()).toMillis() + " ms (backup " + full.toMillis() + " ms)");
      List<String> cmd = OsUser.detect().dropsPrivileges()
          ? List.of("setpriv", "--reuid=daemon", "--regid=daemon", "--groups=" + PgBackRestRepo.DB_GROUP, "--", exe)
          : List.of(exe);
      pgbackrest = ", pgbackrest { enabled = true, interval = 10s, timeout = 10s, command = "
          + cmd.stream().map(c -> "\"" + c + "\"").collect(java.util.stream.Collectors.joining(", ", "[", "]"))
          + ", config = \"" + repo.config() + "\", stanza = main }";
    }
    primary.sql("SELECT pg_switch_wal()");
    catalog = CrdbCatalog.start(CRDB);
    crdbTraffic = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    crdbTraffic.scheduleWithFixedDelay(() -> {
      catalog.execute(CRDB, CrdbCatalog.FINGERPRINTS[0][0], "bank", 40, 0.004, 1, 0);
      catalog.execute(CRDB, CrdbCatalog.FINGERPRINTS[1][0], "bank", 10, 0.02, 1, 1);
    }, 0, 1, TimeUnit.SECONDS);

    StringBuilder targets = new StringBuilder();
    for (PgNode n : pg.nodes()) {
      targets.append("    { name = \"").append(n.name()).append("\", url = \"").append(n.jdbcUrl())
          .append("\", user = ").append(PgSandbox.MONITOR_ROLE)
          // three regions, so that the region-loss rules have their signal and a stopped standby
          // still leaves a survivor outside the writer's region
          .append(", no-password = true, labels { cluster = main, region = ")
          .append(n == primary ? "eu" : n.name().equals("sync1") ? "us" : "ap").append(" }")
          .append(", collectors { settings { interval = 2s }")
          .append(n == primary ? pgbackrest : "").append(" } }\n");
    }
    // CockroachDB as the catalog fixture serves it (PostgreSQL shaped like crdb_internal, with a
    // scenario of failures): the crdb_* rules and panels read real series through the real
    // collectors, the agent and Prometheus.
    targets.append("    { name = crdb, url = \"").append(catalog.jdbcUrl(CRDB)).append("\", user = ")
        .append(CRDB.role()).append(", no-password = true, labels { cluster = crdb }")
        .append(", collectors { crdb_statements { interval = 2s } } }\n");
    String hocon = """
        drwatch {
          http { host = "127.0.0.1", port = 0 }
          defaults { interval = 1s, timeout = 1s, connect-timeout = 1s }
          clusters { main { rpo-objective = 30s, rto-objective = 2m } }
          targets = [
        %s  ]
        }
        """.formatted(targets);
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig config = new ConfigLoader(registry, System::getenv).loadString(hocon, "monitoring-it.conf");
    agent = Agent.start(config, registry);
    agent.firstRound().await(30, TimeUnit.SECONDS);

    workDir = Files.createTempDirectory("drwatch-prometheus-");
    Path rules = Files.createDirectories(workDir.resolve("rules"));
    for (RuleFile f : Monitoring.ruleFiles()) {
      if (f.live()) {
        String text = Files.readString(f.path(), StandardCharsets.UTF_8)
            .replaceAll("(?m)^(\\s+for:) \\S+$", "$1 " + TEST_FOR);
        Files.writeString(rules.resolve(f.file()), asLoaded(text));
      }
    }
    promPort = freePort();
    Files.writeString(workDir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 2s
          scrape_timeout: 2s
          evaluation_interval: 1s
        rule_files:
          - %s/*.yml
        scrape_configs:
          - job_name: drwatch
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """.formatted(rules, agent.port()));
    Path log = workDir.resolve("prometheus.log");
    try {
      prometheus = new ProcessBuilder("prometheus",
          "--config.file=" + workDir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + workDir.resolve("data"),
          "--storage.tsdb.retention.time=1h",
          "--web.listen-address=127.0.0.1:" + promPort)
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("prometheus is not installed: apt-get install prometheus "
          + "(the build's ensure-packages.sh does when it may)", e);
    }
    await("Prometheus ready", Duration.ofSeconds(60), () -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/-/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    });
    // Every member scraped, both standbys streaming, and enough history for 30s rate windows.
    await("all four targets, both standbys and the CockroachDB series in Prometheus", Duration.ofSeconds(60),
        () -> count("drwatch_target_up == 1") == 4 && count("pg_standby_streaming == 1") == 2
            && count("crdb_node_live") >= 1 && count("crdb_backup_schedule_missed_cadence") >= 1
            && count("crdb_statement_interval_service_seconds") >= 1
            && count("pg_replication_slot_safe_wal_size_bytes") >= 2
            && count("pg_archiver_last_archived_timestamp_seconds") >= 1
            && count("drwatch_cluster_primaries == 1") == 1
            && (repo == null || count("pgbackrest_stanza_status == 0") == 1));
    // Rules look back (offsets shortened to TEST_OFFSET, rate windows of 30 s): wait until
    // Prometheus holds 30 s of history for every target, rather than a fixed time.
    await("30 s of history for every target in Prometheus", Duration.ofSeconds(90),
        () -> count("drwatch_target_up offset 30s") == 4);
    System.out.println("[monitoring-it] cluster, agent and Prometheus ready in "
        + Duration.between(t0, Instant.now()).toSeconds() + " s");
  }

  @AfterAll
  void stop() throws Exception {
    if (crdbTraffic != null) {
      crdbTraffic.shutdownNow();
    }
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (agent != null) {
      agent.close();
    }
    if (repo != null) {
      repo.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (catalog != null) {
      catalog.close();
    }
    if (workDir != null) {
      try (var walk = Files.walk(workDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---- healthy cluster ------------------------------------------------------------------

  @Test
  @Order(1)
  void everyLiveDashboardQueryReturnsSeriesOnTheHealthyCluster() throws Exception {
    List<String> problems = new ArrayList<>();
    int evaluated = 0;
    int skipped = 0;
    for (Query q : Monitoring.dashboardQueries()) {
      if (q.pending()) {
        skipped++;
        continue;
      }
      String expr = Monitoring.substitute(q.expr());
      if (expr.contains("drwatch_patroni_")) {
        System.out.println("[monitoring-it] SKIPPED " + q.dashboard() + " '" + q.panel()
            + "': no Patroni here; PatroniIT asserts these series on a real Patroni cluster");
        skipped++;
        continue;
      }
      if (pgbackrestSkipped != null && readsPgbackrest(expr)) {
        System.out.println("[monitoring-it] SKIPPED " + q.dashboard() + " '" + q.panel() + "': " + pgbackrestSkipped);
        skipped++;
        continue;
      }
      evaluated++;
      Result r = querySeries(expr);
      if (r.error() != null) {
        problems.add(q.dashboard() + " '" + q.panel() + "': " + r.error() + " in " + expr);
      } else if (r.empty()) {
        problems.add(q.dashboard() + " '" + q.panel() + "': no series for " + expr);
      }
    }
    System.out.println("[monitoring-it] dashboard queries evaluated: " + evaluated + ", pending skipped: " + skipped);
    assertTrue(evaluated > 50, "evaluated only " + evaluated);
    assertEquals(List.of(), problems);
  }

  /**
   * The DR overview repeats its row per cluster, so "no data" must not hide behind
   * {@code $cluster = .*}: each panel is evaluated for cluster main (PostgreSQL) and for cluster
   * crdb (CockroachDB) on its own. A panel that reads only crdb_* families (beyond the generic
   * drwatch_target_* ones) is CockroachDB's and skipped for main; one that reads only PostgreSQL
   * families (pg_*, pgbackrest_*, the cluster view's drwatch_cluster_*) is skipped for crdb; one
   * that reads both, like the backup age, must answer for both.
   */
  @Test
  @Order(2)
  void everyOverviewPanelHasDataForEachClusterOfItsFlavor() throws Exception {
    List<String> problems = new ArrayList<>();
    int evaluated = 0;
    for (Query q : Monitoring.dashboardQueries()) {
      if (!q.dashboard().equals("drwatch-dr-overview") || q.panel().startsWith("$")) {
        continue;
      }
      if (q.pending()) {
        // Listed in dashboards/manifest.yml with what they wait for (e.g. an endpoint probe).
        System.out.println("[monitoring-it] SKIPPED overview '" + q.panel() + "' per cluster: pending in the manifest");
        continue;
      }
      Set<String> names = new java.util.TreeSet<>(PromQl.metricNames(Monitoring.substitute(q.expr())));
      names.removeIf(n -> n.startsWith("drwatch_target_"));
      boolean crdb = names.stream().anyMatch(n -> n.startsWith("crdb_"));
      boolean postgres = names.stream().anyMatch(n -> !n.startsWith("crdb_"));
      for (String cluster : List.of("main", "crdb")) {
        boolean applies = cluster.equals("main") ? postgres || !crdb : crdb || !postgres;
        String expr = Monitoring.substitute(q.expr().replace("$cluster", cluster));
        if (!applies || (pgbackrestSkipped != null && readsPgbackrest(expr) && !crdb)) {
          continue;
        }
        evaluated++;
        Result r = querySeries(expr);
        if (r.error() != null || r.empty()) {
          problems.add("overview '" + q.panel() + "' for cluster " + cluster + ": "
              + (r.error() != null ? r.error() : "no series") + " in " + expr);
        }
      }
    }
    System.out.println("[monitoring-it] overview queries evaluated per cluster: " + evaluated);
    assertTrue(evaluated > 20, "evaluated only " + evaluated);
    assertEquals(List.of(), problems);
  }

  @Test
  @Order(2)
  void everyLiveRuleOrItsSignalReturnsSeriesOnTheHealthyCluster() throws Exception {
    List<String> problems = new ArrayList<>();
    int rules = 0;
    for (RuleFile f : Monitoring.ruleFiles()) {
      if (!f.live()) {
        System.out.println("[monitoring-it] not evaluated (" + f.status()
            + (f.why() != null ? ": " + f.why() : " on " + f.needs()) + "): " + f.file());
        continue;
      }
      for (Rule r : Monitoring.rules(f)) {
        if (pgbackrestSkipped != null && readsPgbackrest(r.expr())) {
          System.out.println("[monitoring-it] SKIPPED rule " + r.name() + ": " + pgbackrestSkipped);
          continue;
        }
        rules++;
        List<String> checked = new ArrayList<>();
        signal(asLoaded(r.expr()), r.name(), problems, checked);
        System.out.println("[monitoring-it] " + r.name() + ": non-empty " + checked);
      }
    }
    assertTrue(rules >= 20, "evaluated only " + rules + " rules");
    assertEquals(List.of(), problems);
  }

  /** The rule documented in the class comment: the expression, or else its signal, has series. */
  private void signal(String expr, String rule, List<String> problems, List<String> checked) throws Exception {
    Result r = query(expr);
    if (r.error() != null) {
      problems.add(rule + ": " + r.error() + " in " + expr);
      return;
    }
    if (!r.empty()) {
      checked.add(PromQl.unwrap(expr).replaceAll("\\s+", " "));
      return;
    }
    Optional<PromQl.Binary> b = PromQl.binary(expr);
    if (b.isPresent()) {
      signalOperand(b.get().left(), rule, problems, checked);
      signalOperand(b.get().right(), rule, problems, checked);
      return;
    }
    Optional<PromQl.Call> c = PromQl.call(expr);
    if (c.isPresent() && c.get().args().stream().anyMatch(a -> !PromQl.metricNames(a).isEmpty())) {
      for (String a : c.get().args()) {
        signalOperand(a, rule, problems, checked);
      }
      return;
    }
    problems.add(rule + ": no series for " + PromQl.unwrap(expr).replaceAll("\\s+", " "));
  }

  private void signalOperand(String operand, String rule, List<String> problems, List<String> checked)
      throws Exception {
    if (!PromQl.metricNames(operand).isEmpty()) {
      signal(operand, rule, problems, checked);
    }
  }

  @Test
  @Order(3)
  void noAlertFiresOnTheHealthyCluster() throws Exception {
    // An alert pending now would fire once its `for` passes: wait until none is pending, then
    // none may be firing (rules have been evaluated every second since Prometheus started).
    await("no alert pending for the healthy clusters", Duration.ofSeconds(30),
        () -> alerts(a -> a.getString("state").equals("pending")
            && !"crdb".equals(a.getJsonObject("labels").getString("cluster"))).isEmpty());
    List<JsonObject> firing = alerts(a -> a.getString("state").equals("firing")
        && !"crdb".equals(a.getJsonObject("labels").getString("cluster")));
    assertEquals(List.of(), firing, "alerts firing on a healthy cluster");
  }

  /**
   * The catalog fixture's scenario (a dead and a suspect node, one with a 310 ms clock offset, a
   * decommission stuck at 37 replicas, under-replicated and unavailable ranges, a failing hourly
   * backup schedule and a paused weekly one) fires exactly {@link #CRDB_FIRING} for cluster crdb,
   * each alert with its runbook and every label its annotations name.
   */
  @Test
  @Order(4)
  void cockroachScenarioFiresExactlyItsAlerts() throws Exception {
    Map<String, Set<String>> firing = new java.util.TreeMap<>();
    Map<String, Set<String>> seen = new java.util.TreeMap<>();
    List<JsonObject> crdb = Await.atMost(Duration.ofSeconds(90), Duration.ofMillis(500), () -> {
      List<JsonObject> now = alerts(a -> "crdb".equals(a.getJsonObject("labels").getString("cluster")));
      firing.clear();
      for (JsonObject a : now) {
        String name = a.getJsonObject("labels").getString("alertname");
        seen.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(a.getString("state"));
        if (a.getString("state").equals("firing")) {
          firing.computeIfAbsent(name, k -> new java.util.TreeSet<>()).add(crdbId(a.getJsonObject("labels")));
        }
      }
      return now;
    }, now -> firing.equals(new java.util.TreeMap<>(CRDB_FIRING)));
    System.out.println("[monitoring-it] CockroachDB scenario firing: " + firing + "; states seen " + seen);
    assertEquals(new java.util.TreeMap<>(CRDB_FIRING), firing, "CockroachDB alerts for the catalog scenario");
    for (JsonObject a : crdb) {
      String name = a.getJsonObject("labels").getString("alertname");
      assertRunbook(a, name);
      System.out.println("[monitoring-it]   " + name + " " + crdbId(a.getJsonObject("labels")) + ": "
          + a.getJsonObject("annotations").getString("summary"));
    }
  }

  private static String crdbId(JsonObject labels) {
    for (String id : List.of("schedule_id", "store_id", "node_id")) {
      if (labels.containsKey(id)) {
        return labels.getString(id);
      }
    }
    return labels.encode();
  }

  // ---- staged failures -------------------------------------------------------------------

  @Test
  @Order(5)
  void brokenArchivingFiresPostgresArchiverFailing() throws Exception {
    pg.breakArchiving();
    try {
      pg.write(100);
      pg.primary().sql("SELECT pg_switch_wal()");
      JsonObject alert = awaitAlert("PostgresArchiverFailing", "primary", Duration.ofSeconds(60));
      assertEquals("critical", alert.getJsonObject("labels").getString("severity"));
      assertEquals("main", alert.getJsonObject("labels").getString("cluster"));
      assertRunbook(alert, "PostgresArchiverFailing");
      assertTrue(alert.getJsonObject("annotations").getString("description").contains("primary"),
          alert.encodePrettily());
      // The .ready backlog exists now, so the oldest-.ready branch of PostgresArchiveReadyTooOld
      // (absent on a healthy cluster, where its `or` arm stands in with 0) is live too.
      assertTrue(count("time() - pg_archiver_oldest_ready_timestamp_seconds{target=\"primary\"}") == 1);
      assertTrue(count("pg_archiver_ready_files{target=\"primary\"} > 0") == 1);
    } finally {
      pg.repairArchiving();
    }
    await("PostgresArchiverFailing resolved after the repair", Duration.ofSeconds(90),
        () -> alerts(a -> a.getJsonObject("labels").getString("alertname").equals("PostgresArchiverFailing")).isEmpty());
  }

  @Test
  @Order(6)
  void stoppedSyncStandbyFiresCommitsWouldBlockSyncRepWaitersAndTargetDown() throws Exception {
    PgNode sync1 = pg.standby("sync1");
    sync1.stop();
    // A commit that waits for the missing synchronous standby; it completes once sync1 is back.
    CompletableFuture<Void> waiter = CompletableFuture.runAsync(() ->
        pg.primary().sql("INSERT INTO sandbox_load (payload) VALUES ('waits for sync1')"));
    try {
      Map<String, JsonObject> fired = awaitAlerts(Duration.ofSeconds(60), "PostgresCommitsWouldBlock@primary",
          "PostgresSyncRepWaiters@primary", "DrwatchTargetDown@sync1");
      JsonObject block = fired.get("PostgresCommitsWouldBlock@primary");
      assertEquals("critical", block.getJsonObject("labels").getString("severity"));
      assertRunbook(block, "PostgresCommitsWouldBlock");
      JsonObject waiters = fired.get("PostgresSyncRepWaiters@primary");
      assertTrue(waiters.getJsonObject("annotations").getString("summary").startsWith("1 sessions"),
          waiters.encodePrettily());
      assertRunbook(waiters, "PostgresSyncRepWaiters");
      JsonObject down = fired.get("DrwatchTargetDown@sync1");
      assertEquals("main", down.getJsonObject("labels").getString("cluster"));
      assertRunbook(down, "DrwatchTargetDown");
      assertTrue(!waiter.isDone(), "the commit waited for the synchronous standby");
    } finally {
      sync1.start();
      pg.waitStreaming(Duration.ofSeconds(60));
    }
    waiter.get(60, TimeUnit.SECONDS);
    await("commit alerts resolved once sync1 streams again", Duration.ofSeconds(90),
        () -> alerts(a -> Set.of("PostgresCommitsWouldBlock", "PostgresSyncRepWaiters", "DrwatchTargetDown")
            .contains(a.getJsonObject("labels").getString("alertname"))).isEmpty());
  }

  @Test
  @Order(7)
  void pausedReplayFiresPostgresReplayPausedTooLong() throws Exception {
    PgNode async1 = pg.standby("async1");
    async1.sql("SELECT pg_wal_replay_pause()");
    try {
      JsonObject paused = awaitAlert("PostgresReplayPausedTooLong", "async1", Duration.ofSeconds(60));
      assertEquals("warning", paused.getJsonObject("labels").getString("severity"));
      assertRunbook(paused, "PostgresReplayPausedTooLong");
    } finally {
      async1.sql("SELECT pg_wal_replay_resume()");
    }
    await("PostgresReplayPausedTooLong resolved after resume", Duration.ofSeconds(60),
        () -> alerts(a -> a.getJsonObject("labels").getString("alertname").equals("PostgresReplayPausedTooLong")).isEmpty());
  }

  @Test
  @Order(8)
  void stoppedAsyncStandbyFiresSlotInactiveAndTargetDown() throws Exception {
    PgNode async1 = pg.standby("async1");
    async1.stop();
    try {
      Map<String, JsonObject> fired = awaitAlerts(Duration.ofSeconds(60),
          "PostgresReplicationSlotInactive@primary", "DrwatchTargetDown@async1");
      JsonObject slot = fired.get("PostgresReplicationSlotInactive@primary");
      assertEquals("async1", slot.getJsonObject("labels").getString("slot_name"));
      assertEquals("warning", slot.getJsonObject("labels").getString("severity"));
      assertRunbook(slot, "PostgresReplicationSlotInactive");
      // A stopped async standby blocks nothing: the quorum is sync1's.
      assertTrue(alerts(a -> a.getJsonObject("labels").getString("alertname").equals("PostgresCommitsWouldBlock")).isEmpty());
    } finally {
      async1.start();
      pg.waitStreaming(Duration.ofSeconds(60));
    }
    await("slot and target alerts resolved once async1 streams again", Duration.ofSeconds(90),
        () -> alerts(a -> Set.of("PostgresReplicationSlotInactive", "DrwatchTargetDown")
            .contains(a.getJsonObject("labels").getString("alertname"))).isEmpty());
  }

  /**
   * Query health, staged for real: a session holds a row lock inside an open transaction and
   * goes idle in it, a second session blocks on that row. The activity and locks families the
   * query-health rules and panels read must then carry the real ages (absent on the healthy
   * cluster, where the rules' stand-in arms read 0), and the rules' values must be those ages.
   */
  @Test
  @Order(9)
  void idleTransactionAndBlockedSessionShowInTheQueryHealthSignals() throws Exception {
    PgNode primary = pg.primary();
    primary.sql("CREATE TABLE IF NOT EXISTS query_health_it (id int PRIMARY KEY, v int)");
    primary.sql("INSERT INTO query_health_it VALUES (1, 0) ON CONFLICT DO NOTHING");
    try (Connection holder = primary.connect(); Connection waiter = primary.connect()) {
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        st.execute("UPDATE query_health_it SET v = v + 1 WHERE id = 1");
      }
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
        try (Statement st = waiter.createStatement()) {
          st.execute("UPDATE query_health_it SET v = v + 1 WHERE id = 1");
        } catch (Exception e) {
          // cancelled or ended when the holder rolls back or the connection closes
        }
      });
      try {
        await("oldest open transaction, idle in transaction and lock wait in Prometheus", Duration.ofSeconds(60),
            () -> count("pg_activity_oldest_xact_start_timestamp_seconds{target=\"primary\"}") >= 1
                && count("pg_activity_oldest_idle_in_transaction_timestamp_seconds{target=\"primary\"}") >= 1
                && count("pg_locks_blocked_sessions{target=\"primary\"} >= 1") == 1
                && count("pg_locks_oldest_wait_start_timestamp_seconds{target=\"primary\"}") == 1);
        // The ages are real: they grow past 3 s while the lock is held.
        List<String> probes = List.of(
            "time() - pg_activity_oldest_xact_start_timestamp_seconds{target=\"primary\"} > 3",
            "time() - pg_activity_oldest_idle_in_transaction_timestamp_seconds{target=\"primary\"} > 3",
            "time() - pg_locks_oldest_wait_start_timestamp_seconds{target=\"primary\"} > 3",
            "pg_locks_blocking_sessions{target=\"primary\"} >= 1");
        Await.condition("every query-health age past 3 s and a blocking session", Duration.ofSeconds(30),
            () -> probes.stream().allMatch(p -> count(p) >= 1),
            () -> probes.stream().filter(p -> count(p) < 1).toList() + " without series");
        for (String probe : probes) {
          System.out.println("[monitoring-it] staged query health: " + probe + " -> " + query(probe).series().encode());
        }
        assertTrue(!blocked.isDone(), "the second session waited for the row lock");
      } finally {
        holder.rollback();
      }
      blocked.get(30, TimeUnit.SECONDS);
    }
    await("lock wait gone once the holder rolled back", Duration.ofSeconds(60),
        () -> count("pg_locks_oldest_wait_start_timestamp_seconds{target=\"primary\"}") == 0);
  }

  /**
   * The primary SIGKILLed: no writer, and DrwatchClusterNoPrimary must say at one glance whom to
   * promote (the synchronous standby) and what that loses (the cluster's promotion answers, lower
   * bounds now). The primary
   * is then restarted (crash recovery, same timeline) and the standbys stream from it again.
   */
  @Test
  @Order(10)
  void killedPrimaryFiresNoPrimaryNamingTheCandidate() throws Exception {
    pg.primary().kill();
    try {
      JsonObject none = awaitAlert("DrwatchClusterNoPrimary", null, Duration.ofSeconds(90));
      assertEquals("main", none.getJsonObject("labels").getString("cluster"));
      assertRunbook(none, "DrwatchClusterNoPrimary");
      String description = none.getJsonObject("annotations").getString("description");
      System.out.println("[monitoring-it] DrwatchClusterNoPrimary@main: " + description);
      // sync1 is the standby the primary waited for (FIRST 1): it holds every acknowledged commit.
      assertTrue(description.matches("(?s).*Promote sync1: it lacks at least [0-9.]+[KMG]?i?B.*"
          + "of the writer's WAL as last seen [0-9.]+m?s ago.*"), description);
    } finally {
      pg.primary().start();
      pg.waitStreaming(Duration.ofSeconds(60));
    }
    await("DrwatchClusterNoPrimary resolved after the restart", Duration.ofSeconds(90),
        () -> alerts(a -> "DrwatchClusterNoPrimary".equals(a.getJsonObject("labels").getString("alertname"))).isEmpty());
  }

  /**
   * The last staged failure, since it leaves the cluster split: async1 promoted while the primary
   * still runs. The cluster view must see two writers (DrwatchClusterSplitBrain pending, then
   * firing, for cluster main) and one failover on the new timeline (DrwatchClusterFailoverHappened,
   * which has no `for` by design).
   */
  @Test
  @Order(11)
  void promotedStandbyFiresClusterSplitBrainAndFailoverHappened() throws Exception {
    pg.standby("async1").promote();
    Set<String> states = new LinkedHashSet<>();
    await("DrwatchClusterSplitBrain firing for cluster main", Duration.ofSeconds(60), () -> {
      for (JsonObject a : alerts(a -> "DrwatchClusterSplitBrain".equals(a.getJsonObject("labels").getString("alertname")))) {
        states.add(a.getString("state"));
      }
      return states.contains("firing");
    });
    assertTrue(states.contains("pending"), "DrwatchClusterSplitBrain fired without being pending first: " + states);
    JsonObject split = alerts(a -> "DrwatchClusterSplitBrain".equals(a.getJsonObject("labels").getString("alertname"))).get(0);
    assertEquals("critical", split.getJsonObject("labels").getString("severity"));
    assertEquals("main", split.getJsonObject("labels").getString("cluster"));
    assertRunbook(split, "DrwatchClusterSplitBrain");
    System.out.println("[monitoring-it] DrwatchClusterSplitBrain@main: states seen " + states + ", annotations "
        + split.getJsonObject("annotations").encode());
    await("DrwatchClusterFailoverHappened firing for cluster main", Duration.ofSeconds(60),
        () -> !alerts(a -> "DrwatchClusterFailoverHappened".equals(a.getJsonObject("labels").getString("alertname"))
            && a.getString("state").equals("firing")).isEmpty());
    JsonObject failover = alerts(a -> "DrwatchClusterFailoverHappened".equals(a.getJsonObject("labels").getString("alertname"))).get(0);
    assertEquals("main", failover.getJsonObject("labels").getString("cluster"));
    assertRunbook(failover, "DrwatchClusterFailoverHappened");
    System.out.println("[monitoring-it] DrwatchClusterFailoverHappened@main: " + failover.getJsonObject("labels").encode());
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** A rule as the test's Prometheus loads it: look-back offsets shortened to fit the run. */
  private static String asLoaded(String rule) {
    return rule.replace("offset 30m", "offset " + TEST_OFFSET);
  }

  private static boolean readsPgbackrest(String expr) {
    return PromQl.metricNames(expr).stream().anyMatch(n -> n.startsWith("pgbackrest_"));
  }

  /**
   * The alert links its runbook, and every {@code $labels.x} its rule's annotations render is a
   * label the firing alert carries (a label the series lack renders as an empty string).
   */
  private void assertRunbook(JsonObject alert, String name) {
    String url = alert.getJsonObject("annotations").getString("runbook_url");
    assertEquals(AlertRulesTest.RUNBOOK_BASE + name + ".md", url);
    assertTrue(Files.isRegularFile(Monitoring.runbooks().resolve(name + ".md")), url);
    Rule rule = Monitoring.allRules().stream().filter(r -> name.equals(r.alert())).findFirst().orElseThrow();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)")
        .matcher(String.join(" ", rule.annotations().values()));
    JsonObject labels = alert.getJsonObject("labels");
    while (m.find()) {
      String l = labels.getString(m.group(1));
      assertTrue(l != null && !l.isEmpty(), name + " renders $labels." + m.group(1) + " but the alert has no such label: "
          + labels.encode());
    }
  }

  private JsonObject awaitAlert(String name, String target, Duration timeout) throws Exception {
    return awaitAlerts(timeout, name + "@" + target).get(name + "@" + target);
  }

  /**
   * Polls /api/v1/alerts until every alert ({@code name@target}) is firing, and requires that each
   * was seen pending first: its `for` held it back.
   */
  private Map<String, JsonObject> awaitAlerts(Duration timeout, String... nameAtTarget) throws Exception {
    Map<String, Set<String>> states = new LinkedHashMap<>();
    Map<String, JsonObject> firing = new LinkedHashMap<>();
    for (String k : nameAtTarget) {
      states.put(k, new LinkedHashSet<>());
    }
    Await.condition("all of " + List.of(nameAtTarget) + " firing", timeout, () -> {
      for (JsonObject a : alerts(a -> true)) {
        JsonObject l = a.getJsonObject("labels");
        String key = l.getString("alertname") + "@" + l.getString("target");
        if (states.containsKey(key)) {
          states.get(key).add(a.getString("state"));
          if (a.getString("state").equals("firing") && !firing.containsKey(key)) {
            firing.put(key, a);
            System.out.println("[monitoring-it] " + key + ": states seen " + states.get(key)
                + ", labels " + l.encode() + ", runbook " + a.getJsonObject("annotations").getString("runbook_url"));
          }
        }
      }
      return firing.size() == nameAtTarget.length;
    }, () -> "states seen " + states + "; all alerts " + alerts(a -> true));
    states.forEach((k, v) -> assertTrue(v.contains("pending"), k + " fired without being pending first: " + v));
    return firing;
  }

  private List<JsonObject> alerts(Predicate<JsonObject> filter) throws Exception {
    JsonObject body = get("/api/v1/alerts");
    List<JsonObject> out = new ArrayList<>();
    for (Object o : body.getJsonObject("data").getJsonArray("alerts")) {
      JsonObject a = (JsonObject) o;
      if (filter.test(a)) {
        out.add(a);
      }
    }
    return out;
  }

  record Result(String error, boolean empty, JsonArray series) {}

  private Result query(String expr) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/query?query="
        + URLEncoder.encode(expr, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonObject body = new JsonObject(r.body());
    if (!"success".equals(body.getString("status"))) {
      return new Result(body.getString("errorType") + ": " + body.getString("error"), true, new JsonArray());
    }
    JsonObject data = body.getJsonObject("data");
    String type = data.getString("resultType");
    if (type.equals("scalar") || type.equals("string")) {
      return new Result(null, false, new JsonArray());
    }
    JsonArray result = data.getJsonArray("result");
    return new Result(null, result.isEmpty(), result);
  }

  private int count(String expr) {
    try {
      Result r = query(expr);
      return r.error() != null ? -1 : r.series().size();
    } catch (Exception e) {
      return -1;
    }
  }

  private JsonObject get(String path) throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private String base() {
    return "http://127.0.0.1:" + promPort;
  }

  private void await(String what, Duration timeout, Await.Check check) {
    Await.condition(what, timeout, Duration.ofMillis(250), check,
        () -> "not yet; prometheus log:\n" + (workDir == null ? "" : tail(workDir.resolve("prometheus.log"))));
  }

  /**
   * A scrape that timed out on the loaded CI machine marks every series stale for one interval: an
   * empty answer is asked again for a few scrapes before it counts as a gap.
   */
  private Result querySeries(String expr) {
    return Await.atMost(Duration.ofSeconds(5), Duration.ofSeconds(1), () -> query(expr),
        r -> r.error() != null || !r.empty());
  }

  private static String tail(Path p) {
    try {
      List<String> lines = Files.readAllLines(p);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
