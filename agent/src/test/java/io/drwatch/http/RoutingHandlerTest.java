package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.cluster.ClusterView;
import io.drwatch.cluster.ClusterViews;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Samples;
import io.drwatch.fixture.TestClock;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The routing decisions, from cache contents alone (no server, no query). */
class RoutingHandlerTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final TestClock clock = new TestClock(T0);
  private final SampleCache cache = new SampleCache(clock);
  private final ClusterViews clusters = new ClusterViews(cache);
  private final RoutingHandler routing = new RoutingHandler(cache, clusters, clock, Map.of("a",
      Duration.ofSeconds(45), "b", Duration.ofSeconds(45), "c", Duration.ofSeconds(45), "vip", Duration.ofSeconds(45)));

  private static ServerInfo server(boolean standby, String sysid) {
    return server(standby, sysid, 1000.0);
  }

  /** {@code started}: the postmaster start time, which with the system identifier names the server. */
  private static ServerInfo server(boolean standby, String sysid, double started) {
    return new ServerInfo(Flavor.POSTGRESQL, 170006, "17.6", standby, 1L, sysid, started, true, Set.of());
  }

  private void status(String name, String cluster, boolean up, ServerInfo s) {
    cache.putStatus(new TargetStatus(name, cluster, Map.of("cluster", cluster), "jdbc:postgresql://x/postgres", up, s,
        up ? null : "connection refused", clock.instant(), up ? clock.instant() : null, 1));
  }

  /** The standby collector's families, by name as the handler reads them. */
  private void standby(String target, Double streaming, Double lagBytes, Double delaySeconds) {
    Samples s = new Samples();
    s.add(MetricFamily.gauge("pg_standby_streaming", "h"), streaming);
    s.add(MetricFamily.gauge("pg_standby_replay_lag_bytes", "h"), lagBytes);
    s.add(MetricFamily.gauge("pg_standby_replay_delay_seconds", "h"), delaySeconds);
    cache.putResult(new CollectorResult(target, "standby", true, s.toList(), clock.instant(), 0.01, null,
        clock.instant(), 0, Duration.ofSeconds(45)));
  }

  private RoutingHandler.Answer ask(String path, String... params) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i + 1 < params.length; i += 2) {
      m.add(params[i], params[i + 1]);
    }
    return routing.answer(path, m);
  }

  private void assertAnswer(int status, String body, RoutingHandler.Answer a) {
    assertEquals(new RoutingHandler.Answer(status, body), a);
  }

  @Test
  void pathsAndTargets() {
    assertTrue(routing.handles("/primary") && routing.handles("/replica/x") && routing.handles("/read"));
    assertFalse(routing.handles("/primaryx") || routing.handles("/metrics") || routing.handles("/"));
    status("a", "main", true, server(false, "1"));
    assertAnswer(200, "a: primary (timeline 1)", ask("/primary"));
    assertAnswer(200, "a: primary (timeline 1)", ask("/primary/a"));
    assertAnswer(200, "a: primary (timeline 1)", ask("/primary/", "target", "a"));
    assertAnswer(404, "unknown target \"zz\" (known: a)", ask("/read/zz"));
    status("b", "main", true, server(true, "1"));
    assertAnswer(400, "which target? give /replica/NAME or ?target=NAME (known: a, b)", ask("/replica"));
    assertAnswer(400, "parameter \"target\" given more than once", ask("/replica", "target", "a", "target", "b"));
    assertAnswer(400, "max_lag_seconds must be a number ≥ 0, not \"soon\"", ask("/replica/b", "max_lag_seconds", "soon"));
  }

  @Test
  void notProbedDownAndStaleAreNeverRouted() {
    cache.putStatus(new TargetStatus("a", "main", Map.of(), "u", false, null, null, null, null, 0));
    assertAnswer(503, "a: not probed yet", ask("/read/a"));
    status("a", "main", false, server(false, "1"));
    assertAnswer(503, "a: down: connection refused", ask("/primary/a"));
    status("a", "main", true, server(false, "1"));
    clock.advance(Duration.ofSeconds(46));
    assertAnswer(503, "a: state unknown: last probe 46s ago (trusted for 45s)", ask("/primary/a"));
  }

  @Test
  void splitBrainIsTwoPrimaryServersOfOneClusterAndSystem() {
    status("a", "main", true, server(false, "1", 1000.0));
    status("b", "main", true, server(false, "1", 2000.0));
    status("c", "main", true, server(false, "2", 3000.0));
    assertAnswer(503, "a: split brain: b of cluster main is primary too", ask("/primary/a"));
    assertAnswer(503, "b: split brain: a of cluster main is primary too", ask("/read/b"));
    assertAnswer(200, "c: primary (timeline 1)", ask("/primary/c"), "another system is another cluster");
    status("b", "main", false, server(false, "1", 2000.0));
    assertAnswer(200, "a: primary (timeline 1)", ask("/primary/a"), "a down twin is no twin");
  }

  /**
   * A VIP or proxy target in front of the primary reaches the same server (system identifier and
   * postmaster start time): no split brain, as drwatch_cluster_primaries counts it. Routing counted
   * the two targets as two primaries and answered 503 "split brain: vip … is primary too".
   */
  @Test
  void aSecondTargetReachingThePrimaryIsNotSplitBrain() {
    status("a", "main", true, server(false, "1", 1000.0));
    status("vip", "main", true, server(false, "1", 1000.0));
    status("b", "main", true, server(true, "1", 2000.0));
    assertAnswer(200, "a: primary (timeline 1)", ask("/primary/a"));
    assertAnswer(200, "vip: primary (timeline 1)", ask("/primary/vip"));
    ClusterView main = clusters.of("main").orElseThrow();
    assertEquals(1, main.primaries(), "what drwatch_cluster_primaries reads");
    assertFalse(main.splitBrain());
    assertEquals("a", main.primary());
    assertEquals(java.util.List.of("a", "vip"), main.sameServer("vip"));
    status("vip", "main", true, server(false, "1", 4000.0));
    assertAnswer(503, "a: split brain: vip of cluster main is primary too", ask("/primary/a"),
        "a restarted elsewhere with the same system identifier is another server");
    assertEquals(2, clusters.of("main").orElseThrow().primaries());
  }

  private void assertAnswer(int status, String body, RoutingHandler.Answer a, String why) {
    assertEquals(new RoutingHandler.Answer(status, body), a, why);
  }

  @Test
  void anAnswerCostsMicrosecondsAndNoDatabase() {
    status("a", "main", true, server(false, "1"));
    status("b", "main", true, server(true, "1"));
    standby("b", 1.0, 5.0, 0.0);
    MultiMap m = MultiMap.caseInsensitiveMultiMap().add("max_lag_bytes", "10").add("max_lag_seconds", "5");
    for (int i = 0; i < 20_000; i++) {
      routing.answer("/read/b", m);
    }
    long t0 = System.nanoTime();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      routing.answer("/read/b", m);
    }
    long ns = (System.nanoTime() - t0) / n;
    System.out.println("routing: RoutingHandler.answer takes " + ns + " ns per call (2 targets in the cache)");
    assertTrue(ns < 1_000_000, ns + " ns per answer");
  }

  @Test
  void replicaLagNeedsAFreshStreamingStandbyResult() {
    status("b", "main", true, server(true, "1"));
    assertAnswer(200, "b: standby", ask("/replica/b"));
    assertAnswer(503, "b: lag unknown: no current result of the standby collector", ask("/replica/b", "max_lag_bytes", "10"));
    standby("b", null, 5.0, 0.0);
    assertAnswer(503, "b: lag unknown: the WAL receiver's state is hidden from drwatch's role (grant pg_monitor)",
        ask("/replica/b", "max_lag_bytes", "10"));
    standby("b", 0.0, 0.0, 0.0);
    assertAnswer(503, "b: not streaming from its upstream, so its lag is unknown", ask("/replica/b", "max_lag_seconds", "10"));
    standby("b", 1.0, 5.0, null);
    assertAnswer(200, "b: standby, streaming, replay lag 5 bytes", ask("/replica/b", "max_lag_bytes", "10"));
    assertAnswer(503, "b: replay lag 5 bytes > max_lag_bytes 4", ask("/replica/b", "max_lag_bytes", "4"));
    assertAnswer(503, "b: replay delay unknown (no transaction replayed since the standby started)",
        ask("/replica/b", "max_lag_seconds", "4"));
    standby("b", 1.0, 5.0, 2.5);
    assertAnswer(200, "b: standby, streaming, replay lag 5 bytes, replay delay 2.500 s",
        ask("/read/b", "max_lag_bytes", "5", "max_lag_seconds", "2.5"));
    cache.putResult(new CollectorResult("b", "standby", false, java.util.List.of(), clock.instant(), 0.01,
        "permission denied", null, 1, Duration.ofSeconds(45)));
    assertAnswer(503, "b: lag unknown: the standby collector failed: permission denied", ask("/replica/b", "max_lag_bytes", "5"));
  }
}
