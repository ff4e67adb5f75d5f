package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.SandboxConfig;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.TcpRelay;
import io.drwatch.sandbox.PgSandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Failover scenarios on real clusters through the whole daemon (real scheduler, HTTP): split brain
 * is reported within one probe interval, and a failover behind a writer endpoint is counted once
 * while the endpoint's outage, as its clients saw it, is recorded.
 */
class ClusterFailoverIT {

  private static final String HTTP = "http { host = \"127.0.0.1\", port = 0 }\n";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private String metrics(Agent agent) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private String awaitMetrics(Agent agent, Duration timeout, String what, Predicate<String> condition) {
    return Await.until(what, timeout, Duration.ofMillis(100), () -> metrics(agent), condition, b -> "/metrics:\n" + b);
  }

  private static Predicate<String> is(String family, double value, String... labels) {
    return body -> Series.value(body, family, labels).map(v -> v == value).orElse(false);
  }

  private static double value(String body, String family, String... labels) {
    return Series.value(body, family, labels).orElseThrow(() -> new AssertionError("no " + family + " in\n" + body));
  }

  @Test
  void promotingAStandbyWhileThePrimaryRunsIsSplitBrainWithinOneInterval() throws Exception {
    Duration interval = Duration.ofSeconds(2);
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("replica", PgSandbox.Sync.ASYNC).start()) {
      AgentConfig config = SandboxConfig.of(pg, HTTP
          + "defaults { interval = 2s, timeout = 2s, connect-timeout = 2s }", "");
      try (Agent agent = Agent.start(config, CollectorRegistry.builtIn())) {
        agent.firstRound().await(60, TimeUnit.SECONDS);
        awaitMetrics(agent, Duration.ofSeconds(30), "one primary",
            is("drwatch_cluster_primaries", 1, "cluster", "c1").and(is("drwatch_cluster_members_in_recovery", 1)));

        pg.standby("replica").promote(); // the old primary keeps running and accepting writes
        Instant promoted = Instant.now();
        String body = awaitMetrics(agent, Duration.ofSeconds(30), "split brain",
            is("drwatch_cluster_primaries", 2, "cluster", "c1"));
        Duration took = Duration.between(promoted, Instant.now());
        System.out.printf("split brain on /metrics %d ms after pg_ctl promote returned (probe interval %d ms)%n",
            took.toMillis(), interval.toMillis());
        assertTrue(took.compareTo(interval.plusSeconds(2)) <= 0,
            "within one interval (" + interval + "), with 2 s for the probe and polling on a shared CPU: " + took);
        body = awaitMetrics(agent, Duration.ofSeconds(30), "the failover counted",
            is("drwatch_cluster_failovers_total", 1, "cluster", "c1"));
        assertEquals(2, value(body, "drwatch_cluster_highest_timeline_id", "cluster", "c1"));
        assertEquals(1, value(body, "drwatch_cluster_lowest_timeline_id", "cluster", "c1"));
        assertEquals(0, value(body, "drwatch_cluster_members_in_recovery", "cluster", "c1"));
        assertTrue(Series.value(body, "drwatch_cluster_rpo_effective_seconds", "cluster", "c1").isEmpty(),
            "no single writer, no RPO number");
        assertEquals("", Promtool.checkMetrics(body));
      }
    }
  }

  @Test
  void aFailoverBehindAWriterEndpointIsCountedOnceAndItsOutageRecorded() throws Exception {
    try (PgSandbox pg = Clusters.primaryWithSyncAndAsync(Clusters.defaultMajor());
        TcpRelay writer = new TcpRelay(pg.primary().port())) {
      AgentConfig config = SandboxConfig.of(pg, HTTP
          + "defaults { interval = 1s, timeout = 1s, connect-timeout = 1s }", "", "writer", writer.jdbcUrl());
      try (Agent agent = Agent.start(config, CollectorRegistry.builtIn())) {
        agent.firstRound().await(60, TimeUnit.SECONDS);
        awaitMetrics(agent, Duration.ofSeconds(30), "a healthy cluster with a writer endpoint",
            is("drwatch_cluster_primaries", 1, "cluster", "c1")
                .and(is("drwatch_cluster_members_in_recovery", 2, "cluster", "c1"))
                .and(is("drwatch_cluster_failovers_total", 0, "cluster", "c1"))
                .and(is("drwatch_target_outage_duration_seconds_count", 0, "target", "writer")));

        Instant stopping = Instant.now();
        pg.primary().stop();
        Instant stopped = Instant.now();
        awaitMetrics(agent, Duration.ofSeconds(30), "no writer", is("drwatch_cluster_primaries", 0, "cluster", "c1"));
        Await.elapse(Duration.ofSeconds(2), "the injected outage: deciding, fencing, the endpoint stays dark");
        pg.standby("sync1").promote();
        writer.pointAt(pg.standby("sync1").port());
        Instant repointed = Instant.now();

        String body = awaitMetrics(agent, Duration.ofSeconds(60), "the failover and the endpoint's outage",
            is("drwatch_cluster_failovers_total", 1, "cluster", "c1")
                .and(is("drwatch_target_outage_duration_seconds_count", 1, "target", "writer")));
        double outage = value(body, "drwatch_target_last_outage_duration_seconds", "target", "writer");
        double dark = Duration.between(stopped, repointed).toMillis() / 1000.0;
        double darkAtMost = Duration.between(stopping, repointed).toMillis() / 1000.0;
        System.out.printf("writer endpoint dark %.2f-%.2f s; agent recorded an outage of %.2f s%n",
            dark, darkAtMost, outage);
        // measured between probes: the start up to one interval (1 s) late, the end up to the
        // retry backoff (1, 2, 4, 8 s after successive failures) late
        assertTrue(outage >= dark - 1.5, "outage " + outage + " s, endpoint dark for " + dark + " s");
        assertTrue(outage <= darkAtMost + 8 + 1.5, "outage " + outage + " s, endpoint dark for " + darkAtMost + " s");
        assertEquals(1, value(body, "drwatch_target_outage_duration_seconds_bucket", "target", "writer", "le", "+Inf"));
        assertEquals(outage, value(body, "drwatch_target_outage_duration_seconds_sum", "target", "writer"), 1e-9);

        // a while later: the writer endpoint and sync1 are one server; async1 may follow the new
        // timeline through the archive, and none of that is another failover (the window in which
        // a miscounted second failover would show)
        Await.elapse(Duration.ofSeconds(5), "a window for a miscounted second failover");
        body = awaitMetrics(agent, Duration.ofSeconds(30), "one primary again",
            is("drwatch_cluster_primaries", 1, "cluster", "c1"));
        assertEquals(1, value(body, "drwatch_cluster_failovers_total", "cluster", "c1"));
        assertEquals(2, value(body, "drwatch_cluster_highest_timeline_id", "cluster", "c1"));
        assertTrue(value(body, "drwatch_cluster_last_failover_timestamp_seconds", "cluster", "c1")
            >= stopped.toEpochMilli() / 1000.0 - 1);
        assertEquals(0, value(body, "drwatch_target_outage_duration_seconds_count", "target", "sync1"),
            "promotion does not interrupt the promoted member's own sessions");
        assertEquals("", Promtool.checkMetrics(body));
      }
    }
  }
}
