package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.sandbox.PgSandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * /primary, /replica and /read against a real primary and standby through the whole daemon: the
 * answers follow role and replay lag, and flip through a promotion (first a split brain, which
 * routes writes nowhere, then a clean failover).
 */
class RoutingIT {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private String base;

  @Test
  void routingFollowsRoleLagAndPromotion() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("replica", PgSandbox.Sync.ASYNC).start()) {
      AgentConfig config = SandboxConfig.load(pg, "", """
          drwatch.http { host = "127.0.0.1", port = 0 }
          drwatch.defaults { interval = 1s, timeout = 1s, connect-timeout = 1s }
          """);
      try (Agent agent = Agent.start(config, config.registry(CollectorRegistry.builtIn()))) {
        agent.firstRound().await(60, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + agent.port();

        expect("/primary/primary", 200, "primary: primary (timeline 1)");
        expect("/primary?target=replica", 503, "replica: standby, not primary");
        expect("/replica/replica", 200, "replica: standby");
        expect("/replica/primary", 503, "primary: primary, not a replica");
        expect("/read/primary", 200, "primary: primary (timeline 1)");
        expect("/read?target=replica", 200, "replica: standby");
        expect("/primary/nope", 404, "unknown target \"nope\" (known: primary, replica)");
        expect("/primary", 400, "which target? give /primary/NAME or ?target=NAME (known: primary, replica)");
        expect("/replica/replica?max_lag=10", 400, "unknown parameter \"max_lag\"");
        expect("/replica/replica?max_lag_bytes=-1", 400, "max_lag_bytes must be a number ≥ 0, not \"-1\"");
        expect("/primary/primary?target=replica", 400, "target named twice");
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(base + "/primary/replica"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, head.statusCode(), "HEAD answers like GET, without a body");
        assertEquals("", head.body());
        awaitAnswer("/replica/replica?max_lag_bytes=10000000", 200, "replica: standby, streaming, replay lag ");

        // Routing answers come from the cache: many requests cost no query, and stay fast.
        List<Long> micros = new ArrayList<>();
        List<Long> health = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // warm-up of client and server
          get("/replica/replica?max_lag_bytes=10000000");
          get("/healthz");
        }
        for (int i = 0; i < 1000; i++) { // interleaved, so both see the same machine
          long t0 = System.nanoTime();
          HttpResponse<String> r = get("/replica/replica?max_lag_bytes=10000000&max_lag_seconds=3600");
          micros.add((System.nanoTime() - t0) / 1000);
          assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.body());
          t0 = System.nanoTime();
          get("/healthz");
          health.add((System.nanoTime() - t0) / 1000);
        }
        Collections.sort(micros);
        Collections.sort(health);
        System.out.println("routing: 1000 requests, p50 " + micros.get(500) + " µs, p99 " + micros.get(990)
            + " µs, max " + micros.get(999) + " µs; /healthz interleaved p50 " + health.get(500)
            + " µs, p99 " + health.get(990) + " µs");
        assertTrue(micros.get(990) < 100_000, "p99 " + micros.get(990) + " µs");

        // Replay paused while the primary writes: the replica lags in bytes and then in seconds
        // (measured from the last replayed commit, so let one be replayed first).
        pg.write(10);
        awaitAnswer("/replica/replica?max_lag_bytes=0&max_lag_seconds=30", 200, "replica: standby, streaming");
        pg.standby("replica").sql("SELECT pg_wal_replay_pause()");
        pg.write(2000);
        awaitAnswer("/replica/replica?max_lag_bytes=1000", 503, "replica: replay lag ");
        expect("/replica/replica", 200, "replica: standby"); // without a maximum, role alone decides
        awaitAnswer("/replica/replica?max_lag_seconds=1", 503, "replica: replay delay ");
        awaitAnswer("/read/replica?max_lag_seconds=1", 503, "replica: replay delay ");
        pg.standby("replica").sql("SELECT pg_wal_replay_resume()");
        awaitAnswer("/replica/replica?max_lag_bytes=10000000&max_lag_seconds=30", 200, "replica: standby, streaming");

        // Promote while the old primary still runs: split brain, so no target is a primary to route to.
        Instant promoted = Instant.now();
        pg.standby("replica").promote();
        awaitAnswer("/primary/replica", 503, "replica: split brain: primary of cluster c1 is primary too");
        expect("/primary/primary", 503, "primary: split brain: replica of cluster c1 is primary too");
        expect("/replica/replica", 503, "replica: primary, not a replica");

        // The old primary goes away: the promoted node is the primary now.
        pg.primary().stop();
        awaitAnswer("/primary/replica", 200, "replica: primary (timeline 2)");
        Duration flip = Duration.between(promoted, Instant.now());
        System.out.println("routing: /primary/replica answered 200 " + flip.toMillis() + " ms after the promotion started");
        awaitAnswer("/primary/primary", 503, "primary: down: ");
        expect("/read/replica", 200, "replica: primary (timeline 2)");
        expect("/read/primary", 503, "primary: down: ");
        expect("/replica/primary", 503, "primary: down: ");
      }
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void expect(String path, int status, String bodyPrefix) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(status, r.statusCode(), path + ": " + r.body());
    assertTrue(r.body().startsWith(bodyPrefix) && r.body().endsWith("\n"), path + ": " + r.body());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), path);
  }

  private void awaitAnswer(String path, int status, String bodyPrefix) {
    Await.until(path + " answering " + status + " " + bodyPrefix, Duration.ofSeconds(30), Duration.ofMillis(100),
        () -> get(path), r -> r.statusCode() == status && r.body().startsWith(bodyPrefix),
        r -> r.statusCode() + " " + r.body());
  }
}
