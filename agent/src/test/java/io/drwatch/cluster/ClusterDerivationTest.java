package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.SYSID;
import static io.drwatch.cluster.Fixture.T0;
import static io.drwatch.cluster.Fixture.primary;
import static io.drwatch.cluster.Fixture.result;
import static io.drwatch.cluster.Fixture.s;
import static io.drwatch.cluster.Fixture.server;
import static io.drwatch.cluster.Fixture.standby;
import static io.drwatch.cluster.Fixture.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.Sample;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.config.TargetSettings;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.TestClock;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cluster view end to end: cache in, exposition out, through the real CacheSnapshots. */
class ClusterDerivationTest {

  private final TestClock clock = new TestClock(T0);
  private final SampleCache cache = new SampleCache(clock);

  private static AgentConfig config(String hocon) {
    return new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString(hocon, "t.conf");
  }

  private static final AgentConfig THREE_NODES = config("""
      drwatch {
        clusters { main { rpo-objective = 30s, rto-objective = 2m, rpo-objective-bytes = 16MiB,
                          promotion-overhead = 15s } }
        targets = [
          { name = pg-a, host = a, user = u, no-password = true, labels { cluster = main } }
          { name = pg-b, host = b, user = u, no-password = true, labels { cluster = main } }
          { name = pg-c, host = c, user = u, no-password = true, labels { cluster = main } }
        ]
      }""");

  private final ClusterDerivation derivation = new ClusterDerivation(THREE_NODES);
  private final CacheSnapshots snapshots = new CacheSnapshots(cache, clock, derivation);

  private void primaryResults(String syncMethod) {
    List<Sample> replication = new ArrayList<>();
    replication.add(s("pg_replication_standbys_connected", 2));
    replication.addAll(Fixture.standbyRow("pg-b", "streaming", "sync", 0, 0.0));
    replication.addAll(Fixture.standbyRow("pg-c", "streaming", "async", 65536, 0.25));
    cache.putResult(result("pg-a", "replication", clock.instant(), replication));
    cache.putResult(result("pg-a", "sync_replication", clock.instant(), Fixture.syncConfig(syncMethod, "on", 1)));
    cache.putResult(result("pg-a", "archiver", clock.instant(), List.of(s("pg_archiver_enabled", 1),
        s("pg_archiver_failing", 0), s("pg_archiver_unarchived_bytes", 1048576),
        s("pg_archiver_last_archived_timestamp_seconds", clock.instant().getEpochSecond() - 20))));
  }

  private void standbyResult(String target, double receive, double backlog) {
    cache.putResult(result(target, "standby", clock.instant(), List.of(s("pg_standby_receive_lsn_bytes", receive),
        s("pg_standby_replay_lag_bytes", backlog), s("pg_standby_replay_paused", 0))));
  }

  private void put(String name, ServerInfo server) {
    cache.putStatus(status(name, "main", server != null, server));
    derivation.probed(target(name), server, clock.instant());
  }

  private static TargetSettings target(String name) {
    return THREE_NODES.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private void threeNodes() {
    put("pg-a", primary(3));
    put("pg-b", standby(3, 2000.0));
    put("pg-c", standby(3, 3000.0));
  }

  private String text() {
    return Exposition.text(snapshots.collect());
  }

  private String cluster() {
    return Exposition.only(text(), "drwatch_cluster_", "drwatch_standby_");
  }

  @Test
  void threeNodeSyncClusterAnswersTheQuestions() throws Exception {
    threeNodes();
    primaryResults("first");
    standbyResult("pg-b", 5e9, 0);
    standbyResult("pg-c", 5e9, 4e6);
    assertEquals("""
        # TYPE drwatch_cluster_failovers_total counter
        drwatch_cluster_failovers_total{cluster="main"} 0.0
        # TYPE drwatch_cluster_highest_timeline_id gauge
        drwatch_cluster_highest_timeline_id{cluster="main"} 3.0
        # TYPE drwatch_cluster_lowest_timeline_id gauge
        drwatch_cluster_lowest_timeline_id{cluster="main"} 3.0
        # TYPE drwatch_cluster_members_in_recovery gauge
        drwatch_cluster_members_in_recovery{cluster="main"} 2.0
        # TYPE drwatch_cluster_primaries gauge
        drwatch_cluster_primaries{cluster="main"} 1.0
        # TYPE drwatch_cluster_rpo_effective_bytes gauge
        drwatch_cluster_rpo_effective_bytes{cluster="main"} 0.0
        # TYPE drwatch_cluster_rpo_effective_seconds gauge
        drwatch_cluster_rpo_effective_seconds{cluster="main"} 0.0
        # TYPE drwatch_cluster_rpo_estimate_bytes gauge
        drwatch_cluster_rpo_estimate_bytes{cluster="main",layer="archive"} 1048576.0
        drwatch_cluster_rpo_estimate_bytes{cluster="main",layer="replica"} 0.0
        # TYPE drwatch_cluster_rpo_estimate_seconds gauge
        drwatch_cluster_rpo_estimate_seconds{cluster="main",layer="archive"} 20.0
        drwatch_cluster_rpo_estimate_seconds{cluster="main",layer="replica"} 0.0
        # TYPE drwatch_cluster_rpo_layer_healthy gauge
        drwatch_cluster_rpo_layer_healthy{cluster="main",layer="archive"} 1.0
        drwatch_cluster_rpo_layer_healthy{cluster="main",layer="replica"} 1.0
        # TYPE drwatch_cluster_rpo_objective_bytes gauge
        drwatch_cluster_rpo_objective_bytes{cluster="main"} 1.6777216E7
        # TYPE drwatch_cluster_rpo_objective_seconds gauge
        drwatch_cluster_rpo_objective_seconds{cluster="main"} 30.0
        # TYPE drwatch_cluster_rto_estimate_seconds gauge
        drwatch_cluster_rto_estimate_seconds{cluster="main"} 15.0
        # TYPE drwatch_cluster_rto_objective_seconds gauge
        drwatch_cluster_rto_objective_seconds{cluster="main"} 120.0
        # TYPE drwatch_cluster_system_identifiers gauge
        drwatch_cluster_system_identifiers{cluster="main"} 1.0
        # TYPE drwatch_standby_catchup_estimate_seconds gauge
        drwatch_standby_catchup_estimate_seconds{cluster="main",target="pg-b"} 0.0
        """, cluster(), "pg-c has a backlog and no measured rate yet: no catch-up estimate for it");
    assertEquals("", Promtool.checkMetrics(text()), "promtool check metrics");
  }

  @Test
  void asyncReplicaLayerIsTheBestStandbysFlushLag() {
    threeNodes();
    primaryResults("off");
    assertTrue(cluster().contains("drwatch_cluster_rpo_estimate_bytes{cluster=\"main\",layer=\"replica\"} 0.0\n"),
        "pg-b is fully flushed");
    List<Sample> replication = new ArrayList<>();
    replication.add(s("pg_replication_standbys_connected", 1));
    replication.addAll(Fixture.standbyRow("pg-c", "streaming", "async", 65536, 0.25));
    cache.putResult(result("pg-a", "replication", clock.instant(), replication));
    String text = cluster();
    assertTrue(text.contains("drwatch_cluster_rpo_estimate_bytes{cluster=\"main\",layer=\"replica\"} 65536.0\n"), text);
    assertTrue(text.contains("drwatch_cluster_rpo_estimate_seconds{cluster=\"main\",layer=\"replica\"} 0.25\n"), text);
    assertTrue(text.contains("drwatch_cluster_rpo_effective_seconds{cluster=\"main\"} 0.25\n"), text);
    assertTrue(text.contains("drwatch_cluster_rpo_effective_bytes{cluster=\"main\"} 65536.0\n"), text);
  }

  @Test
  void rtoFollowsTheMeasuredReplayRateThroughAPauseAndBack() {
    threeNodes();
    primaryResults("first");
    cache.putResult(result("pg-b", "standby", clock.instant(), List.of())); // pg-b without a backlog sample
    standbyResult("pg-c", 1_000_000, 500_000); // behind, replay position 500 kB
    assertEquals("", Exposition.only(text(), "drwatch_cluster_rto_estimate_seconds{"),
        "a backlog and no rate measured yet: not known");
    clock.advance(Duration.ofSeconds(10));
    standbyResult("pg-c", 3_000_000, 0); // replayed 2.5 MB in 10 s and caught up: at least 250 kB/s
    assertEquals("""
        drwatch_cluster_rto_estimate_seconds{cluster="main"} 15.0
        """, Exposition.only(text(), "drwatch_cluster_rto_estimate_seconds{"), "caught up: the overhead only");
    clock.advance(Duration.ofSeconds(10));
    standbyResult("pg-c", 5_000_000, 2_000_000); // paused: received 2 MB, replayed none
    assertEquals("""
        drwatch_cluster_rto_estimate_seconds{cluster="main"} 23.0
        """, Exposition.only(text(), "drwatch_cluster_rto_estimate_seconds{"), "8 s to replay at 250 kB/s, + 15 s");
    clock.advance(Duration.ofSeconds(10));
    standbyResult("pg-c", 9_000_000, 6_000_000);
    assertEquals("""
        drwatch_cluster_rto_estimate_seconds{cluster="main"} 39.0
        """, Exposition.only(text(), "drwatch_cluster_rto_estimate_seconds{"), "grows while paused");
    clock.advance(Duration.ofSeconds(10));
    standbyResult("pg-c", 9_000_000, 0); // resumed and caught up
    String text = text();
    assertEquals("""
        drwatch_cluster_rto_estimate_seconds{cluster="main"} 15.0
        """, Exposition.only(text, "drwatch_cluster_rto_estimate_seconds{"));
    assertEquals("""
        drwatch_standby_catchup_estimate_seconds{cluster="main",target="pg-c"} 0.0
        """, Exposition.only(text, "drwatch_standby_catchup_estimate_seconds{"));
  }

  @Test
  void aFailoverAndTheOutageItCausedAppearFromTheProbes() {
    threeNodes();
    standbyResult("pg-b", 5e9, 0);
    standbyResult("pg-c", 5e9, 0);
    clock.advance(Duration.ofSeconds(5));
    put("pg-a", null); // the primary dies
    String noWriter = cluster();
    assertTrue(noWriter.contains("drwatch_cluster_primaries{cluster=\"main\"} 0.0\n"), noWriter);
    assertTrue(noWriter.contains("drwatch_cluster_rto_estimate_seconds{cluster=\"main\"} 15.0\n"),
        "RTO is what matters now: " + noWriter);
    clock.advance(Duration.ofSeconds(3));
    put("pg-b", server(false, 4L, SYSID, 2000.0)); // promoted
    double promotedAt = clock.instant().toEpochMilli() / 1000.0;
    clock.advance(Duration.ofSeconds(1));
    put("pg-c", standby(4, 3000.0)); // follows
    clock.advance(Duration.ofSeconds(20));
    put("pg-a", server(true, 4L, SYSID, 9000.0)); // back, rewound as a standby: 24 s outage
    String text = text();
    String c = Exposition.only(text, "drwatch_cluster_failovers_total", "drwatch_cluster_last_failover",
        "drwatch_cluster_primaries", "drwatch_cluster_lowest", "drwatch_cluster_highest");
    assertEquals("""
        # TYPE drwatch_cluster_failovers_total counter
        drwatch_cluster_failovers_total{cluster="main"} 1.0
        # TYPE drwatch_cluster_highest_timeline_id gauge
        drwatch_cluster_highest_timeline_id{cluster="main"} 4.0
        # TYPE drwatch_cluster_last_failover_timestamp_seconds gauge
        drwatch_cluster_last_failover_timestamp_seconds{cluster="main"} %s
        # TYPE drwatch_cluster_lowest_timeline_id gauge
        drwatch_cluster_lowest_timeline_id{cluster="main"} 4.0
        # TYPE drwatch_cluster_primaries gauge
        drwatch_cluster_primaries{cluster="main"} 1.0
        """.formatted(Double.toString(promotedAt)), c);
    String outage = Exposition.only(text, "drwatch_target_last_outage", "drwatch_target_outage_duration_seconds_count",
        "drwatch_target_outage_duration_seconds_sum", "drwatch_target_outage_duration_seconds_bucket{cluster=\"main\",target=\"pg-a\",le=\"30.0\"}",
        "drwatch_target_outage_duration_seconds_bucket{cluster=\"main\",target=\"pg-a\",le=\"10.0\"}");
    assertEquals("""
        # TYPE drwatch_target_last_outage_duration_seconds gauge
        drwatch_target_last_outage_duration_seconds{cluster="main",target="pg-a"} 24.0
        drwatch_target_outage_duration_seconds_bucket{cluster="main",target="pg-a",le="10.0"} 0
        drwatch_target_outage_duration_seconds_bucket{cluster="main",target="pg-a",le="30.0"} 1
        drwatch_target_outage_duration_seconds_count{cluster="main",target="pg-a"} 1
        drwatch_target_outage_duration_seconds_sum{cluster="main",target="pg-a"} 24.0
        drwatch_target_outage_duration_seconds_count{cluster="main",target="pg-b"} 0
        drwatch_target_outage_duration_seconds_sum{cluster="main",target="pg-b"} 0.0
        drwatch_target_outage_duration_seconds_count{cluster="main",target="pg-c"} 0
        drwatch_target_outage_duration_seconds_sum{cluster="main",target="pg-c"} 0.0
        """, outage);
  }

  @Test
  void splitBrainLeavesTheWriterLayersUnmeasured() {
    put("pg-a", primary(1));
    put("pg-b", standby(1, 2000.0));
    put("pg-b", server(false, 2L, SYSID, 2000.0)); // promoted while pg-a keeps running
    put("pg-c", standby(1, 3000.0));
    primaryResults("first");
    String text = cluster();
    assertTrue(text.contains("drwatch_cluster_primaries{cluster=\"main\"} 2.0\n"), text);
    assertTrue(text.contains("drwatch_cluster_failovers_total{cluster=\"main\"} 1.0\n"), text);
    assertEquals("", Exposition.only(text, "drwatch_cluster_rpo_estimate", "drwatch_cluster_rpo_layer",
        "drwatch_cluster_rpo_effective"), "which writer's data would be lost is the question, not a number");
  }

  @Test
  void aClusterOfOneWithoutArchivingOrBackupsIsUnprotected() throws Exception {
    AgentConfig solo = config("drwatch { targets = [ { name = solo, host = h, user = u, no-password = true } ] }");
    ClusterDerivation d = new ClusterDerivation(solo);
    CacheSnapshots snaps = new CacheSnapshots(cache, clock, d);
    cache.putStatus(new TargetStatus("solo", "solo", Map.of("cluster", "solo"), "u", true, primary(1), null, T0, T0, 1));
    cache.putResult(result("solo", "replication", T0, List.of(s("pg_replication_standbys_connected", 0))));
    cache.putResult(result("solo", "archiver", T0, List.of(s("pg_archiver_enabled", 0), s("pg_archiver_failing", 0))));
    String all = Exposition.text(snaps.collect());
    assertEquals("""
        # TYPE drwatch_cluster_failovers_total counter
        drwatch_cluster_failovers_total{cluster="solo"} 0.0
        # TYPE drwatch_cluster_highest_timeline_id gauge
        drwatch_cluster_highest_timeline_id{cluster="solo"} 1.0
        # TYPE drwatch_cluster_lowest_timeline_id gauge
        drwatch_cluster_lowest_timeline_id{cluster="solo"} 1.0
        # TYPE drwatch_cluster_members_in_recovery gauge
        drwatch_cluster_members_in_recovery{cluster="solo"} 0.0
        # TYPE drwatch_cluster_primaries gauge
        drwatch_cluster_primaries{cluster="solo"} 1.0
        # TYPE drwatch_cluster_rpo_effective_bytes gauge
        drwatch_cluster_rpo_effective_bytes{cluster="solo"} +Inf
        # TYPE drwatch_cluster_rpo_effective_seconds gauge
        drwatch_cluster_rpo_effective_seconds{cluster="solo"} +Inf
        # TYPE drwatch_cluster_rpo_layer_healthy gauge
        drwatch_cluster_rpo_layer_healthy{cluster="solo",layer="archive"} 0.0
        drwatch_cluster_rpo_layer_healthy{cluster="solo",layer="replica"} 0.0
        # TYPE drwatch_cluster_rto_estimate_seconds gauge
        drwatch_cluster_rto_estimate_seconds{cluster="solo"} +Inf
        # TYPE drwatch_cluster_system_identifiers gauge
        drwatch_cluster_system_identifiers{cluster="solo"} 1.0
        """, Exposition.only(all, "drwatch_cluster_", "drwatch_standby_"));
    assertEquals("", Promtool.checkMetrics(all), "+Inf is valid exposition");
  }

  @Test
  void beforeAnyCollectorRanNothingIsConcludedAboutProtection() {
    threeNodes();
    String text = cluster();
    assertTrue(text.contains("drwatch_cluster_primaries{cluster=\"main\"} 1.0\n"), text);
    assertEquals("", Exposition.only(text, "drwatch_cluster_rpo_e", "drwatch_cluster_rpo_layer"), text);
  }

  @Test
  void untilEveryMemberWasProbedTheClusterIsNotJudged() {
    cache.putStatus(status("pg-a", "main", true, primary(1)));
    cache.putStatus(new TargetStatus("pg-b", "main", Map.of("cluster", "main"), "u", false, null, null, null, null, 0));
    String text = cluster();
    assertEquals("", Exposition.only(text, "drwatch_cluster_primaries", "drwatch_cluster_rto_estimate"),
        "pg-b has not been probed: no false 'no standby'");
    assertTrue(text.contains("drwatch_cluster_rpo_objective_seconds{cluster=\"main\"} 30.0"), "objectives are config");
  }

  @Test
  void theBackupLayerComesFromPgBackRestSamplesOnAnyMember() {
    threeNodes();
    primaryResults("first");
    cache.putResult(result("pg-c", "pgbackrest", clock.instant(), List.of(
        new Sample(Fixture.PGBACKREST_STATUS, List.of("main"), 0),
        new Sample(Fixture.PGBACKREST_LAST, List.of("main", "full"), T0.getEpochSecond() - 3600),
        new Sample(Fixture.PGBACKREST_LAST, List.of("main", "incr"), T0.getEpochSecond() - 300))));
    String text = cluster();
    assertTrue(text.contains("drwatch_cluster_rpo_estimate_seconds{cluster=\"main\",layer=\"backup\"} 300.0\n"), text);
    assertTrue(text.contains("drwatch_cluster_rpo_layer_healthy{cluster=\"main\",layer=\"backup\"} 1.0\n"), text);
    assertEquals("", Exposition.only(text, "drwatch_cluster_rpo_estimate_bytes{cluster=\"main\",layer=\"backup\"}"));
    clock.advance(Duration.ofSeconds(30));
    put("pg-a", primary(3)); // the next probe: the exposition is rebuilt, the backup is older
    assertTrue(cluster().contains("layer=\"backup\"} 330.0\n"), cluster());
  }

  @Test
  void cockroachClustersAreLeftToTheirOwnCollectors() {
    AgentConfig crdb = config("""
        drwatch { targets = [ { name = n1, host = h, user = u, no-password = true, flavor = cockroachdb,
                                labels { cluster = r } } ] }""");
    CacheSnapshots snaps = new CacheSnapshots(cache, clock, new ClusterDerivation(crdb));
    ServerInfo node = new ServerInfo(Flavor.COCKROACHDB, 240300, "24.3.1", false, null, null, null, true, Set.of());
    cache.putStatus(new TargetStatus("n1", "r", Map.of("cluster", "r"), "u", true, node, null, T0, T0, 1));
    assertEquals("", Exposition.only(Exposition.text(snaps.collect()), "drwatch_cluster_"));
    cache.putStatus(new TargetStatus("n1", "r", Map.of("cluster", "r"), "u", false, null, "refused", T0, null, 0));
    assertEquals("", Exposition.only(Exposition.text(snaps.collect()), "drwatch_cluster_"),
        "down since start, known only by its configured flavor");
  }

  @Test
  void derivationRunsPerRebuildNotPerScrape() {
    AtomicInteger runs = new AtomicInteger();
    Derivation counting = (view, now, out) -> {
      runs.incrementAndGet();
      derivation.derive(view, now, out);
    };
    CacheSnapshots snaps = new CacheSnapshots(cache, clock, counting);
    threeNodes();
    MetricSnapshots first = snaps.collect();
    for (int i = 0; i < 100; i++) {
      assertSame(first, snaps.collect());
    }
    assertEquals(1, runs.get());
    primaryResults("first");
    snaps.collect();
    snaps.collect();
    assertEquals(2, runs.get(), "one more rebuild after the cache changed");
  }
}
