package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.cluster.ClusterDerivation;
import io.drwatch.cluster.ClusterViews;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.config.TargetSettings;
import io.drwatch.fixture.TestClock;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import io.drwatch.target.WalPositions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * /api/clusters from a cache shaped as the collectors fill it, with the cluster package's real
 * derivation publishing its answers through {@link CacheSnapshots}: the report must carry those
 * answers (primaries, RPO, RTO, catch-up) as published and put the failures into words.
 */
class StatusReportTest {

  private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");
  private static final String SYSID = "7450000000000000001";

  private final TestClock clock = new TestClock(T0);
  private final SampleCache cache = new SampleCache(clock);
  private final AgentConfig config = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get)
      .loadString("""
          drwatch {
            clusters { main { rpo-objective = 30s, rto-objective = 2m } }
            targets = [
              { name = pg-a, host = a, user = u, no-password = true, labels { cluster = main } }
              { name = pg-b, host = b, user = u, no-password = true, labels { cluster = main } }
              { name = pg-c, host = c, user = u, no-password = true, labels { cluster = main } }
              { name = crdb-1, host = d, user = u, no-password = true, flavor = cockroachdb, labels { cluster = roach } }
            ]
          }""", "t.conf");
  private final ClusterDerivation derivation = new ClusterDerivation(config);
  private final CacheSnapshots snapshots = new CacheSnapshots(cache, clock, derivation);
  private final ClusterViews views = new ClusterViews(cache);
  private final StatusHistory history = new StatusHistory();

  private JsonObject report() {
    return StatusReport.build(cache.view(), views.all(), new PublishedSeries(snapshots.collect()), history,
        clock.instant(), "test");
  }

  private JsonObject cluster(String name) {
    for (Object o : report().getJsonArray("clusters")) {
      JsonObject c = (JsonObject) o;
      if (c.getString("name").equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no cluster " + name);
  }

  private static JsonObject member(JsonObject cluster, String target) {
    for (Object o : cluster.getJsonArray("members")) {
      if (((JsonObject) o).getString("target").equals(target)) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no member " + target);
  }

  private static List<String> codes(JsonObject cluster) {
    return cluster.getJsonArray("problems").stream().map(p -> ((JsonObject) p).getString("code")).toList();
  }

  @Test
  void healthyClusterCarriesTheClusterPackagesAnswers() {
    healthy();
    JsonObject c = cluster("main");
    assertEquals("ok", c.getString("state"), c.encodePrettily());
    assertEquals(new JsonArray(), c.getJsonArray("problems"));
    assertEquals(1, c.getInteger("primaries"));
    assertEquals("pg-a", c.getString("primary"));
    assertEquals(false, c.getBoolean("split_brain"));
    assertEquals(new JsonArray(List.of("pg-a")), c.getJsonArray("members_accepting_writes"));
    assertEquals(T0.toString(), c.getString("data_at"));

    JsonObject b = member(c, "pg-b");
    assertEquals("standby", b.getString("role"));
    JsonObject seen = b.getJsonObject("seen_by_primary");
    assertEquals("pg-a", seen.getString("primary"));
    assertEquals("sync", seen.getString("sync_state"));
    assertEquals(0.0, seen.getJsonObject("lag_bytes").getDouble("flush"));
    assertEquals("async", member(c, "pg-c").getJsonObject("seen_by_primary").getString("sync_state"));
    assertEquals(65536.0, member(c, "pg-c").getJsonObject("seen_by_primary").getJsonObject("lag_bytes").getDouble("flush"));
    assertEquals(true, b.getBoolean("streaming"));

    // RPO: synchronous replication in force, so the replica layer reads 0 (ReplicaLayer's answer)
    JsonObject rpo = c.getJsonObject("rpo");
    assertEquals(30.0, rpo.getDouble("objective_seconds"));
    assertEquals(0.0, rpo.getDouble("effective_seconds"));
    assertEquals(true, rpo.getBoolean("within_objective"));
    JsonObject replica = rpo.getJsonArray("layers").stream().map(JsonObject.class::cast)
        .filter(l -> l.getString("layer").equals("replica")).findFirst().orElseThrow();
    assertEquals(true, replica.getBoolean("healthy"));
    assertEquals(120.0, c.getJsonObject("rto").getDouble("objective_seconds"));
    assertEquals(true, c.getJsonObject("rto").getBoolean("within_objective"));
    // the promotion answers: pg-b holds everything the writer wrote, pg-c 64 KiB less
    JsonObject promotion = c.getJsonObject("promotion");
    assertEquals(true, promotion.getBoolean("published"), promotion.encodePrettily());
    assertEquals("pg-b", promotion.getString("best_candidate"));
    assertEquals(false, promotion.getBoolean("lower_bound"));
    assertEquals(T0.toString(), promotion.getString("writer_last_seen_at"));
    assertEquals(List.of("pg-b", "pg-c"), promotion.getJsonArray("candidates").stream()
        .map(o -> ((JsonObject) o).getString("target")).toList());
    assertEquals(0.0, b.getJsonObject("promotion").getDouble("loss_bytes"));
    assertEquals(true, b.getJsonObject("promotion").getBoolean("best"));
    assertEquals(65536.0, member(c, "pg-c").getJsonObject("promotion").getDouble("loss_bytes"));
    assertEquals(false, member(c, "pg-c").getJsonObject("promotion").getBoolean("best"));
    JsonObject sync = c.getJsonArray("replication").getJsonObject(0).getJsonObject("sync");
    assertEquals("first", sync.getString("method"));
    assertEquals(false, sync.getBoolean("commits_would_block"));
    assertEquals(0L, c.getJsonObject("failovers").getLong("observed_total"));
    assertEquals(false, c.getJsonArray("archiving").getJsonObject(0).getBoolean("failing"));
  }

  @Test
  void splitBrainIsTheClusterPackagesCountNamedInWords() {
    healthy();
    ServerInfo promoted = server(false, 2);
    cache.putStatus(status("pg-c", true, promoted));
    derivation.probed(target("pg-c"), promoted, clock.instant());
    JsonObject c = cluster("main");
    assertEquals("critical", c.getString("state"));
    assertEquals(2, c.getInteger("primaries"));
    JsonObject first = c.getJsonArray("problems").getJsonObject(0);
    assertEquals("split_brain", first.getString("code"));
    assertEquals("Split brain: 2 members accept writes (pg-a, pg-c). Stop writes to all but one before anything "
        + "else.", first.getString("text"));
    assertEquals(1L, c.getJsonObject("failovers").getLong("observed_total"));
    // no single writer: the replica and archive layers are not estimated, the RPO is unknown, not 0
    assertNull(c.getJsonObject("rpo").getValue("effective_seconds"));
    assertEquals(2L, c.getJsonObject("timelines").getLong("highest"));
  }

  @Test
  void stoppedSyncStandbyMakesCommitsBlockAndTheMemberDown() {
    healthy();
    cache.putStatus(new TargetStatus("pg-b", "main", Map.of("cluster", "main"), "jdbc:postgresql://b/db", false,
        server(true, 1), "Connection refused", T0, T0.minusSeconds(5), 0));
    cache.markFailed("pg-b", null, "Connection refused", T0);
    List<Sample> sync = new ArrayList<>(syncConfig());
    sync.add(s("pg_replication_sync_standbys_connected", 0));
    sync.add(s("pg_replication_commits_would_block", 1));
    cache.putResult(result("pg-a", "sync_replication", sync));
    JsonObject c = cluster("main");
    assertEquals("critical", c.getString("state"));
    assertEquals(List.of("commits_would_block", "member_down"), codes(c));
    assertEquals("Commits would block on pg-a: synchronous_standby_names needs 1 synchronous standby(s), 0 connected. "
        + "Writes wait until one is back or the setting changes.",
        c.getJsonArray("problems").getJsonObject(0).getString("text"));
    JsonObject b = member(c, "pg-b");
    assertEquals(false, b.getBoolean("up"));
    assertNull(b.getString("role"));
    assertEquals("standby", b.getString("last_known_role"));
    assertEquals("Connection refused", b.getString("reason"));
  }

  @Test
  void noReachableWriterIsNoPrimaryAndNamesWhomToPromote() {
    healthy();
    clock.advance(Duration.ofSeconds(5));
    cache.putStatus(new TargetStatus("pg-a", "main", Map.of("cluster", "main"), "jdbc:postgresql://a/db", false,
        server(false, 1), "Connection refused", clock.instant(), T0, 0));
    derivation.probed(target("pg-a"), null, clock.instant());
    cache.markFailed("pg-a", null, "Connection refused", clock.instant());
    JsonObject c = cluster("main");
    assertEquals(0, c.getInteger("primaries"));
    assertNull(c.getString("primary"));
    JsonObject first = c.getJsonArray("problems").getJsonObject(0);
    assertEquals("no_primary", first.getString("code"));
    assertEquals("No primary: no reachable member accepts writes. Best candidate to promote: pg-b (loses at least "
        + "0 bytes of WAL, 0.0 s of commits).", first.getString("text"));
    assertEquals(true, c.getJsonObject("promotion").getBoolean("lower_bound"));
    assertEquals(new JsonArray(), c.getJsonArray("replication"));
  }

  @Test
  void regionLossIsTheClusterPackagesAnswerPerRegion() {
    healthy();
    for (String t : List.of("pg-a", "pg-b", "pg-c")) {
      TargetStatus s = cache.view().targets().stream().filter(x -> x.name().equals(t)).findFirst().orElseThrow();
      cache.putStatus(new TargetStatus(t, "main", Map.of("cluster", "main", "region", t.equals("pg-c") ? "west" : "east"),
          s.url(), s.up(), s.server(), s.lastError(), s.lastProbeAt(), s.lastUpAt(), s.openConnections()));
    }
    JsonObject c = cluster("main");
    assertEquals("east", member(c, "pg-a").getString("region"));
    JsonArray regions = c.getJsonArray("regions");
    assertEquals(2, regions.size(), regions.encodePrettily());
    JsonObject east = regions.getJsonObject(0);
    assertEquals("east", east.getString("region"));
    assertEquals("pg-c", east.getString("write_on"), "losing east (writer and pg-b) leaves pg-c");
    assertEquals(65536.0, east.getDouble("loss_bytes"));
    assertEquals(1L, east.getLong("survivors"));
    JsonObject west = regions.getJsonObject(1);
    assertEquals(0.0, west.getDouble("loss_bytes"), "the writer runs elsewhere");
  }

  @Test
  void aSecondTargetReachingThePrimaryIsNotSplitBrain() {
    healthy();
    // a VIP target in front of the primary: the same server, counted once by the cluster view
    cache.putStatus(new TargetStatus("pg-vip", "main", Map.of("cluster", "main"), "jdbc:postgresql://vip/db", true,
        server(false, 1), null, T0, T0, 1));
    JsonObject c = cluster("main");
    assertEquals(1, c.getInteger("primaries"));
    assertEquals(false, c.getBoolean("split_brain"));
    assertEquals("ok", c.getString("state"), c.getJsonArray("problems").encode());
    assertEquals(new JsonArray(List.of("pg-a")), member(c, "pg-vip").getJsonArray("same_server_as"));
    assertEquals(1, c.getJsonArray("replication").size(), "one primary server, one replication block");
  }

  @Test
  void archivingFailingAndAStanzaNotOkAreWarnings() {
    healthy();
    cache.putResult(result("pg-a", "archiver", List.of(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 1),
        s("pg_archiver_ready_files", 7), s("pg_archiver_unarchived_bytes", 7 * 16777216.0))));
    cache.putResult(result("pg-a", "pgbackrest", List.of(s("pgbackrest_stanza_status", 2, "main"),
        s("pgbackrest_backup_last_completion_timestamp_seconds", T0.getEpochSecond() - 7200, "main", "full"))));
    JsonObject c = cluster("main");
    assertEquals("warning", c.getString("state"));
    assertTrue(codes(c).containsAll(List.of("archiving_failing", "backup_stanza")), codes(c).toString());
    JsonObject stanza = c.getJsonArray("backups").getJsonObject(0);
    assertEquals(2, stanza.getInteger("status"));
    assertEquals(T0.minusSeconds(7200).toString(), stanza.getJsonObject("newest").getString("full"));
    assertNull(stanza.getJsonObject("newest").getString("diff"));
    assertEquals(7L, c.getJsonArray("archiving").getJsonObject(0).getLong("ready_files"));
  }

  @Test
  void unboundedAnswersAreSpelledOutNotDropped() {
    // a primary with no standby and archiving off: nothing protects it, the cluster package says +Inf
    cache.putStatus(status("pg-a", true, server(false, 1)));
    derivation.probed(target("pg-a"), server(false, 1), clock.instant());
    for (String t : List.of("pg-b", "pg-c")) {
      cache.putStatus(new TargetStatus(t, "main", Map.of("cluster", "main"), "jdbc:postgresql://x/db", false, null,
          "Connection refused", T0, null, 0));
    }
    cache.putResult(result("pg-a", "replication", List.of(s("pg_replication_standbys_connected", 0))));
    cache.putResult(result("pg-a", "archiver", List.of(s("pg_archiver_enabled", 0))));
    JsonObject c = cluster("main");
    assertEquals("+Inf", c.getJsonObject("rpo").getValue("effective_seconds"));
    assertEquals("+Inf", c.getJsonObject("rto").getValue("estimate_seconds"));
    assertEquals("rpo_unprotected", c.getJsonArray("problems").getJsonObject(0).getString("code"));
    assertTrue(report().encode().contains("\"+Inf\""), "valid JSON: no bare Infinity");
    new JsonObject(report().encode()); // parses
  }

  @Test
  void cockroachClusterShowsNodesRangesAndSchedules() {
    ServerInfo crdb = new ServerInfo(Flavor.COCKROACHDB, 250300, "v25.3.1", false, null, null, null, true, Set.of());
    cache.putStatus(new TargetStatus("crdb-1", "roach", Map.of("cluster", "roach"), "jdbc:postgresql://d/db", true,
        crdb, null, T0, T0, 1));
    cache.putResult(result("crdb-1", "crdb_liveness", List.of(
        s("crdb_node_live", 1, "1"), s("crdb_node_live", 0, "2"),
        s("crdb_node_membership", 1, "1", "active"), s("crdb_node_membership", 1, "2", "decommissioning"),
        s("crdb_node_draining", 0, "1"), s("crdb_node_draining", 1, "2"),
        s("crdb_liveness_nodes", 1, "live"), s("crdb_liveness_nodes", 1, "dead"),
        s("crdb_liveness_nodes", 0, "suspect"))));
    cache.putResult(result("crdb-1", "crdb_stores", List.of(
        s("crdb_store_ranges_underreplicated", 12, "1", "1"), s("crdb_store_ranges_unavailable", 0, "1", "1"))));
    JsonObject c = cluster("roach");
    assertEquals("cockroachdb", c.getString("flavor"));
    JsonObject k = c.getJsonObject("cockroach");
    assertEquals(2, k.getJsonArray("nodes").size());
    assertEquals("decommissioning", k.getJsonArray("nodes").getJsonObject(1).getString("membership"));
    assertEquals(false, k.getJsonArray("nodes").getJsonObject(1).getBoolean("live"));
    assertEquals(12L, k.getJsonObject("ranges").getLong("underreplicated"));
    assertEquals("warning", c.getString("state"));
    assertEquals(List.of("nodes_not_live", "ranges_underreplicated"), codes(c));
    assertNull(c.getValue("primaries"), "no primaries to count on CockroachDB");
  }

  @Test
  void historyKeepsLagPerStandbyAndEffectiveRpo() {
    healthy();
    PublishedSeries published = new PublishedSeries(snapshots.collect());
    Map<String, Double> values = StatusReport.historyValues(cache.view(), views.all(), published);
    assertEquals(0.0, values.get(StatusHistory.key("main", StatusReport.H_RPO, null)));
    assertEquals(65636.0, values.get(StatusHistory.key("main", StatusReport.H_LAG_BYTES, "pg-c")));
    history.record(T0, values);
    clock.advance(Duration.ofSeconds(10));
    history.record(clock.instant(), values);
    JsonObject c = cluster("main");
    assertEquals(new JsonArray(List.of(65636.0, 65636.0)),
        member(c, "pg-c").getJsonObject("history").getJsonArray(StatusReport.H_LAG_BYTES));
    assertEquals(new JsonArray(List.of(T0.getEpochSecond() * 1.0, T0.getEpochSecond() + 10.0)),
        report().getJsonObject("history").getJsonArray("times"));
  }

  // --- fixture: shaped as the collectors emit ---

  private void healthy() {
    ServerInfo primary = server(false, 1, "pg-a", 5e9);
    cache.putStatus(status("pg-a", true, primary));
    derivation.probed(target("pg-a"), primary, clock.instant());
    for (String t : List.of("pg-b", "pg-c")) {
      ServerInfo standby = server(true, 1, t, t.equals("pg-b") ? 5e9 : 5e9 - 65536);
      cache.putStatus(status(t, true, standby));
      derivation.probed(target(t), standby, clock.instant());
      cache.putResult(result(t, "standby", List.of(s("pg_standby_streaming", 1), s("pg_standby_receive_lsn_bytes", 5e9),
          s("pg_standby_replay_lag_bytes", 0), s("pg_standby_replay_paused", 0))));
    }
    List<Sample> replication = new ArrayList<>();
    replication.add(s("pg_replication_standbys_connected", 2));
    replication.addAll(standbyRow("pg-b", "sync", 0));
    replication.addAll(standbyRow("pg-c", "async", 65536));
    cache.putResult(result("pg-a", "replication", replication));
    List<Sample> sync = new ArrayList<>(syncConfig());
    sync.add(s("pg_replication_sync_standbys_connected", 1));
    sync.add(s("pg_replication_commits_would_block", 0));
    cache.putResult(result("pg-a", "sync_replication", sync));
    cache.putResult(result("pg-a", "archiver", List.of(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 0),
        s("pg_archiver_unarchived_bytes", 0), s("pg_archiver_ready_files", 0))));
  }

  private static List<Sample> syncConfig() {
    return List.of(s("pg_replication_sync_config_info", 1, "first", "on"), s("pg_replication_sync_standbys_required", 1));
  }

  private static List<Sample> standbyRow(String app, String syncState, double flushBytes) {
    return List.of(s("pg_replication_standby_info", 1, app, "127.0.0.1", "streaming", syncState),
        s("pg_replication_lag_bytes", flushBytes, app, "flush"),
        s("pg_replication_lag_bytes", flushBytes + 100, app, "replay"),
        s("pg_replication_lag_seconds", 0, app, "flush"),
        s("pg_replication_lag_seconds", 0, app, "replay"));
  }

  private TargetSettings target(String name) {
    return config.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static ServerInfo server(boolean inRecovery, long timeline) {
    return new ServerInfo(Flavor.POSTGRESQL, 170006, "17.6", inRecovery, timeline, SYSID,
        inRecovery ? 2000.0 + timeline : 1000.0 + timeline, true, Set.of());
  }

  private static ServerInfo server(boolean inRecovery, long timeline, String target, double lsn) {
    return new ServerInfo(Flavor.POSTGRESQL, 170006, "17.6", inRecovery, timeline, SYSID,
        inRecovery ? 2000.0 + target.hashCode() : 1000.0 + timeline, true, Set.of())
        .withWal(inRecovery ? new WalPositions(null, lsn, lsn) : new WalPositions(lsn, null, null));
  }

  private static TargetStatus status(String name, boolean up, ServerInfo server) {
    return new TargetStatus(name, "main", Map.of("cluster", "main"), "jdbc:postgresql://h/db", up, server,
        up ? null : "connection refused", T0, up ? T0 : T0.minusSeconds(60), up ? 1 : 0);
  }

  private CollectorResult result(String target, String collector, List<Sample> samples) {
    return new CollectorResult(target, collector, true, samples, clock.instant(), 0.001, null, clock.instant(), 0,
        Duration.ofSeconds(45));
  }

  static MetricFamily family(String name) {
    for (CollectorRegistry.Entry e : CollectorRegistry.builtIn().entries()) {
      for (MetricFamily f : e.collector().families()) {
        if (f.name().equals(name)) {
          return f;
        }
      }
    }
    throw new AssertionError("no collector declares " + name);
  }

  private static Sample s(String family, double value, String... labelValues) {
    return new Sample(family(family), List.of(labelValues), value);
  }
}
