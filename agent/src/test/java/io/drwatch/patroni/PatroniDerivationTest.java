package io.drwatch.patroni;

import static io.drwatch.patroni.PatroniJsonTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.config.PatroniSettings;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Patroni's view as series, and the cross-checks with the databases, from real 3.0.2 answers. */
class PatroniDerivationTest {

  static final Instant T0 = Instant.parse("2026-12-07T18:00:00Z");
  static final PatroniSettings SETTINGS = new PatroniSettings("main",
      List.of(URI.create("http://127.0.0.1:28001")), true, Duration.ofSeconds(5), Duration.ofSeconds(2),
      null, null, null, Duration.ofMinutes(15), Map.of());
  static final MetricFamily STANDBY_INFO = MetricFamily.info("pg_replication_standby_info", "h",
      "application_name", "client_addr", "state", "sync_state");

  /** Which target answers its probe as primary (the cluster package decides from that); null for none. */
  private String primary = "pg-m2";

  private final PatroniDerivation d = new PatroniDerivation(Map.of("main", SETTINGS));

  static PatroniPoll poll(Instant at, String cluster, Map<String, String> statusFixtures, String history,
      String config) {
    Map<String, URI> apis = new LinkedHashMap<>();
    Map<String, PatroniJson.MemberStatus> statuses = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      apis.put("m" + i, URI.create("http://127.0.0.1:2800" + i));
    }
    statusFixtures.forEach((m, f) -> statuses.put(m, PatroniJson.member(fixture(f))));
    return new PatroniPoll(at, 0.01, apis, cluster == null ? null : PatroniJson.cluster(fixture(cluster)), statuses,
        Map.of(), history == null ? null : PatroniJson.history(history), config == null ? null : PatroniJson.config(config));
  }

  static final Map<String, String> HEALTHY = Map.of("m1", "patroni-m1.json", "m2", "patroni-m2.json",
      "m3", "patroni-m3.json");

  /** Targets pg-m1..pg-m3 on the members' PostgreSQL ports; the primary's replication samples. */
  private SampleCache.View view(List<Sample> primaryReplication) {
    List<TargetStatus> targets = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String name = "pg-m" + i;
      ServerInfo server = new ServerInfo(Flavor.POSTGRESQL, 150014, "15.14", !name.equals(primary), 2L,
          "7716621609825884086", 1000.0 + i, true, Set.of());
      targets.add(new TargetStatus(name, "main", Map.of("cluster", "main"),
          "jdbc:postgresql://127.0.0.1:2543" + i + "/postgres", true, server, null, T0, T0, 1));
    }
    List<CollectorResult> results = primaryReplication == null ? List.of() : List.of(new CollectorResult(primary,
        "replication", true, primaryReplication, T0, 0.01, null, T0, 0, Duration.ofMinutes(1)));
    return new SampleCache.View(targets, results, 1);
  }

  private Map<String, Double> derive(SampleCache.View view, Instant now) {
    Map<String, Double> out = new HashMap<>();
    d.derive(view, now, new Derivation.Output() {
      @Override
      public void add(String target, Sample s) {
        out.put(s.family().name() + s.labelValues(), s.value());
      }

      @Override
      public void histogram(String target, MetricFamily f, List<String> l, double[] b, long[] c, double sum) {
        throw new AssertionError("no histogram");
      }
    });
    return out;
  }

  private static Sample standby(String name, String syncState) {
    return new Sample(STANDBY_INFO, List.of(name, "127.0.0.1", "streaming", syncState), 1);
  }

  @Test
  void healthySyncClusterAgreesWithTheDatabases() {
    d.record("main", poll(T0, "cluster-sync.json", HEALTHY, fixture("history.json"), fixture("config.json")));
    Map<String, Double> s = derive(view(List.of(standby("m3", "sync"), standby("m1", "async"))), T0);
    assertEquals(1.0, s.get("drwatch_patroni_up[main]"));
    assertEquals(1.0, s.get("drwatch_patroni_leaders[main]"));
    assertEquals(0.0, s.get("drwatch_patroni_leader_mismatch[main]"), "m2 maps to pg-m2 by host:port");
    assertEquals(0.0, s.get("drwatch_patroni_sync_mismatch[main]"));
    assertEquals(1.0, s.get("drwatch_patroni_automatic_failover[main]"), "m3 is the running sync standby");
    assertEquals(1.0, s.get("drwatch_patroni_failovers_total[main]"));
    assertEquals(1.0, s.get("drwatch_patroni_member_sync_standby[main, m3]"));
    assertEquals(1.0, s.get("drwatch_patroni_member_info[main, m2, http://127.0.0.1:28002, pg-m2]"));
    assertEquals(1.0, s.get("drwatch_patroni_last_promotion_info[main, 1, m2, no recovery target specified]"));
    assertEquals(1796666137.167, s.get("drwatch_patroni_last_promotion_timestamp_seconds[main]"), 0.001);
  }

  @Test
  void crossChecksFireWhenTheDatabasesDisagree() {
    d.record("main", poll(T0, "cluster-sync.json", HEALTHY, "[]", fixture("config.json")));
    primary = "pg-m1";
    // The primary (per the databases) reports m1... as sync: not Patroni's designation (m3).
    Map<String, Double> s = derive(view(List.of(standby("m1", "sync"), standby("m3", "async"))), T0);
    assertEquals(1.0, s.get("drwatch_patroni_leader_mismatch[main]"));
    assertEquals(1.0, s.get("drwatch_patroni_sync_mismatch[main]"));
    // No replication sample from the primary: the sync check has nothing to compare.
    assertNull(derive(view(null), T0).get("drwatch_patroni_sync_mismatch[main]"));
    // The databases have no single primary: leader mismatch unknown, not 0.
    primary = null;
    assertNull(derive(view(null), T0).get("drwatch_patroni_leader_mismatch[main]"));
  }

  @Test
  void twoMembersClaimingPrimaryAreSeveralLeaders() {
    Map<String, String> both = Map.of("m1", "patroni-m2.json", "m2", "patroni-m2.json", "m3", "patroni-m3.json");
    d.record("main", poll(T0, "cluster-sync.json", both, "[]", fixture("config.json")));
    assertEquals(2.0, derive(view(null), T0).get("drwatch_patroni_leaders[main]"));
  }

  @Test
  void pausedSinceIsTheFirstPausedPollAndTurnsFailoverOff() {
    d.record("main", poll(T0, "cluster-paused.json", HEALTHY, "[]", fixture("config.json")));
    d.record("main", poll(T0.plusSeconds(5), "cluster-paused.json", HEALTHY, "[]", fixture("config.json")));
    Map<String, Double> s = derive(view(null), T0.plusSeconds(5));
    assertEquals(1.0, s.get("drwatch_patroni_paused[main]"));
    assertEquals(T0.getEpochSecond(), s.get("drwatch_patroni_paused_since_timestamp_seconds[main]"));
    assertEquals(900.0, s.get("drwatch_patroni_max_pause_seconds[main]"));
    assertEquals(0.0, s.get("drwatch_patroni_automatic_failover[main]"));
    assertEquals(Boolean.FALSE, d.automaticFailover("main"), "the cluster RTO reads this: +Inf while paused");
    d.record("main", poll(T0.plusSeconds(10), "cluster-sync.json", HEALTHY, "[]", fixture("config.json")));
    assertNull(derive(view(null), T0.plusSeconds(10)).get("drwatch_patroni_paused_since_timestamp_seconds[main]"));
    assertEquals(Boolean.TRUE, d.automaticFailover("main"));
  }

  @Test
  void dcsLostWhileMembersAnswer() {
    Map<String, String> outage = Map.of("m1", "patroni-failsafe-m1.json", "m2", "patroni-failsafe-m2.json",
        "m3", "patroni-failsafe-m3.json");
    d.record("main", poll(T0, null, outage, null, null));
    Map<String, Double> s = derive(view(null), T0);
    assertEquals(0.0, s.get("drwatch_patroni_up[main]"));
    assertEquals(0.0, s.get("drwatch_patroni_dcs_up[main]"));
    assertEquals(1.0, s.get("drwatch_patroni_leaders[main]"), "failsafe: the leader stays primary");
    assertEquals(1.0, s.get("drwatch_patroni_member_failsafe_active[main, m2]"));
    assertEquals(0.0, s.get("drwatch_patroni_automatic_failover[main]"));
    assertFalse(s.containsKey("drwatch_patroni_last_success_timestamp_seconds[main]"));
  }

  @Test
  void aKnownMemberGoneFromTheDcsIsNotRunning() {
    String twoMembers = "{\"members\": [{\"name\": \"m1\", \"role\": \"leader\", \"state\": \"running\", "
        + "\"api_url\": \"http://127.0.0.1:28001/patroni\", \"host\": \"127.0.0.1\", \"port\": 25431, \"timeline\": 2}]}";
    PatroniPoll p = new PatroniPoll(T0, 0.01, Map.of("m1", URI.create("http://127.0.0.1:28001"),
        "m2", URI.create("http://127.0.0.1:28002")), PatroniJson.cluster(twoMembers),
        Map.of("m1", PatroniJson.member(fixture("patroni-m2.json"))), Map.of("m2", "/patroni: connection refused"),
        List.of(), null);
    d.record("main", p);
    Map<String, Double> s = derive(view(null), T0);
    assertEquals(0.0, s.get("drwatch_patroni_member_running[main, m2]"));
    assertEquals(0.0, s.get("drwatch_patroni_member_api_up[main, m2]"));
    assertEquals(0.0, s.get("drwatch_patroni_automatic_failover[main]"), "no replica left to promote");
  }

  @Test
  void aPollOlderThanThreeIntervalsIsNotServed() {
    d.record("main", poll(T0, "cluster-sync.json", HEALTHY, "[]", null));
    assertTrue(derive(view(null), T0.plusSeconds(17)).containsKey("drwatch_patroni_up[main]"));
    assertTrue(derive(view(null), T0.plusSeconds(18)).isEmpty());
  }
}
